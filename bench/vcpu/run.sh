#!/bin/sh
# What a guest pays for a hypercall, an IPI between its vCPUs and a virtual
# timer interrupt, in instructions, against bare QEMU (issue 16, "Measure";
# bench/README.md "vcpu"). Builds apps/vm_vbench at 1 and 2 cores and boots
# it under `-icount shift=0,sleep=off` with the other inputs that vary fixed
# (../../shared/QEMU-NOTES.md), then boots the same guest image
# (guest/vbench) on bare QEMU at EL1 (virtualization=off, -smp 2, same -m,
# RAM base and load address). Each runs RUNS times; the figures must be the
# same every time (icount makes them exact), and the script says whether
# they were. Prints per figure: capvisor at 1 core and at 2, bare, the
# ratios, and the issue's aims.
#
#   bench/vcpu/run.sh [RUNS] [BUILD_DIR]      (default 2, build-vbench)
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${1:-2}
BUILD=${2:-build-vbench}

cmake -G Ninja -S "$ROOT" -B "$BUILD" -DCAMKES_VM_APP=vm_vbench -DNUM_NODES=1 >/dev/null
ninja -C "$BUILD" target-vm_vbench-1 target-vm_vbench-2 >/dev/null
GUEST="$BUILD/target-vm_vbench-1/app/vbench/vbench.img"

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

ICOUNT="--qemu-arg=-icount --qemu-arg=shift=0,sleep=off
    --qemu-arg=-rtc --qemu-arg=base=2024-01-01T00:00:00,clock=vm"

# boot NAME RUN QEMU_RUN_ARGS...: one run; its vbench lines (without the
# VMM's "vm0: " prefix) in $OUT/NAME.RUN, the whole console in $OUT/NAME.RUN.log.
boot() {
    name=$1
    run=$2
    shift 2
    # shellcheck disable=SC2086 # ICOUNT: one argument a word
    python3 "$ROOT/tests/system/qemu_run.py" --mem 2G --timeout 900 $ICOUNT "$@" \
        --expect 'vbench: done' --reject 'vbench: unexpected' --echo \
        >"$OUT/$name.$run.log" || { tail -20 "$OUT/$name.$run.log" >&2; exit 1; }
    sed -n 's/^\(vm0: \)\{0,1\}\(vbench: .*\)/\2/p' "$OUT/$name.$run.log" >"$OUT/$name.$run"
}

CAP="--machine virt,virtualization=on,gic-version=2,dtb-randomness=off"
BARE="--machine virt,gic-version=2,dtb-randomness=off --kernel $GUEST --smp 2 --expect-exit"
run=1
while [ "$run" -le "$RUNS" ]; do
    # shellcheck disable=SC2086
    boot cap1 "$run" --image "$BUILD/target-vm_vbench-1/image.elf" --smp 1 $CAP
    # shellcheck disable=SC2086
    boot cap2 "$run" --image "$BUILD/target-vm_vbench-2/image.elf" --smp 2 $CAP
    # shellcheck disable=SC2086
    boot bare "$run" $BARE
    run=$((run + 1))
done

same=yes
for name in cap1 cap2 bare; do
    run=2
    while [ "$run" -le "$RUNS" ]; do
        if ! cmp -s "$OUT/$name.1" "$OUT/$name.$run"; then
            same=no
            echo "$name: run $run differs from run 1:"
            diff "$OUT/$name.1" "$OUT/$name.$run" || true
        fi
        run=$((run + 1))
    done
done

echo "capvisor, 1 core:"
sed 's/^/  /' "$OUT/cap1.1"
grep '^\[vm0\] [0-9]* exits' "$OUT/cap1.1.log" | sed 's/^/  /'
echo "capvisor, 2 cores:"
sed 's/^/  /' "$OUT/cap2.1"
grep '^\[vm0\] [0-9]* exits' "$OUT/cap2.1.log" | sed 's/^/  /'
echo "bare QEMU at EL1, -smp 2:"
sed 's/^/  /' "$OUT/bare.1"
echo
if [ "$same" = yes ]; then
    echo "deterministic: each of the $RUNS runs of each printed the same figures"
else
    echo "NOT deterministic: the runs above differ"
fi
echo

# mean NAME FIGURE: the figure's instructions (its mean, or per op of hvc
# and gicd), "-" if it has no sample.
mean() {
    if [ "$2" = hvc ] || [ "$2" = hvc1 ] || [ "$2" = gicd ]; then
        sed -n "s/^vbench: $2: .* ns, \([0-9.]*\) ns\/op$/\1/p" "$OUT/$1.1"
    else
        v=$(sed -n "s/^vbench: $2: [0-9]* samples, mean \([0-9.]*\) ns.*/\1/p" "$OUT/$1.1")
        echo "${v:--}"
    fi
}

# cell NAME FIGURE: the mean, and the samples if the budget stopped the figure.
cell() {
    v=$(mean "$1" "$2")
    n=$(sed -n "s/^vbench: $2: \([0-9]*\) samples.*stopped.*/\1/p" "$OUT/$1.1")
    if [ -n "$n" ]; then
        echo "$v ($n samples: budget)"
    else
        echo "$v"
    fi
}

# ratio A B: A / B to one decimal, "-" unless both are numbers.
ratio() {
    case "$1$2" in
    *-*) echo - ;;
    *) awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f\n", a / b; else print "-" }' ;;
    esac
}

echo "instructions (-icount shift=0: 1 ns = 1 instruction, of either vCPU)"
printf '%-9s | %-30s | %-30s | %-24s | %-8s | %-8s\n' figure "capvisor 1 core" \
    "capvisor 2 cores" "bare -smp 2" "1c/bare" "2c/bare"
for fig in hvc hvc1 gicd vtimer ipi_spin ipi_wfe ipi_wfi; do
    b=$(mean bare $fig)
    printf '%-9s | %-30s | %-30s | %-24s | %-8s | %-8s\n' $fig "$(cell cap1 $fig)" \
        "$(cell cap2 $fig)" "$(cell bare $fig)" "$(ratio "$(mean cap1 $fig)" "$b")" \
        "$(ratio "$(mean cap2 $fig)" "$b")"
done
echo

# The aims of issue 16. An injection is one VMM invocation, less than an
# exit round trip: one round trip plus the injection is taken as at most two.
echo "aim: an IPI costs no more than one exit round trip (hvc) plus the injection (taken as < 2 round trips):"
for cfg in "cap1 1 core" "cap2 2 cores"; do
    name=${cfg%% *}
    hvc=$(mean "$name" hvc)
    gicd=$(mean "$name" gicd)
    for fig in ipi_wfe ipi_wfi; do
        ipi=$(mean "$name" $fig)
        r=$(ratio "$ipi" "$hvc")
        verdict=$(awk -v r="$r" 'BEGIN { print (r != "-" && r < 2) ? "met" : "not met" }')
        rest=$(awk -v a="$ipi" -v b="$gicd" 'BEGIN { printf "%.1f\n", a - b }')
        echo "  ${cfg#* }, $fig: $ipi = $r x the round trip ($hvc): $verdict;" \
            "the SGIR write's exit (gicd) $gicd, its injection and delivery $rest"
    done
done
echo "aim: the virtual timer within 3x bare:"
b=$(mean bare vtimer)
for cfg in "cap1 1 core" "cap2 2 cores"; do
    name=${cfg%% *}
    v=$(mean "$name" vtimer)
    r=$(ratio "$v" "$b")
    verdict=$(awk -v r="$r" 'BEGIN { print (r != "-" && r <= 3) ? "met" : "not met" }')
    echo "  ${cfg#* }: $v against $b = ${r}x: $verdict"
done
echo "  (bare QEMU takes the interrupt at the next instruction boundary, at no guest"
echo "  instruction: what capvisor adds is the kernel's delivery, without the VMM)"
