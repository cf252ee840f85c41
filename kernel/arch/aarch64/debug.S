/* A vCPU's DBGBVR<n>/DBGBCR<n>_EL1 to or from dbg (arch/vcpu.h) at x0, its
 * DBGWVR<n>/DBGWCR<n>_EL1 at x0 + 256, for n up to ID_AA64DFR0_EL1.BRPs or
 * WRPs (the others UNDEF; ARM ARM D19.3). In .text, where a .S starts. */
    .macro  dbg_pair op, kind, n
    .ifc    \op, save
    mrs     x2, dbg\kind\()vr\n\()_el1
    mrs     x3, dbg\kind\()cr\n\()_el1
    stp     x2, x3, [x0, #16 * \n]
    .else
    ldp     x2, x3, [x0, #16 * \n]
    msr     dbg\kind\()vr\n\()_el1, x2
    msr     dbg\kind\()cr\n\()_el1, x3
    .endif
    .endm

    .macro  dbg_pairs op, kind, field
    mrs     x1, id_aa64dfr0_el1
    ubfx    x1, x1, #\field, #4
    .irp    n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    cmp     x1, #\n
    b.lo    9f
    dbg_pair \op, \kind, \n
    .endr
9:
    .endm

    .macro  dbg_function name, op
    .globl  \name
\name:
    dbg_pairs \op, b, 12
    add     x0, x0, #256
    dbg_pairs \op, w, 20
    ret
    .endm

    dbg_function arch_dbg_save, save
    dbg_function arch_dbg_restore, restore
