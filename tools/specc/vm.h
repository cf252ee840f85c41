/*
 * Reading what a VMM component needs beyond an ordinary one: the boot
 * archive files it is handed (`files`) and the virtual machine it runs
 * (its `vm` child node). See docs/system-description.md.
 */
#ifndef SPECC_VM_H
#define SPECC_VM_H

#include <stdint.h>

#include "desc.h"
#include "prop.h"

/** Report any child node of component `n` other than `vm`. */
int vm_check_children(const struct prop_node *n);

/**
 * Read the `files` list of component `n` (index `comp`): one FILE object
 * per distinct file (shared between components) and one FILE interface
 * named like the file. Names must be in `files` unless it is empty.
 */
int vm_load_files(struct desc *d, const struct prop_node *n, uint32_t comp,
                  const struct desc_programs *files);

/**
 * Read the `vm` child of component `n` (index `comp`, files already read)
 * into a new vm table entry and set the component's vm_index.
 */
int vm_load(struct desc *d, const struct prop_node *n, uint32_t comp);

/**
 * After every component and connection is read: the kernel file of a vm
 * with kernel-gz is that component's alone (its guest writes it). Returns
 * 0, or -1 after printing the error at the kernel-gz property.
 */
int vm_check_own_kernels(const struct desc *d);

#endif /* SPECC_VM_H */
