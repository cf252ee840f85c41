#!/bin/sh
# SMP scaling: the md5 workload (MIB MiB of zeros through md5sum on every
# vCPU at once, each pinned with taskset) on 1, 2 and 4 vCPUs: vm_minimal's
# guest under capvisor (-DNUM_NODES=N: N vCPUs, one per core) against the
# same Image and initrd on bare QEMU at EL1 with -smp N and the device tree
# the VMM gave that guest (dumped from its capvisor boot: bench/lib.sh), so
# the same devices and command line. The guest times the workload itself
# (/proc/uptime, 10 ms steps) and every sum is checked.
#
# Two clocks, each machine booted once per clock:
#   icount  -icount shift=0,sleep=off: the guest's clock counts
#           instructions (1 ns each) of all its cores, which QEMU runs in
#           turn on one thread: deterministic; the ratio capvisor/bare is
#           what the hypervisor adds (exits, timer and IPI delivery);
#   wall    one host thread for all cores too (tcg,thread=single, as the
#           tests run: docs/vmm.md "A host with fewer cores"), real time.
# On one host thread N vCPUs do N times the work in about N times the
# time: the scaling figure, time(N) / (N * time(1)), is 1.00 for a system
# that adds nothing per extra vCPU, and above it for what SMP costs.
#
#   bench/smp/run.sh [MIB_ICOUNT] [MIB_WALL] [BUILD_PREFIX]
#       (MiB a vCPU under each clock: default 32 and 128, enough for the
#       guest's 10 ms clock; builds build-smp1, -2, -4)
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GUEST=${GUEST_OUT:-$ROOT/guest/out}
MIB_ICOUNT=${1:-32}
MIB_WALL=${2:-128}
PREFIX=${3:-build-smp}
QEMU_RUN=$ROOT/tests/system/qemu_run.py
NODES="1 2 4"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$ROOT/bench/lib.sh"

# md5 of $1 MiB of zeros
zeros_md5() { head -c $(($1 * 1048576)) /dev/zero | md5sum | cut -c1-32; }

# The guest's command for N vCPUs ($1): the pinned md5s of MIB MiB, timed, then the sums.
work_cmd() {
    last=$(($1 - 1))
    echo "a=\$(cut -d' ' -f1 /proc/uptime); for c in \$(seq 0 $last); do (taskset -c \$c sh -c 'dd if=/dev/zero bs=1M count=$MIB 2>/dev/null | md5sum' > /tmp/m\$c) & done; wait; b=\$(cut -d' ' -f1 /proc/uptime); echo SMPB_\${a}_\${b}_\$(cat /tmp/m* | wc -l)_\$(cat /tmp/m* | sort -u | cut -c1-32)_END"
}

# Runs the workload on N vCPUs ($1) with qemu_run arguments "$@" after it;
# prints the seconds the guest measured, after checking the sums.
run_work() {
    n=$1
    shift
    python3 "$QEMU_RUN" --timeout 900 --log "$tmp/run.log" \
        --expect 'capvisor-guest: init ready' \
        --send "echo CPUS_\$(nproc)_X" --expect "CPUS_${n}_X" \
        --send "$(work_cmd "$n")" --expect 'SMPB_[0-9.]+_[0-9.]+_[0-9]+_[0-9a-f]+_END' \
        --reject 'Kernel panic' "$@" >/dev/null || {
        tail -20 "$tmp/run.log" >&2
        echo "bench: run failed: $*" >&2
        exit 1
    }
    line=$(grep -a 'SMPB_[0-9.]*_[0-9.]*_' "$tmp/run.log" | grep -v 'echo' | head -1)
    sum=$(zeros_md5 "$MIB")
    echo "$line" | grep -q "_${n}_${sum}_END" || {
        echo "bench: wrong sums: $line (want $n of $sum)" >&2
        exit 1
    }
    echo "$line" | sed 's/.*SMPB_\([0-9.]*\)_\([0-9.]*\)_.*/\1 \2/' | awk '{ printf "%.2f\n", $2 - $1 }'
}

run_capvisor() { # N clock-args...
    n=$1
    shift
    run_work "$n" --image "$PREFIX$n/images/capdl-loader-image-arm-qemu-arm-virt" \
        --cpu cortex-a57 --smp "$n" --mem 2G "$@"
}

run_bare() { # N clock-args...
    n=$1
    shift
    run_work "$n" --kernel "$GUEST/Image" --initrd "$GUEST/initrd.gz" \
        --machine virt,virtualization=off,gic-version=2 \
        --qemu-arg=-dtb --qemu-arg="$tmp/guest$n.dtb" \
        --cpu cortex-a57 --smp "$n" --mem 512M "$@"
}

main() {
    "$ROOT/guest/build-images.sh" "$GUEST" >&2
    for n in $NODES; do
        cmake -G Ninja -S "$ROOT" -B "$PREFIX$n" -DCAMKES_VM_APP=vm_minimal -DNUM_NODES="$n" >/dev/null
        ninja -C "$PREFIX$n" image >/dev/null
        bench_guest_dtb "$PREFIX$n/images/capdl-loader-image-arm-qemu-arm-virt" "$n" "$tmp/guest$n.dtb"
    done
    for clock in icount wall; do
        if [ "$clock" = icount ]; then
            set -- --qemu-arg=-icount --qemu-arg=shift=0,sleep=off
            unit="M instructions" MIB=$MIB_ICOUNT
        else
            set -- --qemu-arg=-accel --qemu-arg=tcg,thread=single
            unit="s" MIB=$MIB_WALL
        fi
        echo "$clock: md5 of $MIB MiB on every vCPU at once (every sum checked)"
        for n in $NODES; do
            c=$(run_capvisor "$n" "$@")
            b=$(run_bare "$n" "$@")
            echo "$n $c $b" >>"$tmp/$clock"
        done
        awk -v clock="$clock" -v unit="$unit" '
            { s = clock == "icount" ? 1000 : 1; c[$1] = $2 * s; b[$1] = $3 * s; n[NR] = $1
              f = clock == "icount" ? "%.0f" : "%.2f" }
            END {
                for (i = 1; i <= NR; i++) {
                    k = n[i]
                    printf "%s smp%d: capvisor " f " %s, bare " f " %s, ratio %.3f; scaling capvisor %.2f, bare %.2f\n",
                        clock, k, c[k], unit, b[k], unit, c[k] / b[k], c[k] / (k * c[1]), b[k] / (k * b[1])
                }
            }' "$tmp/$clock"
    done
    echo "(ratio: capvisor / bare at the same -smp, lower is better, 1.0 = no cost;"
    echo " scaling: time(N) / (N * time(1)) on one host thread, 1.00 = nothing added per vCPU)"
}
main
