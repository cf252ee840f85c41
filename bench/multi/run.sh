#!/bin/sh
# Boot of several guests at once: the seconds from starting QEMU until all
# three guests of apps/vm_multi say `capvisor-guest: init ready`, against
# three bare QEMUs (the same Image and initrd, 2 vCPUs, 128 MiB, virtio-net
# on virtio-mmio with the same cvip=; guests 0 and 1 joined by -netdev
# socket, guest 2's end listening for nobody) started together, until the last of
# them says it. Both run QEMU's cores on one host thread each
# (tcg,thread=single, docs/vmm.md "A host with fewer cores"): capvisor's
# three guests share one, the bare ones have one each. RUNS runs of each,
# interleaved, and the bare three again all on one host core (the host
# resources capvisor's one thread has); prints each run, the medians and
# their ratios.
#
#   bench/multi/run.sh [RUNS] [BUILD_DIR]   (default 3 runs, build-net)
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${1:-3}
BUILD=${2:-build-net}
MARKER='capvisor-guest: init ready'
PORT=$((30000 + $$ % 10000))
. "$ROOT/bench/lib.sh"
bench_setup # GUEST, QEMU_RUN, tmp

if [ ! -f "$BUILD/build.ninja" ]; then
    cmake -G Ninja -S "$ROOT" -B "$BUILD" -DCAMKES_VM_APP=vm_multi -DNUM_NODES=4 >/dev/null
fi
ninja -C "$BUILD" >/dev/null

# Seconds at which qemu_run matched the last of its patterns (its --print-times lines).
last_match() {
    sed -n 's/^matched .* at \([0-9.]*\) s$/\1/p' "$1" | sort -n | tail -1
}

boot_capvisor() {
    python3 "$QEMU_RUN" --image "$BUILD/images/capdl-loader-image-arm-qemu-arm-virt" \
        --smp 4 --mem 2G --qemu-arg=-accel --qemu-arg=tcg,thread=single --timeout 600 \
        --print-times --seen "vm0: $MARKER" --seen "vm1: $MARKER" --seen "vm2: $MARKER" \
        --expect "vm[0-2]: $MARKER" --expect "vm[0-2]: $MARKER" --expect "vm[0-2]: $MARKER" \
        >"$tmp/cv.out"
    last_match "$tmp/cv.out"
}

# Guest N of the three bare QEMUs (QEMU's socket netdev joins two ends).
bare_one() {
    n=$1
    shift
    # shellcheck disable=SC2086 # PIN is a command prefix or nothing
    $PIN python3 "$QEMU_RUN" --kernel "$GUEST/Image" --initrd "$GUEST/initrd.gz" \
        --append "console=ttyAMA0 earlycon=pl011,0x9000000 rdinit=/init panic=-1 cvmods=virtio_mmio,virtio_net cvip=10.0.0.$((n + 1))/24" \
        --smp 2 --mem 128M --qemu-arg=-accel --qemu-arg=tcg,thread=single --timeout 600 \
        "$@" --print-times --expect "$MARKER" >"$tmp/bare$n.out"
}

boot_bare() {
    bare_one 0 --qemu-arg=-netdev --qemu-arg="socket,id=n0,listen=127.0.0.1:$PORT" \
        --qemu-arg=-device --qemu-arg=virtio-net-device,netdev=n0,mac=02:00:00:00:00:01 &
    a=$!
    bare_one 1 --qemu-arg=-netdev --qemu-arg="socket,id=n0,connect=127.0.0.1:$PORT" \
        --qemu-arg=-device --qemu-arg=virtio-net-device,netdev=n0,mac=02:00:00:00:00:02 &
    b=$!
    bare_one 2 --qemu-arg=-netdev --qemu-arg="socket,id=n0,listen=127.0.0.1:$((PORT + 1))" \
        --qemu-arg=-device --qemu-arg=virtio-net-device,netdev=n0,mac=02:00:00:00:00:03 &
    c=$!
    wait $a $b $c
    # the three started within milliseconds; each time is from its own start
    for n in 0 1 2; do last_match "$tmp/bare$n.out"; done | sort -n | tail -1
}

# The bare QEMUs also all on one host core (taskset -c 0): the host
# resources capvisor's one QEMU thread has.
cv="" bare="" one=""
for r in $(seq 1 "$RUNS"); do
    t=$(PIN="" boot_bare)
    bare="$bare $t"
    o=$(PIN="taskset -c 0" boot_bare)
    one="$one $o"
    c=$(boot_capvisor)
    cv="$cv $c"
    echo "run $r: capvisor $c s, bare $t s, bare on one host core $o s"
done
median() { echo "$@" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
mc=$(median "$cv")
mb=$(median "$bare")
mo=$(median "$one")
awk -v c="$mc" -v b="$mb" -v o="$mo" 'BEGIN {
    printf "median: capvisor %.3f s, bare %.3f s, bare on one host core %.3f s\n", c, b, o
    printf "capvisor/bare %.2f, capvisor/bare on one host core %.2f\n", c / b, c / o
}'
