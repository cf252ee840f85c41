#!/bin/sh
# Cost of one trapped MMIO read (and write) round trip (guest -> kernel -> VMM ->
# guest), counted in instructions: boots apps/vm_minimal under
# `-icount shift=0,sleep=off` (1 ns of virtual time per instruction, the
# inputs that vary fixed as ../../shared/QEMU-NOTES.md says) and runs the
# guest's `cvprobe mmio-bench N`, which reads GICD_TYPER (emulated by the
# VMM's vGIC) N times and divides the elapsed counter time by N. Then the
# same without icount, for the wall-clock time of one (what QEMU does
# besides executing instructions: TLB flushes, device and timer
# emulation; noisy, as every wall-clock figure here).
#
#   bench/exit/run.sh [N] [BUILD_DIR]        (default 20000, build-boot)
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-20000}
BUILD=${2:-build-boot}

. "$ROOT/bench/lib.sh"
bench_build_app vm_minimal "$BUILD"

LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

# ns_per_op WHAT [QEMU_RUN ARGS...]: boots the image with those extra
# qemu_run.py arguments, runs the guest's `cvprobe WHAT N` and prints its ns
# per access. WHAT is mmio-bench (reads), mmio-bench-write (writes of the
# value the register holds) or irq-bench (injected interrupts).
ns_per_op() {
    what=$1
    shift
    python3 "$ROOT/tests/system/qemu_run.py" \
        --image "$BUILD/images/capdl-loader-image-arm-qemu-arm-virt" --smp 1 --mem 2G "$@" \
        --timeout 300 --expect 'capvisor-guest: init ready' --send "cvprobe $what $N" \
        --expect "cvprobe: $what: .* ns/" --echo >"$LOG" || { tail -20 "$LOG" >&2; exit 1; }
    sed -n "s/.*cvprobe: $what: [0-9]* [a-z]*, [0-9]* ticks, \([0-9]*\) ns\/.*/\1/p" "$LOG" |
        tail -1
}

ICOUNT="--machine virt,virtualization=on,gic-version=2,dtb-randomness=off
    --qemu-arg=-icount --qemu-arg=shift=0,sleep=off
    --qemu-arg=-rtc --qemu-arg=base=2024-01-01T00:00:00,clock=vm"
# shellcheck disable=SC2086 # one argument a word
COST=$(ns_per_op mmio-bench $ICOUNT)
echo "exit: one trapped MMIO read round trip (guest -> kernel -> VMM -> guest): $COST instructions (N=$N)"
echo "goal (issue 15): at most 900 instructions for the read"
# shellcheck disable=SC2086
WCOST=$(ns_per_op mmio-bench-write $ICOUNT)
echo "exit: one trapped MMIO write round trip: $WCOST instructions (N=$N)"
# shellcheck disable=SC2086
ICOST=$(ns_per_op irq-bench $ICOUNT)
echo "exit: one injected-interrupt round trip (ISPENDR write -> vGIC -> guest handler -> EOI): $ICOST instructions (N=$N)"
echo "      of which the ISPENDR write and the handler's UART read are one write and one read exit"

WALL=$(ns_per_op mmio-bench)
echo "exit: the same read round trip without icount: $WALL ns of wall-clock time"
