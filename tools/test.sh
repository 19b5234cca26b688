#!/bin/sh
# Installs dependencies, builds meshc, the runtime and the tests, and runs the whole suite twice:
# a Release build, then an AddressSanitizer+UndefinedBehaviorSanitizer build (separate build dir);
# then a smoke run of every fuzz target (tools/fuzz/run.sh, build-fuzz).
# Build directories are kept between runs (incremental; ccache).
set -eu
cd "$(dirname "$0")/.."

./tools/scripts/install-deps.sh

export CCACHE_BASEDIR="$PWD"
JOBS="${MESHC_JOBS:-2}"

run_suite() {
  build_dir="$1"
  shift
  cmake -S . -B "$build_dir" -G Ninja "$@"
  cmake --build "$build_dir" -j "$JOBS"
  ctest --test-dir "$build_dir" --output-on-failure -j "$JOBS" --timeout 900
}

run_suite build -DCMAKE_BUILD_TYPE=Release
# detect_leaks stays on: the suite's own processes must not leak either.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
run_suite build-asan -DCMAKE_BUILD_TYPE=Release -DMESHC_SANITIZE=ON
./tools/fuzz/run.sh smoke
echo "test.sh: all tests passed (Release and ASan+UBSan) and every fuzz target ran clean"
