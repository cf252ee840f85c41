# NVIDIA Jetson TX2 (Tegra186, P3310 module on the P2771-0000 carrier: two
# Denver and four Cortex-A57 cores, GIC-400, 16550 UARTs). Builds, not
# booted (no hardware). The kernel reads memory, UART, GIC, timer, cores
# and PSCI from the DTB the firmware passes in x0 (U-Boot's booti); this
# file holds what the build needs before there is a DTB. tx2.dts has the
# facts with their sources.

# Base of RAM (tegra186-p3310.dtsi memory; U-Boot arch-tegra186/tegra.h
# NV_PA_SDRAM_BASE). The kernel is linked 2 MiB above it: booti moves an
# Image whose header says "not relocatable" to the 2 MiB aligned base of
# RAM + text_offset (U-Boot arch/arm/lib/image.c booti_setup).
set(CV_BOARD_RAM_BASE 0x80000000)
# Its size (8 GiB, as tx2.dts says), for specc's check of 1:1 RAM.
set(CV_BOARD_RAM_SIZE 0x200000000)
# Where the kernel says that it found no DTB: UART-A, the debug console.
set(CV_BOARD_UART 0x03100000)
set(CV_BOARD_UART_KIND PLAT_UART_NS16550_32)
# The board's DTB, for the host tests: Debian has none for this board, so
# the build compiles tx2.dts, written from public sources.
set(CV_BOARD_DTB ${CMAKE_CURRENT_LIST_DIR}/tx2.dts)
