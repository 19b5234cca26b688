#!/bin/sh
# Installs dependencies, builds meshc, the runtime and the tests, and runs the whole suite twice:
# a Release build, then an AddressSanitizer+UndefinedBehaviorSanitizer build (separate build dir);
# then the runtime's tests (unit and end-to-end) once more under ThreadSanitizer, and a smoke run
# of every fuzz target (tools/fuzz/run.sh, build-fuzz).
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
# The sidecar's threads (workers, control, admin) share state: the runtime alone, without the
# compiler, under TSan. A report stops the process (the tests then see it fail).
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"
run_suite build-tsan -DCMAKE_BUILD_TYPE=Release -DMESHC_ONLY_RUNTIME=ON -DMESHC_TSAN=ON
./tools/fuzz/run.sh smoke
echo "test.sh: all tests passed (Release, ASan+UBSan, TSan) and every fuzz target ran clean"
