#pragma once

namespace meshc {

// Lambdas joined into one visitor for std::visit: a variant alternative without a matching lambda
// fails to compile, which is how every stage is forced to handle a new IR or AST kind.
template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
// C++20 deduces this for an aggregate by itself; clang 14 does not implement that yet.
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace meshc
