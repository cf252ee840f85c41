#!/bin/sh
# Boot time of the test guest (guest/build-images.sh): the seconds from
# starting QEMU to the guest's line `capvisor-guest: init ready`, under
# capvisor (apps/vm_minimal) and on bare QEMU (the same Image and initrd,
# -M virt,virtualization=on -cpu cortex-a57), as measured by qemu_run.py
# --print-times; each run and the medians, and their ratio.
#
#   bench/boot/run.sh [RUNS] [BUILD_DIR]   (default 5 runs, build-boot;
#                                          GUEST_OUT=dir, default guest/out;
#                                          IDLE=seconds before each boot;
#                                          COMPARE=another capvisor image)
#
# Back to back (IDLE unset), a boot reuses host memory the previous QEMU
# just freed; on a host that reclaims free memory after a few seconds (this
# machine's balloon, docs/vmm.md) IDLE=8 measures boots from cold memory
# instead, as a first boot after a pause would see.
#
# Every run boots each configuration in CONFIGS once, in turn, so that
# configurations added beside `bare` (one boot_NAME function each) are
# interleaved and see the same machine load.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GUEST=${GUEST_OUT:-$ROOT/guest/out}
RUNS=${1:-5}
BUILD=${2:-build-boot}
QEMU_RUN=$ROOT/tests/system/qemu_run.py
MARKER='capvisor-guest: init ready'
CONFIGS="bare capvisor${COMPARE:+ compare}"

# Boots once with qemu_run.py arguments "$@" (what to boot and how);
# prints the seconds from QEMU's start to the marker.
time_boot() {
    sleep "${IDLE:-0}"
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
        --append "console=ttyAMA0 earlycon=pl011,0x9000000 rdinit=/init" \
        --cpu cortex-a57 --smp 1 --mem 512M
}

# The same guest as vm_minimal's VM under capvisor (one vCPU, 512 MiB).
boot_capvisor() {
    time_boot --image "$BUILD/images/capdl-loader-image-arm-qemu-arm-virt" \
        --cpu cortex-a57 --smp 1 --mem 2G
}

# Another build's image (COMPARE=path, e.g. main's before a change), booted
# the same way in the same runs: an A/B measurement beside bare QEMU.
boot_compare() {
    time_boot --image "$COMPARE" --cpu cortex-a57 --smp 1 --mem 2G
}

# Prints the median of the numbers in file $1, one a line.
median() {
    sort -n "$1" | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

main() {
    "$ROOT/guest/build-images.sh" "$GUEST" >&2
    cmake -G Ninja -S "$ROOT" -B "$BUILD" -DCAMKES_VM_APP=vm_minimal >/dev/null
    ninja -C "$BUILD" image >/dev/null
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
    # Each run's two boots follow each other: their ratio is less moved by
    # the machine's load changing over the whole invocation.
    paste "$tmp/capvisor" "$tmp/bare" | awk '{ printf "%.3f\n", $1 / $2 }' >"$tmp/ratio"
    echo "per-run ratios capvisor/bare: $(sort -n "$tmp/ratio" | tr '\n' ' ')(median $(median "$tmp/ratio"))"
    # The fastest run of each: host noise (other processes, memory the host
    # touches for the first time) only ever adds time, so the minimum is the
    # estimate least moved by it. The goal is judged on the medians.
    awk -v c="$(sort -n "$tmp/capvisor" | head -1)" -v b="$(sort -n "$tmp/bare" | head -1)" \
        'BEGIN { printf "fastest runs: capvisor %.3f s, bare %.3f s, ratio %.3f\n", c, b, c / b }'
    if [ -n "${COMPARE:-}" ]; then
        awk -v c="$(median "$tmp/compare")" -v b="$(median "$tmp/bare")" \
            'BEGIN { printf "ratio compare/bare: %.3f (%s)\n", c / b, ENVIRON["COMPARE"] }'
    fi
    awk -v c="$(median "$tmp/capvisor")" -v b="$(median "$tmp/bare")" \
        'BEGIN { printf "ratio capvisor/bare: %.3f (goal: at most 1.10)\n", c / b }'
}

main
