#!/usr/bin/env bash
# Sets up the machine (scripts/setup.sh), builds everything in build-test/
# and runs every test with ctest: host unit tests and QEMU system tests.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake -G Ninja -S . -B build-test -DCAMKES_VM_APP=hello -DPLATFORM=qemu-arm-virt >/dev/null
ninja -C build-test
cd build-test
ctest --output-on-failure "$@"
