#pragma once

// What the fuzz targets share: an invariant that fails must stop the run where libFuzzer sees
// it, with the input saved, whatever the build type (assert() vanishes under NDEBUG).

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                                \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)
