#!/bin/sh
# VM-to-VM networking: TCP throughput and ping round trip between two
# Linux guests, under capvisor and on bare QEMU, in one invocation:
#   capvisor  apps/vm_multi (three 2-vCPU guests, one VMM each, joined by
#             the virtual switch): vm0 sends to vm1, vm2 idles beside;
#   bare      two QEMUs, one guest each (the same Image and initrd, 2
#             vCPUs, 128 MiB, virtio-net on virtio-mmio, the same cvip=),
#             joined by `-netdev socket` on 127.0.0.1 (QEMU-NOTES.md's
#             reference).
# Both run QEMU's cores on one host thread each (tcg,thread=single; why:
# docs/vmm.md "A host with fewer cores"): capvisor's whole system in one
# QEMU, each bare guest in its own, so the bare pair has two host threads
# where capvisor has one: the comparison does not favour capvisor.
# The sender times `dd if=/dev/zero bs=64k | nc` of MIB MiB by its own
# clock (/proc/uptime, 10 ms steps); the receiver's md5 of what arrived is
# checked; `ping -c 10` gives the average round trip. Prints MB/s, the
# average RTT, and the ratios capvisor / bare (throughput: higher is
# better for capvisor; RTT: lower).
#
#   bench/net/run.sh [MIB] [BUILD_DIR]   (default 64 MiB, build-net)
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
bench_setup
MIB=${1:-64}
BUILD=${2:-build-net}
ONE_THREAD="--qemu-arg=-accel --qemu-arg=tcg,thread=single"

# md5 of MIB MiB of zeros: what the receiver must print
SUM=$(head -c $((MIB * 1048576)) /dev/zero | md5sum | cut -c1-32)

# The sender's command: the pings, then the timed transfer.
send_cmd() {
    echo "ping -c 10 $1 | tail -1; $(bench_stamp BENCH "dd if=/dev/zero bs=64k count=$((MIB * 16)) 2>/dev/null | nc $1 5000")"
}

# "seconds avg_rtt_ms" from sender log $1
figures() {
    echo "$(bench_seconds BENCH "$1") $(bench_rtt "$1")"
}

if [ ! -f "$BUILD/build.ninja" ]; then
    cmake -G Ninja -S "$ROOT" -B "$BUILD" -DCAMKES_VM_APP=vm_multi -DNUM_NODES=4 >/dev/null
fi
ninja -C "$BUILD" image >/dev/null

echo "capvisor: vm_multi, $MIB MiB vm0 -> vm1 ..."
# shellcheck disable=SC2086 # ONE_THREAD is four words
python3 "$QEMU_RUN" --image "$BUILD/images/capdl-loader-image-arm-qemu-arm-virt" \
    --smp 4 --mem 2G $ONE_THREAD --timeout 1800 --log "$tmp/cv.log" \
    --seen 'vm1: capvisor-guest: init ready' --expect 'vm0: capvisor-guest: init ready' \
    --type "$(printf '\035')1" --expect 'serial: input to vm1' \
    --send "nc -l -p 5000 | md5sum" --settle 2 \
    --type "$(printf '\035')0" --expect 'serial: input to vm0' \
    --send "$(send_cmd 10.0.0.2)" --seen "vm1: $SUM" --expect 'BENCH_[0-9.]*_[0-9.]*_END' >/dev/null

# The bare pair (bench/lib.sh), its sender's log in $tmp/$1.log; PIN: a
# command prefix.
bare_pair() {
    bench_bare_pair "$1" 2 "nc -l -p 5000 | md5sum" "$SUM" "$(send_cmd 10.0.0.2)" \
        'BENCH_[0-9.]*_[0-9.]*_END'
}
echo "bare: two QEMUs joined by -netdev socket, $MIB MiB ..."
PIN="" bare_pair tx
# capvisor's whole system runs on one host thread; the bare pair has two
# (one QEMU each) and this host two cores. The same pair with both QEMUs
# on one host core has the host resources capvisor has.
echo "bare, both QEMUs on one host core (taskset -c 0), $MIB MiB ..."
PIN="taskset -c 0" bare_pair tx1

read -r cv_t cv_rtt <<EOF
$(figures "$tmp/cv.log")
EOF
read -r bare_t bare_rtt <<EOF
$(figures "$tmp/tx.log")
EOF
read -r one_t one_rtt <<EOF
$(figures "$tmp/tx1.log")
EOF
awk -v m="$MIB" -v ct="$cv_t" -v bt="$bare_t" -v ot="$one_t" -v cr="$cv_rtt" -v br="$bare_rtt" \
    -v orr="$one_rtt" 'BEGIN {
    printf "%-22s %10s %12s %10s\n", "", "seconds", "MB/s", "rtt ms"
    printf "%-22s %10.2f %12.2f %10.3f\n", "capvisor", ct, m * 1.048576 / ct, cr
    printf "%-22s %10.2f %12.2f %10.3f\n", "bare QEMU", bt, m * 1.048576 / bt, br
    printf "%-22s %10.2f %12.2f %10.3f\n", "bare QEMU, 1 host core", ot, m * 1.048576 / ot, orr
    printf "throughput capvisor/bare: %.3f   rtt capvisor/bare: %.3f\n", bt / ct, cr / br
    printf "throughput capvisor/bare on 1 host core: %.3f   rtt: %.3f\n", ot / ct, cr / orr
}'
