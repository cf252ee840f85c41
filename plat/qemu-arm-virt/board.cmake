# QEMU's virt machine (QEMU 7.2, hw/arm/virt.c), the board every system
# test boots. The kernel reads memory, UART, GIC, timer, cores and PSCI
# from the DTB QEMU makes (docs/build.md "Boards"); this file holds what
# the build needs before there is a DTB.

# Base of RAM (virt's base_memmap[VIRT_MEM]). The kernel is linked and
# loaded 2 MiB above it (the arm64 Image header's text_offset); QEMU puts
# the DTB there when it loads the ELF form (x0 = 0).
set(CV_BOARD_RAM_BASE 0x40000000)
# RAM as this project's QEMU command lines give it (-m 2G: scripts/simulate.in,
# tests/system/qemu_run.py): what specc checks a VM's 1:1 RAM against
# (docs/passthrough.md); the kernel itself takes the size from the DTB.
set(CV_BOARD_RAM_SIZE 0x80000000)
# Where the kernel says that it found no DTB (VIRT_UART, a PL011).
set(CV_BOARD_UART 0x09000000)
set(CV_BOARD_UART_KIND PLAT_UART_PL011)
# The board's DTB for the host tests: none on disk, QEMU makes it
# (tests/host/test_kernel_fdt.c dumps it with -M virt,dumpdtb=FILE).
set(CV_BOARD_DTB "")
# ./simulate and the QEMU system tests run this board.
set(CV_BOARD_SIMULATE ON)
