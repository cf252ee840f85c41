# NVIDIA Jetson TX1 (Tegra210, P2371-2180 developer kit: four Cortex-A57,
# GIC-400, 16550 UARTs). Builds, not booted (no hardware). The kernel reads
# memory, UART, GIC, timer, cores and PSCI from the DTB the firmware passes
# in x0 (U-Boot's booti); this file holds what the build needs before
# there is a DTB.

# Base of RAM (the DTB's memory@80000000, 4 GiB). The kernel is linked
# 2 MiB above it: booti moves an Image whose header says "not
# relocatable" to the 2 MiB aligned base of RAM + text_offset (U-Boot
# arch/arm/lib/image.c booti_setup).
set(CV_BOARD_RAM_BASE 0x80000000)
# Its size (the DTB's memory@80000000: 4 GiB), for specc's check of 1:1 RAM.
set(CV_BOARD_RAM_SIZE 0x100000000)
# Where the kernel says that it found no DTB: UART-A, the debug console
# (serial@70006000, "nvidia,tegra20-uart", reg-shift 2).
set(CV_BOARD_UART 0x70006000)
set(CV_BOARD_UART_KIND PLAT_UART_NS16550_32)
# The board's DTB, for the host tests: Debian's generic arm64 kernel
# package ships it; scripts/setup.sh extracts it (never committed).
set(CV_BOARD_DTB /opt/capvisor/dtbs/tegra210-p2371-2180.dtb)
