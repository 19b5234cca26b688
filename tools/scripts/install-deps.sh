#!/bin/sh
# Installs every Debian package meshc needs to build, test and run its demo.
# Idempotent: does nothing (and needs no network) when all packages are present.
set -eu

PACKAGES="cmake g++ make pkg-config ninja-build antlr4 libantlr4-runtime-dev llvm-14-dev lld
libssl-dev libspdlog-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev libnghttp2-dev
libcli11-dev libboost1.81-dev libre2-dev ccache curl wrk openssl python3 procps
chromium chromium-driver clang-14 libclang-rt-14-dev"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
