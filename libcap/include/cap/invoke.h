/*
 * Kernel object invocations (enum cv_op in abi.h): a Call on a capability
 * whose reply label is an enum cv_err. Arguments beyond MR3 go through the
 * IPC buffer, which must be mapped at CV_COMP_IPCBUF_VADDR.
 */
#ifndef CAP_INVOKE_H
#define CAP_INVOKE_H

#include <stdint.h>

#include <capvisor/abi.h>

/**
 * Invoke operation `op` on cptr with n argument words; copy up to max
 * result words into results (may be NULL). Returns the reply's error.
 */
enum cv_err cv_invoke(uint64_t cptr, enum cv_op op, const uint64_t *args, unsigned n,
                      uint64_t *results, unsigned max);

/** Short name of an error, for messages ("NO_MEMORY"). */
const char *cv_err_str(enum cv_err err);

/* untyped */
/** Carve count objects of type from ut into dest_cnode[dest_index..]. */
enum cv_err cv_untyped_retype(uint64_t ut, enum cv_obj type, unsigned size_bits,
                              uint64_t dest_cnode, uint64_t dest_index, unsigned count);

/* cnode: invoked on the destination cnode; src_cnode 0 = own root */
/** Copy src into cnode[dest], keeping only the rights in mask. */
enum cv_err cv_cnode_copy(uint64_t cnode, uint64_t dest, uint64_t src_cnode, uint64_t src,
                          unsigned rights);
/** Copy src into cnode[dest] with reduced rights and a badge. */
enum cv_err cv_cnode_mint(uint64_t cnode, uint64_t dest, uint64_t src_cnode, uint64_t src,
                          unsigned rights, uint64_t badge);
/** Move src into cnode[dest] (rights unchanged). */
enum cv_err cv_cnode_move(uint64_t cnode, uint64_t dest, uint64_t src_cnode, uint64_t src);
/** Empty cnode[index]. */
enum cv_err cv_cnode_delete(uint64_t cnode, uint64_t index);
/** Delete every capability derived from cnode[index]. */
enum cv_err cv_cnode_revoke(uint64_t cnode, uint64_t index);

/* tcb */
/** Set cspace, vspace, IPC buffer and fault endpoint (0 = none). */
enum cv_err cv_tcb_configure(uint64_t tcb, uint64_t cspace, uint64_t vspace, uint64_t ipcbuf_frame,
                             uint64_t ipcbuf_vaddr, uint64_t fault_ep);
enum cv_err cv_tcb_set_priority(uint64_t tcb, unsigned prio);
enum cv_err cv_tcb_set_affinity(uint64_t tcb, unsigned core);
enum cv_err cv_tcb_set_fault_ep(uint64_t tcb, uint64_t ep);
enum cv_err cv_tcb_read_regs(uint64_t tcb, struct cv_user_regs *regs);
enum cv_err cv_tcb_write_regs(uint64_t tcb, const struct cv_user_regs *regs);
enum cv_err cv_tcb_resume(uint64_t tcb);
enum cv_err cv_tcb_suspend(uint64_t tcb);
/** Bind a notification to the thread (0 = unbind). */
enum cv_err cv_tcb_bind_ntfn(uint64_t tcb, uint64_t ntfn);
/** The core the thread last ran on. */
enum cv_err cv_tcb_get_core(uint64_t tcb, unsigned *core);
/** Name the thread (up to 15 characters) for the kernel's messages. */
enum cv_err cv_tcb_set_name(uint64_t tcb, const char *name);

/* frames and page tables */
/** Map a frame at vaddr in vspace; CV_E_NO_TABLE if a table is missing. */
enum cv_err cv_frame_map(uint64_t frame, uint64_t vspace, uint64_t vaddr, unsigned rights);
enum cv_err cv_frame_unmap(uint64_t frame);
enum cv_err cv_frame_paddr(uint64_t frame, uint64_t *paddr);
/** Install a page table at the first missing level on vaddr's walk. */
enum cv_err cv_pt_map(uint64_t pt, uint64_t vspace, uint64_t vaddr);
enum cv_err cv_pt_unmap(uint64_t pt);

/* interrupts */
/** Create the handler for irq in dest_cnode[dest_index]. */
enum cv_err cv_irq_get(uint64_t irq_control, unsigned irq, uint64_t dest_cnode,
                       uint64_t dest_index);
/**
 * Put a console input cap (CV_OBJ_CONSOLE) in dest_cnode[dest_index]
 * (dest_cnode 0 = the caller's own root cnode).
 */
enum cv_err cv_irq_get_console(uint64_t irq_control, uint64_t dest_cnode, uint64_t dest_index);
enum cv_err cv_irq_set_ntfn(uint64_t handler, uint64_t ntfn);
enum cv_err cv_irq_ack(uint64_t handler);
enum cv_err cv_irq_clear(uint64_t handler);

#endif /* CAP_INVOKE_H */
