#!/usr/bin/env bash
# Static checks, all of which must be quiet:
#   (a) clang-format --dry-run over every tracked .c/.h,
#   (b) cppcheck over the kernel, loader, libcap, tools and apps,
#   (c) clang-tidy (repo-root .clang-tidy) over the host-compiled sources.
#
# Usage: scripts/lint.sh BUILD_DIR
#   BUILD_DIR holds the compile_commands.json of a configured build (any
#   app: the host tools and tests are in every one), e.g. build-test.
# Prints every finding; exits 1 if there was any, 2 on a usage error.
# Registered as the ctest `lint` (label lint) by tests/CMakeLists.txt.
set -uo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR (the directory holding compile_commands.json)" >&2
    exit 2
fi
build=$(cd "$1" 2>/dev/null && pwd) || {
    echo "lint: no such build directory: $1" >&2
    exit 2
}
if [ ! -f "$build/compile_commands.json" ]; then
    echo "lint: $build/compile_commands.json missing (configure with cmake first)" >&2
    exit 2
fi
cd "$(dirname "$0")/.." || exit 2

failed=""

# (a) Formatting: the tracked sources (outside a git checkout: all of them).
dirs=(kernel boot loader libcap libvmm components tools tests apps include)
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t sources < <(git ls-files -- "${dirs[@]/%//*.c}" "${dirs[@]/%//*.h}")
else
    mapfile -t sources < <(find "${dirs[@]}" -name '*.[ch]' -type f | sort)
fi
echo "lint: clang-format (${#sources[@]} files)"
if ! clang-format --dry-run --Werror "${sources[@]}"; then
    failed="$failed clang-format"
fi

# (b) cppcheck. It misreads GCC's register-variable form
#   register uint64_t x2 __asm__("x2") = mr ? mr[0] : 0;
# as a statement whose ternary result is unused (constStatement), so that
# check is off for the one header made of such syscall stubs.
echo "lint: cppcheck"
if ! cppcheck --quiet --error-exitcode=1 -U__ASSEMBLER__ --enable=warning,performance,portability --std=c11 \
    --inline-suppr --suppress=constStatement:libcap/include/cap/syscall.h \
    -I include -I kernel/include -I kernel/arch/aarch64/include -I libcap/include \
    -I libvmm/include kernel/src kernel/arch/aarch64 boot loader libcap/src libvmm/src components tools apps; then
    failed="$failed cppcheck"
fi

# (c) clang-tidy over the sources the host build compiles. Its exit status
# only reflects errors, so any warning: or error: line is a finding.
tidy_sources=(tools/specc/*.c tools/mkarchive/*.c tests/host/*.c libvmm/src/*.c
    loader/spec.c loader/elf.c loader/archive.c kernel/src/fdt.c kernel/src/cap.c
    libcap/src/fring.c components/vswitch/fwd.c components/netstack/seq.c
    components/netstack/http.c components/netstack/netcfg.c components/netstack/ringif.c
    components/netstack/sys_arch.c)
echo "lint: clang-tidy (${#tidy_sources[@]} files)"
tidy_out=$(clang-tidy -p "$build" --quiet "${tidy_sources[@]}" 2>&1)
tidy_rc=$?
tidy_out=$(printf '%s\n' "$tidy_out" | grep -v -E '^[0-9]+ (warning|error)s? generated\.$')
if [ $tidy_rc -ne 0 ] || printf '%s\n' "$tidy_out" | grep -q -E ': (warning|error):'; then
    printf '%s\n' "$tidy_out"
    failed="$failed clang-tidy"
fi

if [ -n "$failed" ]; then
    echo "lint: FAILED:$failed"
    exit 1
fi
echo "lint: clean"
