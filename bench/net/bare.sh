# shellcheck shell=sh
# The bare-QEMU reference of the network benches (sourced by bench/net/run.sh
# and bench/netstack/run.sh): the capvisor guest's Image and initrd on bare
# QEMU, two of them joined by `-netdev socket` on 127.0.0.1 (QEMU-NOTES.md),
# virtio-net on virtio-mmio, QEMU's cores on one host thread. The caller
# sets ROOT; this sets GUEST (guest/out, or $GUEST_OUT), QEMU_RUN and tmp,
# a directory for the logs ($tmp/NAME.log) removed at exit.

GUEST=${GUEST_OUT:-$ROOT/guest/out}
QEMU_RUN=$ROOT/tests/system/qemu_run.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
BARE_PORT=$((20000 + $$ % 10000))

# bare_guest NAME ADDR MAC NETDEV SMP [qemu_run steps...]: one guest, its
# eth0 at ADDR/24, until its steps are done.
bare_guest() {
    name=$1 addr=$2 mac=$3 netdev=$4 smp=$5
    shift 5
    python3 "$QEMU_RUN" --kernel "$GUEST/Image" --initrd "$GUEST/initrd.gz" \
        --append "console=ttyAMA0 earlycon=pl011,0x9000000 rdinit=/init panic=-1 cvmods=virtio_mmio,virtio_net cvip=$addr/24" \
        --smp "$smp" --mem 128M --qemu-arg=-accel --qemu-arg=tcg,thread=single \
        --timeout 1800 --log "$tmp/$name.log" \
        --qemu-arg=-netdev --qemu-arg="socket,id=n0,$netdev" \
        --qemu-arg=-device --qemu-arg="virtio-net-device,netdev=n0,mac=$mac" \
        --expect 'capvisor-guest: init ready' "$@" >/dev/null
}

# bare_pair SMP RX_CMD RX_EXPECT TX_CMD TX_EXPECT: rx (10.0.0.2) runs
# RX_CMD and waits for RX_EXPECT; tx (10.0.0.1) starts once rx listens,
# runs TX_CMD and waits for TX_EXPECT; both power off. Logs: $tmp/rx.log,
# $tmp/tx.log.
bare_pair() {
    smp=$1
    bare_guest rx 10.0.0.2 02:00:00:00:00:02 "listen=127.0.0.1:$BARE_PORT" "$smp" \
        --send "$2" --expect "$3" --send "poweroff -f" --expect 'reboot: Power down' &
    rx=$!
    sleep 1
    bare_guest tx 10.0.0.1 02:00:00:00:00:01 "connect=127.0.0.1:$BARE_PORT" "$smp" \
        --settle 3 --send "$4" --expect "$5" --send "poweroff -f" --expect 'reboot: Power down'
    wait $rx
}

# bench_stamp TAG CMD: a shell command that runs CMD between two readings of
# /proc/uptime and prints TAG_start_end_END.
bench_stamp() {
    echo "a=\$(cut -d' ' -f1 /proc/uptime); $2; b=\$(cut -d' ' -f1 /proc/uptime); echo $1_\${a}_\${b}_END"
}

# bench_seconds TAG LOG: the seconds between the stamps of TAG in LOG.
bench_seconds() {
    sed -n "s/.*$1_\([0-9.]*\)_\([0-9.]*\)_END.*/\1 \2/p" "$2" | head -1 |
        awk '{ printf "%.2f", $2 - $1 }'
}

# bench_rtt LOG: the average round trip of the first ping summary in LOG.
bench_rtt() {
    sed -n 's/.*round-trip min\/avg\/max = [0-9.]*\/\([0-9.]*\)\/.*/\1/p' "$1" | head -1
}
