#!/bin/sh
# pe_relocatable.sh FILE: clears IMAGE_FILE_RELOCS_STRIPPED (bit 0 of the
# COFF header's Characteristics, PE/COFF 3.3.2) in the PE image FILE, which
# objcopy sets because the ELF it converts has no COFF relocations. The
# stub is position independent and carries an empty base-relocation table
# (efi.ld), so it may be loaded anywhere; with the flag set EDK2 would
# load it only at its ImageBase, 0, where QEMU virt has no RAM.
set -eu
f=$1
u16() { od -An -t u2 -j "$1" -N 2 "$f" | tr -d ' '; }
lfanew=$(od -An -t u4 -j 60 -N 4 "$f" | tr -d ' ')
[ "$(od -An -t x4 -j "$lfanew" -N 4 "$f" | tr -d ' ')" = 00004550 ] ||
    { echo "pe_relocatable.sh: $f is not a PE image" >&2; exit 1; }
at=$((lfanew + 4 + 18))
flags=$(( $(u16 "$at") & ~1 ))
printf '%b' "$(printf '\\0%03o\\0%03o' $((flags & 255)) $((flags >> 8)))" |
    dd of="$f" bs=1 seek="$at" conv=notrunc status=none
