# Our own code builds warning-free; generated and third-party code does not get these flags.
# -Wno-restrict: g++ 12 reports false overlaps inside std::string concatenation at -O2/-O3
# (GCC bug 105329); the warning is noise there and nowhere else relevant to us.
function(meshc_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror
                         $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
endfunction()
