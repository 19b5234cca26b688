# Our own code builds warning-free; generated and third-party code does not get these flags.
# -Wno-restrict: g++ 12 reports false overlaps inside std::string concatenation at -O2/-O3
# (GCC bug 105329); the warning is noise there and nowhere else relevant to us.
# -Wno-maybe-uninitialized, sanitizer builds only: with -fsanitize=address at -O2/-O3, g++ 12
# reports uninitialized reads inside system headers (boost::optional in Beast's parser,
# std::function in <regex>); GCC documents that ASan makes this warning unreliable.
# -Wno-tsan, ThreadSanitizer builds only: g++ 12 warns that TSan does not model the fences in
# Asio's std_fenced_block; Asio hands work between threads through mutex-guarded queues, which
# TSan does model, and each worker's io_context runs on one thread.
function(meshc_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror
                         $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
  if(MESHC_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
  if(MESHC_TSAN AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-tsan)
  endif()
endfunction()
