#!/bin/sh
# The cross-VM connector (docs/xconn.md, apps/vm_cross_connector): round-trip
# latency guest -> native component -> guest, and dataport throughput.
# Boots apps/vm_cross_connector and runs the guest program (guest/xconn):
#   `xconn bench 01.0 N`: N round trips of a 16-byte request on xc0 (a
#     doorbell write, the native component's answer, the INTx the guest's
#     uio_pci_generic takes and masks, the guest's EVENTS read, its
#     acknowledgement and its unmask through config space), each timed
#     with CLOCK_MONOTONIC (the virtual counter); median and p99. Under `-icount shift=0,sleep=off` (the
#     varying inputs fixed as ../../shared/QEMU-NOTES.md says) 1 ns is one
#     guest instruction; without icount they are wall-clock ns;
#   `xconn copy 02.0 MIB`: MIB MiB written and read by the guest through
#     xc1's 1 MiB dataport BAR (mapped, no exits; the guest's mapping of a
#     BAR is uncached Device memory), MB/s each way;
#   `xconn xfer 02.0 N 65536`: N round trips moving 64 KiB each way, every
#     byte checked on both sides, MB/s.
#
#   bench/xconn/run.sh [N] [BUILD_DIR]        (default 2000, build-xconn)
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-2000}
BUILD=${2:-build-xconn}

. "$ROOT/bench/lib.sh"
bench_build_app vm_cross_connector "$BUILD"

LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

# run CMD PATTERN END [QEMU_RUN ARGS...]: boots, binds the connectors, runs
# the guest's `xconn CMD` and prints its line from PATTERN to END.
run() {
    cmd=$1 pat=$2 end=$3
    shift 3
    python3 "$ROOT/tests/system/qemu_run.py" \
        --image "$BUILD/images/capdl-loader-image-arm-qemu-arm-virt" --smp 1 --mem 2G "$@" \
        --timeout 300 --expect 'capvisor-guest: init ready' --send "xconn bind; xconn $cmd" \
        --expect "$pat.*$end" --echo >"$LOG" || { tail -20 "$LOG" >&2; exit 1; }
    grep -o "$pat.*$end" "$LOG" | tail -1
}

ICOUNT="--machine virt,virtualization=on,gic-version=2,dtb-randomness=off
    --qemu-arg=-icount --qemu-arg=shift=0,sleep=off
    --qemu-arg=-rtc --qemu-arg=base=2024-01-01T00:00:00,clock=vm"
# shellcheck disable=SC2086 # one argument a word
echo "icount (ns = guest instructions): $(run "bench 01.0 $N" "xconn: bench" "p99 [0-9]* ns" $ICOUNT)"
echo "wall clock:                       $(run "bench 01.0 $N" "xconn: bench" "p99 [0-9]* ns")"
echo "dataport BAR, wall clock:         $(run "copy 02.0 16" "xconn: copy" "read [0-9]* MB/s")"
echo "round trips of 64 KiB:            $(run "xfer 02.0 200 65536" "xconn: xfer" "MB/s")"
