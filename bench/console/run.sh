#!/bin/sh
# Console throughput: the guest writes MIB MiB of text lines to a virtio
# console, timed by the guest's own clock (/proc/uptime, 10 ms steps),
# under capvisor and on bare QEMU, in one invocation:
#   capvisor  apps/vm_virtio: the flood goes to its hvc1, a virtio console
#             on virtio-mmio; the VMM prints it as `vm0: ` lines on the
#             system console (what a user of the app sees);
#   bare      the same Image and initrd on QEMU with `-device
#             virtio-serial-device -device virtconsole` writing to a file;
#   bare UART the same bare guest writing the flood to its PL011 (ttyAMA0)
#             instead: not a baseline of the same work, but what a serial
#             line costs on this QEMU (a host write per byte), the ceiling
#             of any console that ends on the UART, as capvisor's does.
# Both guests run the same shell command on their PL011 or hvc0 shell.
# Twice each, in two tty modes of the console:
#   lines  output processing on (the default): Linux's tty hands the
#          driver each line and its "\r\n" apart, two buffers a line;
#   raw    `stty -opost`: cat's 4 KiB writes reach the driver whole.
# Prints MB/s of each, their ratio, and capvisor's exits per MiB (the
# VMM's counts at power-off, less those of a boot without the flood).
#
#   bench/console/run.sh [MIB] [BUILD_DIR]   (default 1 MiB, build-console)
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GUEST=${GUEST_OUT:-$ROOT/guest/out}
MIB=${1:-1}
BUILD=${2:-build-console}
QEMU_RUN=$ROOT/tests/system/qemu_run.py
LINE=0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXY
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The command both guests run: make the text, then time writing it to $1.
flood() {
    opost=opost
    [ "$MODE" = raw ] && opost=-opost
    # stty while cat holds the console open: hvc resets its termios at the last close
    echo "yes $LINE | head -c $((MIB * 1048576)) > /tmp/f; a=\$(cut -d' ' -f1 /proc/uptime); { stty -F $1 $opost; cat /tmp/f; } > $1; b=\$(cut -d' ' -f1 /proc/uptime); echo BENCH_\${a}_\${b}_END; poweroff -f"
}

# Seconds between the two uptimes in the BENCH_a_b_END line of log $1.
elapsed() {
    sed -n 's/.*BENCH_\([0-9.]*\)_\([0-9.]*\)_END.*/\1 \2/p' "$1" | head -1 |
        awk '{ printf "%.2f\n", $2 - $1 }'
}

run_capvisor() {
    python3 "$QEMU_RUN" --image "$BUILD/images/capdl-loader-image-arm-qemu-arm-virt" \
        --cpu cortex-a57 --smp 1 --mem 2G --timeout 1800 --log "$tmp/cv.log" \
        --expect 'vm0: capvisor-guest: init ready' --send "$(flood /dev/hvc1)" \
        --expect 'BENCH_[0-9.]*_[0-9.]*_END' --expect '\[vm0\] guest powered off' >/dev/null
}

run_bare() {
    python3 "$QEMU_RUN" --kernel "$GUEST/Image" --initrd "$GUEST/initrd.gz" \
        --append "console=ttyAMA0 earlycon=pl011,0x9000000 rdinit=/init cvmods=virtio_mmio,virtio_console" \
        --cpu cortex-a57 --smp 1 --mem 512M --timeout 1800 --log "$tmp/bare.log" \
        --qemu-arg=-device --qemu-arg=virtio-serial-device \
        --qemu-arg=-device --qemu-arg=virtconsole,chardev=c0 \
        --qemu-arg=-chardev --qemu-arg="file,id=c0,path=$tmp/bare.out" \
        --expect 'capvisor-guest: init ready' --send "$(flood /dev/hvc0)" \
        --expect 'BENCH_[0-9.]*_[0-9.]*_END' --expect-exit >/dev/null
}

run_bare_uart() {
    python3 "$QEMU_RUN" --kernel "$GUEST/Image" --initrd "$GUEST/initrd.gz" \
        --append "console=ttyAMA0 earlycon=pl011,0x9000000 rdinit=/init" \
        --cpu cortex-a57 --smp 1 --mem 512M --timeout 1800 --log "$tmp/uart.log" \
        --expect 'capvisor-guest: init ready' --send "$(flood /dev/ttyAMA0)" \
        --expect 'BENCH_[0-9.]*_[0-9.]*_END' --expect-exit >/dev/null
}

# The boot alone, powered off at once: the exits the flood did not cause.
run_idle() {
    python3 "$QEMU_RUN" --image "$BUILD/images/capdl-loader-image-arm-qemu-arm-virt" \
        --cpu cortex-a57 --smp 1 --mem 2G --timeout 120 --log "$tmp/idle.log" \
        --expect 'vm0: capvisor-guest: init ready' --send 'poweroff -f' \
        --expect '\[vm0\] guest powered off' >/dev/null
}

exits() {
    sed -n 's/^\[vm0\] \([0-9]*\) exits: \([0-9]*\) mmio, .* \([0-9]*\) timer\/eoi.*/\1 \2 \3/p' "$1" | head -1
}

# One tty mode ($MODE): bare, then capvisor; their figures.
measure() {
    run_bare
    run_bare_uart
    run_capvisor
    bytes=$((MIB * 1048576))
    got=$(wc -c <"$tmp/bare.out")
    [ "$got" -ge "$bytes" ] || { echo "bench: bare wrote $got bytes, not $bytes" >&2; exit 1; }
    lines=$(grep -c "^vm0: $LINE\$" "$tmp/cv.log" || true)
    tb=$(elapsed "$tmp/bare.log")
    tc=$(elapsed "$tmp/cv.log")
    tu=$(elapsed "$tmp/uart.log")
    set -- $(exits "$tmp/cv.log") $(exits "$tmp/idle.log")
    echo "bench console ($MODE): $MIB MiB in lines of $((${#LINE} + 1)) bytes"
    echo "  bare QEMU (virtconsole to a file): $tb s"
    echo "  capvisor (vm_virtio hvc1, $lines whole lines printed): $tc s"
    echo "  bare QEMU, the flood on its PL011 instead: $tu s (MB/s $(awk -v t="$tu" -v n="$bytes" 'BEGIN { printf "%.3f", n / t / 1e6 }'))"
    awk -v b="$tb" -v c="$tc" -v n="$bytes" 'BEGIN {
        printf "  MB/s: bare %.3f, capvisor %.3f; ratio capvisor/bare %.3f (time %.2fx)\n",
               n / b / 1e6, n / c / 1e6, b / c, c / b }'
    awk -v t="$1" -v m="$2" -v i="$3" -v t0="$4" -v m0="$5" -v i0="$6" -v mib="$MIB" 'BEGIN {
        printf "  exits per MiB: %.0f (mmio %.0f, timer/eoi %.0f)\n",
               (t - t0) / mib, (m - m0) / mib, (i - i0) / mib }'
    echo "  $(grep '^\[vm0\] console1:' "$tmp/cv.log" | head -1)"
    rm -f "$tmp/bare.out"
}

main() {
    "$ROOT/guest/build-images.sh" "$GUEST" >&2
    cmake -G Ninja -S "$ROOT" -B "$BUILD" -DCAMKES_VM_APP=vm_virtio >/dev/null
    ninja -C "$BUILD" image >/dev/null
    run_idle
    for MODE in lines raw; do
        measure
    done
}

main
