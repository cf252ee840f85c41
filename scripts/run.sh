#!/usr/bin/env bash
# Sets up the machine, builds the default app and boots it in QEMU.
#   scripts/run.sh [app] [num_nodes]      (Ctrl-A X leaves QEMU)
set -euo pipefail
cd "$(dirname "$0")/.."
app="${1:-vm_minimal}"
nodes="${2:-1}"
./scripts/setup.sh
cmake -G Ninja -S . -B "build-$app" -DCAMKES_VM_APP="$app" -DPLATFORM=qemu-arm-virt \
    -DNUM_NODES="$nodes" >/dev/null
ninja -C "build-$app"
exec "./build-$app/simulate"
