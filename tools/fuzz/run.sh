#!/bin/sh
# Builds and runs the libFuzzer targets (docs/fuzzing.md).
#   tools/fuzz/run.sh smoke                  every target for 60 s, two at a time; fails on any
#                                            crash, leak, timeout or broken invariant (CI)
#   tools/fuzz/run.sh long TARGET [SECONDS]  one target in one process (default 3600 s); its
#                                            corpus grows in build-fuzz/long/TARGET and is kept
#                                            between runs
# The committed seeds (tools/fuzz/corpus/TARGET) are only read: libFuzzer writes new inputs to
# the first corpus directory it is given, a scratch one here.
set -eu
cd "$(dirname "$0")/../.."

BUILD_DIR="${MESHC_FUZZ_BUILD_DIR:-build-fuzz}"
JOBS="${MESHC_JOBS:-2}"
TARGETS="fuzz_policy_frontend fuzz_http_framing fuzz_endpoints_file fuzz_request_model"
SMOKE_SECONDS=60
export CCACHE_BASEDIR="$PWD"

usage() {
  echo "usage: $0 smoke | long TARGET [SECONDS]   (targets: $TARGETS)" >&2
  exit 2
}

# Debug keeps assertions (Beast's among them) on; -O1 is what libFuzzer's docs advise.
build() {
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$BUILD_DIR" -G Ninja -DMESHC_FUZZ=ON \
    -DMESHC_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS=-O1 -DCMAKE_CXX_FLAGS=-O1 \
    >/dev/null
  cmake --build "$BUILD_DIR" -j "$JOBS" --target "$@"
}

# The longest input worth trying: the largest seeds, with room to grow.
max_len() {
  case "$1" in
    fuzz_policy_frontend) echo 8192 ;;
    fuzz_http_framing) echo 4096 ;;
    *) echo 1024 ;;
  esac
}

# run TARGET SECONDS WORKDIR: output in WORKDIR/log, a failing input in WORKDIR/.
run() {
  target="$1"
  work="$3"
  mkdir -p "$work/corpus"
  "$BUILD_DIR/tools/fuzz/$target" -max_total_time="$2" -max_len="$(max_len "$target")" \
    -timeout=30 -dict="tools/fuzz/$target.dict" -artifact_prefix="$work/" \
    -print_final_stats=1 "$work/corpus" "tools/fuzz/corpus/$target" >"$work/log" 2>&1
}

# "TARGET: N runs in S s (R exec/s)" from a finished run's log.
summary() {
  sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 \2/p' "$2/log" |
    awk -v t="$1" '{ printf "%s: %d runs in %d s (%.0f exec/s)\n", t, $1, $2, $2 ? $1 / $2 : 0 }'
}

report() {
  if [ "$2" -eq 0 ]; then
    summary "$1" "$3"
  else
    echo "$1: FAILED (exit $2); log and input in $3:" >&2
    tail -n 40 "$3/log" >&2
    # CI keeps no files: the input itself, to replay with `base64 -d > in; TARGET in`.
    for input in "$3"/crash-* "$3"/timeout-* "$3"/leak-* "$3"/oom-*; do
      [ -f "$input" ] || continue
      echo "$(basename "$input") as base64:" >&2
      base64 -w0 "$input" | head -c 16384 >&2
      echo >&2
    done
  fi
}

smoke() {
  # shellcheck disable=SC2086
  build $TARGETS
  scratch="$BUILD_DIR/smoke"
  rm -rf "$scratch"
  failed=0
  # shellcheck disable=SC2086
  set -- $TARGETS
  while [ $# -gt 0 ]; do
    first="$1"
    second="${2:-}"
    run "$first" "$SMOKE_SECONDS" "$scratch/$first" &
    pid=$!
    status2=0
    if [ -n "$second" ]; then
      run "$second" "$SMOKE_SECONDS" "$scratch/$second" || status2=$?
    fi
    status1=0
    wait "$pid" || status1=$?
    report "$first" "$status1" "$scratch/$first" || true
    [ "$status1" -eq 0 ] || failed=1
    if [ -n "$second" ]; then
      report "$second" "$status2" "$scratch/$second" || true
      [ "$status2" -eq 0 ] || failed=1
      shift
    fi
    shift
  done
  return "$failed"
}

long() {
  target="$1"
  case " $TARGETS " in *" $target "*) ;; *) usage ;; esac
  build "$target"
  work="$BUILD_DIR/long/$target"
  status=0
  run "$target" "$2" "$work" || status=$?
  report "$target" "$status" "$work"
  return "$status"
}

case "${1:-}" in
  smoke) smoke ;;
  long)
    [ $# -ge 2 ] || usage
    long "$2" "${3:-3600}"
    ;;
  *) usage ;;
esac
