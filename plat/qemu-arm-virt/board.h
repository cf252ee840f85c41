/*
 * QEMU virt facts for app descriptions: specc -I plat/qemu-arm-virt, and a
 * description says `#include <board.h>` (docs/build.md "Boards").
 */
#ifndef PLAT_BOARD_H
#define PLAT_BOARD_H

/* GICv2 virtual CPU interface (VIRT_GIC_VCPU, 0x08040000): the frame a VMM
 * maps as its guest's GICC (the app's `gicv` device connection). */
#define BOARD_GICV 0x0 0x08040000

#endif
