/*
 * Jetson TX2 facts for app descriptions: specc -I plat/tx2, and a
 * description says `#include <board.h>` (docs/build.md "Boards").
 */
#ifndef PLAT_BOARD_H
#define PLAT_BOARD_H

/* GIC-400 virtual CPU interface: the fourth reg of tx2.dts's
 * interrupt-controller@3881000 (host test test_board_dtb checks it). A
 * VMM maps it as its guest's GICC. */
#define BOARD_GICV 0x0 0x03886000

#endif
