#!/bin/sh
# A Linux guest and a native network component: TCP throughput both ways
# and ping round trip, under capvisor and against a bare-QEMU peer, in one
# invocation:
#   capvisor  apps/vm_virtio_net (one 1-vCPU guest, its VMM, the virtual
#             switch and netstack, lwIP, all on one core): the guest sends
#             MIB MiB to netstack's discard port (`dd | nc`), then fetches
#             MIB MiB of its generated stream (`wget /gen/N | md5sum`);
#   bare      the same guest (Image, initrd, 1 vCPU, 128 MiB) on bare QEMU
#             talking to another such guest over `-netdev socket`
#             (bench/lib.sh's bare pair, the reference bench/net uses): `dd | nc`
#             to the peer's `nc -l`, then the peer's `dd | nc -l` read with
#             `nc | md5sum`; the same pair again with both QEMUs on one host
#             core (capvisor's whole system runs on one QEMU thread).
# Each direction is timed by the guest's clock (/proc/uptime, 10 ms steps)
# and its md5 checked; `ping -c 10` gives the average round trip. Prints
# MB/s each way, the RTT and the ratios capvisor / bare.
#
#   bench/netstack/run.sh [MIB] [BUILD_DIR]   (default 16 MiB, build-netstack)
set -eu
MIB=${1:-16}
BUILD=${2:-build-netstack}
BYTES=$((MIB * 1048576))
# what each side must print: the md5 of the bare peer's zeros, of netstack's stream
ZERO_SUM=$(head -c $BYTES /dev/zero | md5sum | cut -c1-32)
SEQ_SUM=$(seq 1 20000000 | head -c $BYTES | md5sum | cut -c1-32)

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
bench_setup

# The guest's commands: pings, then a timed transfer each way to PEER.
guest_cmd() { # PEER RECEIVE_CMD
    echo "ping -c 10 $1 | tail -1; $(bench_stamp TX "dd if=/dev/zero bs=64k count=$((MIB * 16)) 2>/dev/null | nc $1 9"); sleep 1; $(bench_stamp RX "$2")"
}

if [ ! -f "$BUILD/build.ninja" ]; then
    cmake -G Ninja -S "$ROOT" -B "$BUILD" -DCAMKES_VM_APP=vm_virtio_net >/dev/null
fi
ninja -C "$BUILD" image >/dev/null

echo "capvisor: vm_virtio_net, $MIB MiB each way guest <-> netstack ..."
python3 "$QEMU_RUN" --image "$BUILD/images/capdl-loader-image-arm-qemu-arm-virt" \
    --smp 1 --mem 2G --timeout 1800 --log "$tmp/cv.log" \
    --expect 'vm0: capvisor-guest: init ready' \
    --send "$(guest_cmd 10.0.0.2 "wget -q -O - http://10.0.0.2/gen/$BYTES | md5sum")" \
    --expect 'RX_[0-9.]*_[0-9.]*_END' \
    --seen "netstack: discard: $BYTES bytes from 10.0.0.1" --seen "vm0: $SEQ_SUM" >/dev/null

# The bare pair (bench/lib.sh) on two host threads, then with both QEMUs
# on one host core: capvisor's whole system runs on one QEMU thread.
bare_pair() { # TAG
    bench_bare_pair "$1" 1 "nc -l -p 9 | md5sum; dd if=/dev/zero bs=64k count=$((MIB * 16)) 2>/dev/null | nc -l -p 80" \
        "$ZERO_SUM" "$(guest_cmd 10.0.0.2 "nc 10.0.0.2 80 | md5sum")" 'RX_[0-9.]*_[0-9.]*_END'
    grep -q "$ZERO_SUM" "$tmp/$1.log" || {
        echo "bare: the peer's bytes arrived with another md5" >&2
        exit 1
    }
}
echo "bare: two QEMUs joined by -netdev socket, $MIB MiB each way ..."
PIN="" bare_pair tx
echo "bare, both QEMUs on one host core (taskset -c 0), $MIB MiB each way ..."
PIN="taskset -c 0" bare_pair tx1

awk -v m="$MIB" -v ctx="$(bench_seconds TX "$tmp/cv.log")" -v crx="$(bench_seconds RX "$tmp/cv.log")" \
    -v btx="$(bench_seconds TX "$tmp/tx.log")" -v brx="$(bench_seconds RX "$tmp/tx.log")" \
    -v otx="$(bench_seconds TX "$tmp/tx1.log")" -v orx="$(bench_seconds RX "$tmp/tx1.log")" \
    -v cr="$(bench_rtt "$tmp/cv.log")" -v br="$(bench_rtt "$tmp/tx.log")" \
    -v orr="$(bench_rtt "$tmp/tx1.log")" 'BEGIN {
    printf "%-22s %14s %14s %10s\n", "", "guest->peer", "peer->guest", "rtt ms"
    printf "%-22s %9.2f MB/s %9.2f MB/s %10.3f\n", "capvisor", m * 1.048576 / ctx, m * 1.048576 / crx, cr
    printf "%-22s %9.2f MB/s %9.2f MB/s %10.3f\n", "bare QEMU", m * 1.048576 / btx, m * 1.048576 / brx, br
    printf "%-22s %9.2f MB/s %9.2f MB/s %10.3f\n", "bare QEMU, 1 host core", m * 1.048576 / otx, m * 1.048576 / orx, orr
    printf "capvisor/bare: guest->peer %.3f  peer->guest %.3f  rtt %.3f\n", btx / ctx, brx / crx, cr / br
    printf "capvisor/bare on 1 host core: guest->peer %.3f  peer->guest %.3f  rtt %.3f\n", otx / ctx, orx / crx, cr / orr
}'
