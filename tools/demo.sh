#!/bin/sh
# The main job: install dependencies, build meshc and the runtime, compile examples/bookinfo into
# one sidecar per workload, run the mesh on 127.0.0.1, print where requests went, stop everything.
set -eu
cd "$(dirname "$0")/.."

./tools/scripts/install-deps.sh

export CCACHE_BASEDIR="$PWD"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "${MESHC_JOBS:-2}" --target meshc meshrt demo-backend
exec python3 tools/demo/bookinfo_demo.py build
