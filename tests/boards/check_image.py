#!/usr/bin/env python3
"""Checks a board build's two image forms (docs/build.md):

    check_image.py IMAGE_ELF IMAGE_BIN LOAD

IMAGE_ELF must be an AArch64 ELF entered at LOAD whose lowest loadable
segment starts there; IMAGE_BIN an arm64 Image (Linux
Documentation/arch/arm64/booting.rst) with text_offset 2 MiB, so that a
loader puts it at the board's RAM base + 2 MiB = LOAD, not relocatable
(flags bit 3 clear: U-Boot's booti moves it to the base of RAM).
"""
import struct
import sys


def fail(msg):
    print("check_image: " + msg)
    sys.exit(1)


def main():
    elf_path, bin_path, load = sys.argv[1], sys.argv[2], int(sys.argv[3], 0)
    with open(elf_path, "rb") as f:
        elf = f.read()
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        fail("%s: not a 64-bit little-endian ELF" % elf_path)
    machine, = struct.unpack_from("<H", elf, 18)
    entry, phoff = struct.unpack_from("<QQ", elf, 24)
    phentsize, phnum = struct.unpack_from("<HH", elf, 54)
    if machine != 183:
        fail("%s: e_machine %d, not AArch64" % (elf_path, machine))
    paddrs = []
    for i in range(phnum):
        ptype, = struct.unpack_from("<I", elf, phoff + i * phentsize)
        paddr, = struct.unpack_from("<Q", elf, phoff + i * phentsize + 24)
        if ptype == 1:  # PT_LOAD
            paddrs.append(paddr)
    if entry != load or not paddrs or min(paddrs) != load:
        fail("%s: entry 0x%x, lowest segment 0x%x, want 0x%x"
             % (elf_path, entry, min(paddrs or [0]), load))
    with open(bin_path, "rb") as f:
        head = f.read(64)
    if len(head) < 64 or head[56:60] != b"ARM\x64":
        fail("%s: no arm64 Image header" % bin_path)
    text_offset, image_size, flags = struct.unpack_from("<QQQ", head, 8)
    if text_offset != 0x200000 or load % 0x200000 or flags & 8:
        fail("%s: text_offset 0x%x, flags 0x%x for a load at 0x%x"
             % (bin_path, text_offset, flags, load))
    print("check_image: %s entered and loaded at 0x%x; Image text_offset 0x%x, "
          "%d bytes" % (elf_path, load, text_offset, image_size))


if __name__ == "__main__":
    main()
