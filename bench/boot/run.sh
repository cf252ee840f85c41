#!/bin/sh
# Boot time of the test guest (guest/build-images.sh): the seconds from
# starting QEMU to the guest's line `capvisor-guest: init ready`, and of a
# reset (from the marker, where `reboot -f` is typed, to the marker
# again), under capvisor (apps/vm_minimal) and on bare QEMU, as measured by
# qemu_run.py --print-times; each run and the medians, and their ratios.
#
# The reference, `bare`, does the same work as the guest under capvisor:
# the same Image and initrd at EL1 (-M virt,virtualization=off), with the
# device tree the VMM gives its guest (dumped from a capvisor boot at the
# start: /sys/firmware/fdt; QEMU sets only its memory node and the
# initrd's place), so the same devices, the same command line. `bare_el2`
# is the reference of earlier stops, kept beside it: QEMU's own device tree
# (a PCIe bridge, 32 virtio-mmio slots, RTC, fw_cfg: more to probe) and
# the kernel entered at EL2 (it sets KVM up): slower, so it flattered us.
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
RUNS=${1:-5}
BUILD=${2:-build-boot}
MARKER='capvisor-guest: init ready'
CONFIGS="bare capvisor bare_el2${COMPARE:+ compare}"
. "$ROOT/bench/lib.sh"
bench_setup # GUEST, QEMU_RUN, tmp

# Boots once with qemu_run.py arguments "$@" (what to boot and how), then
# resets the guest; prints the seconds from QEMU's start to the marker and
# from the marker to the marker after the reset.
time_boot() {
    sleep "${IDLE:-0}"
    result=$(python3 "$QEMU_RUN" --timeout 90 --print-times \
        --expect "$MARKER" --send 'reboot -f' --expect "$MARKER" \
        --reject 'Kernel panic' "$@") || {
        echo "$result" >&2
        echo "bench: boot failed: $*" >&2
        exit 1
    }
    echo "$result" | sed -n 's/^matched .* at \([0-9.]*\) s$/\1/p' | tr '\n' ' ' |
        awk '{ printf "%s %.3f\n", $1, $2 - $1 }'
}

# The device tree of vm_minimal's guest, as the guest got it (bench/lib.sh).
dump_dtb() {
    bench_guest_dtb "$BUILD/images/capdl-loader-image-arm-qemu-arm-virt" 1 "$tmp/guest.dtb"
}
# The reference: the guest's kernel, initrd and device tree straight on
# QEMU at EL1 (its bootargs are the VM's: no --append).
boot_bare() {
    time_boot --kernel "$GUEST/Image" --initrd "$GUEST/initrd.gz" \
        --machine virt,virtualization=off,gic-version=2 \
        --qemu-arg=-dtb --qemu-arg="$tmp/guest.dtb" \
        --cpu cortex-a57 --smp 1 --mem 512M
}

# Earlier stops' reference: QEMU's device tree, Linux entered at EL2.
boot_bare_el2() {
    time_boot --kernel "$GUEST/Image" --initrd "$GUEST/initrd.gz" \
        --append "console=ttyAMA0 earlycon=pl011,0x9000000 rdinit=/init panic=-1" \
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

# Prints "NAME median: boot B s, reset R s" for configuration $1.
medians() {
    cut -d' ' -f1 "$tmp/$1" >"$tmp/$1.boot"
    cut -d' ' -f2 "$tmp/$1" >"$tmp/$1.reset"
    echo "$1 median: boot $(median "$tmp/$1.boot") s, reset $(median "$tmp/$1.reset") s ($RUNS runs)"
}

# Prints the ratio of the medians of column $3 (boot, reset) of $1 over $2.
ratio() {
    awk -v a="$(median "$tmp/$1.$3")" -v b="$(median "$tmp/$2.$3")" -v what="$1/$2 $3" \
        'BEGIN { printf "ratio %s: %.3f\n", what, a / b }'
}

main() {
    "$ROOT/guest/build-images.sh" "$GUEST" >&2
    cmake -G Ninja -S "$ROOT" -B "$BUILD" -DCAMKES_VM_APP=vm_minimal >/dev/null
    ninja -C "$BUILD" image >/dev/null
    dump_dtb
    i=1
    while [ "$i" -le "$RUNS" ]; do
        for c in $CONFIGS; do
            t=$("boot_$c")
            echo "$t" >>"$tmp/$c"
            echo "$c run $i: $(echo "$t" | awk '{ printf "boot %s s, reset %s s", $1, $2 }')"
        done
        i=$((i + 1))
    done
    for c in $CONFIGS; do
        medians "$c"
    done
    # Each run's boots follow each other: their ratio is less moved by the
    # machine's load changing over the whole invocation.
    paste "$tmp/capvisor.boot" "$tmp/bare.boot" | awk '{ printf "%.3f\n", $1 / $2 }' >"$tmp/ratio"
    echo "per-run boot ratios capvisor/bare: $(sort -n "$tmp/ratio" | tr '\n' ' ')(median $(median "$tmp/ratio"))"
    # The fastest run of each: host noise only ever adds time.
    awk -v c="$(sort -n "$tmp/capvisor.boot" | head -1)" -v b="$(sort -n "$tmp/bare.boot" | head -1)" \
        'BEGIN { printf "fastest boots: capvisor %.3f s, bare %.3f s, ratio %.3f\n", c, b, c / b }'
    if [ -n "${COMPARE:-}" ]; then
        ratio compare bare boot
    fi
    ratio capvisor bare_el2 boot
    ratio capvisor bare_el2 reset
    ratio capvisor bare reset
    ratio capvisor bare boot
    echo "(the headline is the last: the same guest, device tree and command line at EL1; goal at most 1.10)"
}

main
