/*
 * Boot images: the Linux arm64 Image and the initrd (FILE interfaces named
 * by the vm config) copied into guest RAM where Documentation/arm64/
 * booting.rst wants them (libvmm vmm/image.h), and the guest's device tree
 * generated for this VM (libvmm vmm/fdtgen.h). With the vm's kernel_gz the
 * kernel is not copied: the first boot runs it in place, on its file's
 * frames, and each reset inflates kernel_gz there (libvmm vmm/gunzip.h;
 * docs/vmm.md "Kernel in place").
 */
#ifndef VMM_BOOT_H
#define VMM_BOOT_H

#include <stdbool.h>

#include "vm.h"

#define BOOT_DTB_MAX 0x10000u /* room for the generated device tree */

/**
 * Places kernel, initrd (near the top of the first 512 MiB of RAM) and DTB
 * in guest RAM and sets vm->entry and vm->dtb. False, reason printed, if an
 * image is missing or does not fit.
 */
bool boot_load(struct vm *vm);

#endif /* VMM_BOOT_H */
