/*
 * Jetson TX1 facts for app descriptions: specc -I plat/tx1, and a
 * description says `#include <board.h>` (docs/build.md "Boards").
 */
#ifndef PLAT_BOARD_H
#define PLAT_BOARD_H

/* GIC-400 virtual CPU interface: the fourth reg of the DTB's
 * interrupt-controller@50041000 (tegra210.dtsi; host test test_board_dtb
 * checks it against the DTB). A VMM maps it as its guest's GICC. */
#define BOARD_GICV 0x0 0x50046000

#endif
