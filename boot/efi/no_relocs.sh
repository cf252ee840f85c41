#!/bin/sh
# no_relocs.sh READELF ELF: fails if ELF (the EFI stub) has relocations
# left. The PE/COFF form carries no .reloc section, so a firmware loading
# the stub elsewhere than its link address would leave them unapplied: the
# stub must reach everything PC-relative (boot/efi/CMakeLists.txt).
set -eu
if "$1" -rW "$2" | grep -q R_AARCH64_; then
    echo "$2 has relocations: the EFI stub must be position independent" >&2
    "$1" -rW "$2" >&2
    exit 1
fi
