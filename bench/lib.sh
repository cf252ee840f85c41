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
