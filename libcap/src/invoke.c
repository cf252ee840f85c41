/*
 * Kernel object invocations: marshal arguments into MRs, decode the error
 * from the reply label. See enum cv_op in abi.h for every layout.
 */
#include <cap/invoke.h>
#include <cap/syscall.h>

enum cv_err cv_invoke(uint64_t cptr, enum cv_op op, const uint64_t *args, unsigned n,
                      uint64_t *results, unsigned max)
{
    uint64_t mr[CV_MSG_REGS];
    struct cv_ipcbuf *ipc = CV_IPCBUF;

    /* The register words are copied with a fixed count, unrolled into plain
     * loads and stores: a test a word cost ~13 instructions a word, on
     * every invocation (the VMM's injections above all). */
    if (n > CV_MSG_MAX)
        return CV_E_INVALID_ARG;
#pragma GCC unroll 4
    for (unsigned i = 0; i < CV_MSG_REGS; i++)
        mr[i] = args && i < n ? args[i] : 0;
    for (unsigned i = CV_MSG_REGS; i < n; i++)
        ipc->mr[i] = args[i];
    struct cv_sysret r = cv_call(cptr, CV_MSGINFO(op, 0, n), mr);
    unsigned len = (unsigned)CV_MSG_LEN(r.info);
    for (unsigned i = 0; i < len && i < max; i++)
        results[i] = i < CV_MSG_REGS ? r.mr[i] : ipc->mr[i];
    return (enum cv_err)CV_MSG_LABEL(r.info);
}

const char *cv_err_str(enum cv_err err)
{
    static const char *const names[CV_E_COUNT] = {
        [CV_OK] = "OK",
        [CV_E_INVALID_CAP] = "INVALID_CAP",
        [CV_E_WRONG_TYPE] = "WRONG_TYPE",
        [CV_E_NO_RIGHTS] = "NO_RIGHTS",
        [CV_E_INVALID_ARG] = "INVALID_ARG",
        [CV_E_INVALID_OP] = "INVALID_OP",
        [CV_E_SLOT_OCCUPIED] = "SLOT_OCCUPIED",
        [CV_E_SLOT_EMPTY] = "SLOT_EMPTY",
        [CV_E_NO_MEMORY] = "NO_MEMORY",
        [CV_E_ALIGNMENT] = "ALIGNMENT",
        [CV_E_MAPPED] = "MAPPED",
        [CV_E_NOT_MAPPED] = "NOT_MAPPED",
        [CV_E_NO_TABLE] = "NO_TABLE",
        [CV_E_RANGE] = "RANGE",
        [CV_E_NOT_DERIVABLE] = "NOT_DERIVABLE",
        [CV_E_REVOKE_FIRST] = "REVOKE_FIRST",
        [CV_E_DELETED] = "DELETED",
        [CV_E_BUSY] = "BUSY",
        [CV_E_NO_REPLY] = "NO_REPLY",
        [CV_E_WOULD_BLOCK] = "WOULD_BLOCK",
        [CV_E_BAD_SYSCALL] = "BAD_SYSCALL",
    };
    if ((unsigned)err >= CV_E_COUNT || !names[err])
        return "UNKNOWN_ERROR";
    return names[err];
}

enum cv_err cv_untyped_retype(uint64_t ut, enum cv_obj type, unsigned size_bits,
                              uint64_t dest_cnode, uint64_t dest_index, unsigned count)
{
    uint64_t a[5] = {type, size_bits, dest_cnode, dest_index, count};
    return cv_invoke(ut, CV_OP_UNTYPED_RETYPE, a, 5, NULL, 0);
}

enum cv_err cv_cnode_copy(uint64_t cnode, uint64_t dest, uint64_t src_cnode, uint64_t src,
                          unsigned rights)
{
    uint64_t a[4] = {dest, src_cnode, src, rights};
    return cv_invoke(cnode, CV_OP_CNODE_COPY, a, 4, NULL, 0);
}

enum cv_err cv_cnode_mint(uint64_t cnode, uint64_t dest, uint64_t src_cnode, uint64_t src,
                          unsigned rights, uint64_t badge)
{
    uint64_t a[5] = {dest, src_cnode, src, rights, badge};
    return cv_invoke(cnode, CV_OP_CNODE_MINT, a, 5, NULL, 0);
}

enum cv_err cv_cnode_move(uint64_t cnode, uint64_t dest, uint64_t src_cnode, uint64_t src)
{
    uint64_t a[4] = {dest, src_cnode, src, CV_RIGHTS_ALL};
    return cv_invoke(cnode, CV_OP_CNODE_MOVE, a, 4, NULL, 0);
}

enum cv_err cv_cnode_delete(uint64_t cnode, uint64_t index)
{
    return cv_invoke(cnode, CV_OP_CNODE_DELETE, &index, 1, NULL, 0);
}

enum cv_err cv_cnode_revoke(uint64_t cnode, uint64_t index)
{
    return cv_invoke(cnode, CV_OP_CNODE_REVOKE, &index, 1, NULL, 0);
}

enum cv_err cv_tcb_configure(uint64_t tcb, uint64_t cspace, uint64_t vspace, uint64_t ipcbuf_frame,
                             uint64_t ipcbuf_vaddr, uint64_t fault_ep)
{
    uint64_t a[5] = {cspace, vspace, ipcbuf_frame, ipcbuf_vaddr, fault_ep};
    return cv_invoke(tcb, CV_OP_TCB_CONFIGURE, a, 5, NULL, 0);
}

/** One-argument invocation helper. */
static enum cv_err invoke1(uint64_t cptr, enum cv_op op, uint64_t arg)
{
    return cv_invoke(cptr, op, &arg, 1, NULL, 0);
}

enum cv_err cv_tcb_set_priority(uint64_t tcb, unsigned prio)
{
    return invoke1(tcb, CV_OP_TCB_SET_PRIORITY, prio);
}

enum cv_err cv_tcb_set_affinity(uint64_t tcb, unsigned core)
{
    return invoke1(tcb, CV_OP_TCB_SET_AFFINITY, core);
}

enum cv_err cv_tcb_set_fault_ep(uint64_t tcb, uint64_t ep)
{
    return invoke1(tcb, CV_OP_TCB_SET_FAULT_EP, ep);
}

_Static_assert(sizeof(struct cv_user_regs) == CV_USER_REGS_WORDS * 8,
               "cv_user_regs is CV_USER_REGS_WORDS words");

enum cv_err cv_tcb_read_regs(uint64_t tcb, struct cv_user_regs *regs)
{
    return cv_invoke(tcb, CV_OP_TCB_READ_REGS, NULL, 0, (uint64_t *)regs, CV_USER_REGS_WORDS);
}

enum cv_err cv_tcb_write_regs(uint64_t tcb, const struct cv_user_regs *regs)
{
    return cv_invoke(tcb, CV_OP_TCB_WRITE_REGS, (const uint64_t *)regs, CV_USER_REGS_WORDS, NULL,
                     0);
}

enum cv_err cv_tcb_resume(uint64_t tcb)
{
    return cv_invoke(tcb, CV_OP_TCB_RESUME, NULL, 0, NULL, 0);
}

enum cv_err cv_tcb_suspend(uint64_t tcb)
{
    return cv_invoke(tcb, CV_OP_TCB_SUSPEND, NULL, 0, NULL, 0);
}

enum cv_err cv_tcb_bind_ntfn(uint64_t tcb, uint64_t ntfn)
{
    return invoke1(tcb, CV_OP_TCB_BIND_NTFN, ntfn);
}

enum cv_err cv_tcb_get_core(uint64_t tcb, unsigned *core)
{
    uint64_t out = 0;
    enum cv_err err = cv_invoke(tcb, CV_OP_TCB_GET_CORE, NULL, 0, &out, 1);
    *core = (unsigned)out;
    return err;
}

enum cv_err cv_tcb_set_name(uint64_t tcb, const char *name)
{
    uint64_t w[2] = {0, 0};
    for (unsigned i = 0; i < 15 && name[i]; i++)
        w[i / 8] |= (uint64_t)(unsigned char)name[i] << (8 * (i % 8));
    return cv_invoke(tcb, CV_OP_TCB_SET_NAME, w, 2, NULL, 0);
}

enum cv_err cv_frame_map(uint64_t frame, uint64_t vspace, uint64_t vaddr, unsigned rights)
{
    uint64_t a[3] = {vspace, vaddr, rights};
    return cv_invoke(frame, CV_OP_FRAME_MAP, a, 3, NULL, 0);
}

enum cv_err cv_frame_unmap(uint64_t frame)
{
    return cv_invoke(frame, CV_OP_FRAME_UNMAP, NULL, 0, NULL, 0);
}

enum cv_err cv_frame_paddr(uint64_t frame, uint64_t *paddr)
{
    *paddr = 0;
    return cv_invoke(frame, CV_OP_FRAME_PADDR, NULL, 0, paddr, 1);
}

enum cv_err cv_pt_map(uint64_t pt, uint64_t vspace, uint64_t vaddr)
{
    uint64_t a[2] = {vspace, vaddr};
    return cv_invoke(pt, CV_OP_PT_MAP, a, 2, NULL, 0);
}

enum cv_err cv_pt_unmap(uint64_t pt)
{
    return cv_invoke(pt, CV_OP_PT_UNMAP, NULL, 0, NULL, 0);
}

enum cv_err cv_irq_get(uint64_t irq_control, unsigned irq, uint64_t dest_cnode, uint64_t dest_index)
{
    uint64_t a[3] = {irq, dest_cnode, dest_index};
    return cv_invoke(irq_control, CV_OP_IRQ_GET, a, 3, NULL, 0);
}

enum cv_err cv_irq_get_console(uint64_t irq_control, uint64_t dest_cnode, uint64_t dest_index)
{
    uint64_t a[2] = {dest_cnode, dest_index};
    return cv_invoke(irq_control, CV_OP_IRQ_GET_CONSOLE, a, 2, NULL, 0);
}

enum cv_err cv_irq_set_ntfn(uint64_t handler, uint64_t ntfn)
{
    return invoke1(handler, CV_OP_IRQ_SET_NTFN, ntfn);
}

enum cv_err cv_irq_ack(uint64_t handler)
{
    return cv_invoke(handler, CV_OP_IRQ_ACK, NULL, 0, NULL, 0);
}

enum cv_err cv_irq_clear(uint64_t handler)
{
    return cv_invoke(handler, CV_OP_IRQ_CLEAR, NULL, 0, NULL, 0);
}
