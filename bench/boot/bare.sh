#!/bin/sh
# Boot time of the test guest (guest/build-images.sh) on bare QEMU: the
# seconds from starting QEMU to the line `capvisor-guest: init ready`, as
# measured by qemu_run.py --print-times, for each run and their median.
#
#   bench/boot/bare.sh [RUNS]          (default 5; GUEST_OUT=dir, default guest/out)
#
# Every run boots each configuration in CONFIGS once, in turn, so that
# configurations added beside `bare` (one boot_NAME function each) are
# interleaved and see the same machine load.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GUEST=${GUEST_OUT:-$ROOT/guest/out}
RUNS=${1:-5}
QEMU_RUN=$ROOT/tests/system/qemu_run.py
MARKER='^capvisor-guest: init ready'
CONFIGS="bare"

# Boots once with qemu_run.py arguments "$@" (what to boot and how);
# prints the seconds from QEMU's start to the marker.
time_boot() {
    result=$(python3 "$QEMU_RUN" --timeout 60 --print-times \
        --expect "$MARKER" --reject 'Kernel panic' "$@") || {
        echo "$result" >&2
        echo "bench: boot failed: $*" >&2
        exit 1
    }
    echo "$result" | sed -n 's/^matched .* at \([0-9.]*\) s$/\1/p'
}

# The reference: the guest's kernel and initrd straight on QEMU.
boot_bare() {
    time_boot --kernel "$GUEST/Image" --initrd "$GUEST/initrd.gz" \
        --append "console=ttyAMA0 earlycon rdinit=/init" \
        --cpu cortex-a57 --smp 1 --mem 512M
}

# Prints the median of the numbers in file $1, one a line.
median() {
    sort -n "$1" | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

main() {
    "$ROOT/guest/build-images.sh" "$GUEST" >&2
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    i=1
    while [ "$i" -le "$RUNS" ]; do
        for c in $CONFIGS; do
            t=$("boot_$c")
            echo "$t" >>"$tmp/$c"
            echo "$c run $i: $t s to the marker"
        done
        i=$((i + 1))
    done
    for c in $CONFIGS; do
        echo "$c median: $(median "$tmp/$c") s ($RUNS runs)"
    done
}

main
