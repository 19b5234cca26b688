#pragma once

#include <boost/beast/http/fields.hpp>

namespace mesh {

// Removes the headers that describe one connection rather than the message (request/HopByHop.h
// says which). Read keep_alive() before calling this.
void removeHopByHopHeaders(boost::beast::http::fields& fields);

}  // namespace mesh
