# shellcheck shell=sh
# Shell functions the benches share (sourced: `. "$ROOT/bench/lib.sh"`);
# they use $ROOT (the source tree).

# bench_guest_dtb IMAGE SMP OUT: boots capvisor image IMAGE (vm_minimal's
# kind: one Linux guest, console on the UART) on SMP cores, has the guest
# print the device tree it got (/sys/firmware/fdt, as od's hex lines
# between two markers) and writes it to OUT, so that a bare-QEMU baseline
# boots the same guest with the same devices and command line. Prints the
# tree's size and bootargs on stderr.
bench_guest_dtb() {
    _log=$(mktemp)
    # one host thread for all cores: the tree does not depend on it, and
    # more cores than the host has spin on each other (docs/vmm.md)
    python3 "$ROOT/tests/system/qemu_run.py" --image "$1" --cpu cortex-a57 --smp "$2" \
        --mem 2G --timeout 120 --log "$_log" --qemu-arg=-accel --qemu-arg=tcg,thread=single \
        --expect 'capvisor-guest: init ready' \
        --send 'echo FDT_BEGIN; od -An -tx1 -v /sys/firmware/fdt; echo FDT_END' \
        --expect '^vm0: FDT_END$' >/dev/null || {
        tail -5 "$_log" >&2
        echo "bench: no device tree from $1" >&2
        return 1
    }
    python3 - "$_log" "$3" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
hexes = lines[lines.index("vm0: FDT_BEGIN") + 1:lines.index("vm0: FDT_END")]
data = bytes(int(b, 16) for l in hexes for b in l[len("vm0: "):].split())
open(sys.argv[2], "wb").write(data)
PY
    rm -f "$_log"
    echo "bench: the guest's device tree: $(wc -c <"$3") bytes," \
        "bootargs \"$(dtc -q -I dtb -O dts "$3" | sed -n 's/.*bootargs = "\(.*\)";/\1/p')\"" >&2
}

# bench_build_app APP BUILD_DIR: configures and builds APP's image there.
bench_build_app() {
    cmake -G Ninja -S "$ROOT" -B "$2" -DCAMKES_VM_APP="$1" >/dev/null
    ninja -C "$2" image >/dev/null
}

# bench_setup: GUEST (guest/out, or $GUEST_OUT), QEMU_RUN and tmp, a
# directory for the runs' logs removed at exit.
bench_setup() {
    GUEST=${GUEST_OUT:-$ROOT/guest/out}
    QEMU_RUN=$ROOT/tests/system/qemu_run.py
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    BENCH_PORT=$((20000 + $$ % 10000))
}

# bench_bare_guest NAME ADDR MAC NETDEV SMP [qemu_run steps...]: the
# capvisor guest's Image and initrd on bare QEMU (SMP vCPUs, 128 MiB,
# virtio-net on virtio-mmio over -netdev NETDEV, eth0 at ADDR/24, QEMU's
# cores on one host thread) until its steps are done; log $tmp/NAME.log.
# $PIN, if set, is a command prefix (e.g. `taskset -c 0`). Uses GUEST,
# QEMU_RUN and tmp (bench_setup).
bench_bare_guest() {
    _name=$1 _addr=$2 _mac=$3 _netdev=$4 _smp=$5
    shift 5
    # shellcheck disable=SC2086 # PIN is a command and its words
    ${PIN:-} python3 "$QEMU_RUN" --kernel "$GUEST/Image" --initrd "$GUEST/initrd.gz" \
        --append "console=ttyAMA0 earlycon=pl011,0x9000000 rdinit=/init panic=-1 cvmods=virtio_mmio,virtio_net cvip=$_addr/24" \
        --smp "$_smp" --mem 128M --qemu-arg=-accel --qemu-arg=tcg,thread=single \
        --timeout 1800 --log "$tmp/$_name.log" \
        --qemu-arg=-netdev --qemu-arg="socket,id=n0,$_netdev" \
        --qemu-arg=-device --qemu-arg="virtio-net-device,netdev=n0,mac=$_mac" \
        --expect 'capvisor-guest: init ready' "$@" >/dev/null
}

# bench_bare_pair TAG SMP RX_CMD RX_EXPECT TX_CMD TX_EXPECT: two bare
# guests joined by -netdev socket on 127.0.0.1 (QEMU-NOTES.md): "rxTAG"
# (10.0.0.2) runs RX_CMD until RX_EXPECT; "TAG" (10.0.0.1) starts once it
# listens and runs TX_CMD until TX_EXPECT; both power off.
bench_bare_pair() {
    bench_bare_guest "rx$1" 10.0.0.2 02:00:00:00:00:02 "listen=127.0.0.1:$BENCH_PORT" "$2" \
        --send "$3" --expect "$4" --send "poweroff -f" --expect 'reboot: Power down' &
    _rx=$!
    sleep 1
    bench_bare_guest "$1" 10.0.0.1 02:00:00:00:00:01 "connect=127.0.0.1:$BENCH_PORT" "$2" \
        --settle 3 --send "$5" --expect "$6" --send "poweroff -f" --expect 'reboot: Power down'
    wait $_rx
    BENCH_PORT=$((BENCH_PORT + 1))
}

# bench_stamp TAG CMD: a guest shell command that runs CMD between two
# readings of /proc/uptime and prints TAG_start_end_END.
bench_stamp() {
    echo "a=\$(cut -d' ' -f1 /proc/uptime); $2; b=\$(cut -d' ' -f1 /proc/uptime); echo $1_\${a}_\${b}_END"
}

# bench_seconds TAG LOG: the seconds between TAG's two stamps in LOG.
bench_seconds() {
    sed -n "s/.*$1_\([0-9.]*\)_\([0-9.]*\)_END.*/\1 \2/p" "$2" | head -1 |
        awk '{ printf "%.2f", $2 - $1 }'
}

# bench_rtt LOG: the average round trip of the first ping summary in LOG.
bench_rtt() {
    sed -n 's/.*round-trip min\/avg\/max = [0-9.]*\/\([0-9.]*\)\/.*/\1/p' "$1" | head -1
}
