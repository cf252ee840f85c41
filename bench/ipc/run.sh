#!/bin/sh
# bench/ipc/run.sh [BUILD_DIR]: build apps/ipc_bench and run it once under
# QEMU with deterministic instruction counting, print its figures and the
# anchor they are judged against (bench/README.md).
#
# Assumes scripts/setup.sh ran. BUILD_DIR defaults to build-bench in the
# current directory. Same figures on every run: -icount shift=0 makes
# virtual time advance 1 ns per guest instruction, and dtb-randomness=off
# plus a fixed -rtc remove the other inputs that vary.
set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-build-bench}
JOBS=${JOBS:-2}

cmake -G Ninja -S "$SRC" -B "$BUILD" -DCAMKES_VM_APP=ipc_bench >/dev/null
ninja -C "$BUILD" -j"$JOBS" image >/dev/null

IMAGE="$BUILD/images/capdl-loader-image-arm-qemu-arm-virt"
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

python3 "$SRC/tests/system/qemu_run.py" --image "$IMAGE" --smp 1 --mem 1G \
    --machine virt,virtualization=on,gic-version=2,dtb-randomness=off \
    --qemu-arg=-icount --qemu-arg=shift=0,sleep=off \
    --qemu-arg=-rtc --qemu-arg=base=2024-01-01T00:00:00,clock=vm \
    --timeout 120 --expect "ipc_bench: done" --reject "ipc_bench: FAIL" \
    --echo >"$LOG" || { cat "$LOG"; exit 1; }

grep '^ipc_bench: ' "$LOG"
RT=$(sed -n 's/^ipc_bench: call_replyrecv_roundtrip: \([0-9]*\) .*/\1/p' "$LOG")
echo "anchor: seL4 Call+ReplyRecv on Cortex-A57 ~840 cycles; goal (issue 15): at most 300 instructions"
if [ "$RT" -le 300 ]; then
    echo "call_replyrecv_roundtrip: $RT instructions: within the goal"
else
    echo "call_replyrecv_roundtrip: $RT instructions: above the goal of 300"
fi
