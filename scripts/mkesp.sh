#!/bin/sh
# mkesp.sh OUT EFI_APP
#
# Writes OUT: a disk image with one MBR partition, an EFI system partition
# (type 0xef, marked bootable) holding EFI_APP as \EFI\BOOT\BOOTAA64.EFI,
# the file UEFI's removable-media boot path names for AArch64 (UEFI 3.5.1.1)
# and the one U-Boot's distro boot looks for on each bootable partition.
# The FAT file system is made by mtools (no root, no loop device); the
# partition table by this script. docs/build.md.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 OUT EFI_APP" >&2; exit 2; }
out=$1
app=$2
for tool in mformat mmd mcopy; do
    command -v $tool >/dev/null || { echo "mkesp: $tool not found (mtools; run scripts/setup.sh)" >&2; exit 1; }
done

start=2048 # first sector of the partition: 1 MiB in, as partitioning tools align
app_kib=$(( ($(wc -c <"$app") + 1023) / 1024 ))
part_mib=$(( app_kib / 1024 + 8 )) # the app and FAT's own tables, with room
sectors=$(( part_mib * 2048 ))

# Little-endian 32-bit value as four bytes.
le32() {
    printf '%b' "$(printf '\\0%03o\\0%03o\\0%03o\\0%03o' $(( $1 & 255 )) $(( ($1 >> 8) & 255 )) \
        $(( ($1 >> 16) & 255 )) $(( ($1 >> 24) & 255 )))"
}

part=$(mktemp)
trap 'rm -f "$part" "$out.tmp"' EXIT
truncate -s "${part_mib}M" "$part"
mformat -i "$part" -v ESP ::
mmd -i "$part" ::/EFI ::/EFI/BOOT
mcopy -i "$part" "$app" ::/EFI/BOOT/BOOTAA64.EFI

# Sector 0: the MBR. One entry at byte 446: bootable, CHS fields unused
# (0xfe 0xff 0xff means "use the LBA fields"), type 0xef, LBA start, size.
truncate -s 0 "$out.tmp"
truncate -s $(( start * 512 )) "$out.tmp"
{
    printf '\200\376\377\377\357\376\377\377'
    le32 $start
    le32 $sectors
} | dd of="$out.tmp" bs=1 seek=446 conv=notrunc status=none
printf '\125\252' | dd of="$out.tmp" bs=1 seek=510 conv=notrunc status=none
cat "$part" >>"$out.tmp"
mv "$out.tmp" "$out"
