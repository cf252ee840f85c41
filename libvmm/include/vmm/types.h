/*
 * Address types shared by the VMM library: a guest intermediate physical
 * address is not a pointer and not a host physical address, so it gets its
 * own single-field struct (STYLE.md, "Names and interfaces").
 */
#ifndef VMM_TYPES_H
#define VMM_TYPES_H

#include <stdint.h>

/** A guest intermediate physical address (what the guest calls physical). */
typedef struct {
    uint64_t v;
} ipa_t;

#define IPA(x) ((ipa_t){(uint64_t)(x)})

#endif /* VMM_TYPES_H */
