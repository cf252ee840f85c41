/*
 * capvisor kernel <-> user ABI.
 *
 * Shared by the kernel (EL2), every EL0 component (through libcap) and the
 * host tools. Plain C99, no kernel or libc dependencies beyond <stdint.h>.
 * docs/abi.md explains the design; this header is the authority.
 */
#ifndef CAPVISOR_ABI_H
#define CAPVISOR_ABI_H

#include <stdint.h>

/* ------------------------------------------------------------------ */
/* System calls: `svc #0`, syscall number in x7.                       */
/*                                                                    */
/* In:  x0 = cptr (invoked capability, or unused)                      */
/*      x1 = message info (see CV_MSG_*)                               */
/*      x2..x5 = MR0..MR3, further MRs in the IPC buffer              */
/* Out: x0 = badge of the sender (receive side) or unused              */
/*      x1 = message info of the reply / received message;             */
/*           for kernel invocations its label is the error (cv_err)    */
/*      x2..x5 = MR0..MR3                                              */
/* ------------------------------------------------------------------ */
enum cv_syscall {
    CV_SYS_CALL = 1,         /* send + wait for reply; kernel invocations   */
    CV_SYS_SEND = 2,         /* blocking send on an endpoint; ntfn signal    */
    CV_SYS_NBSEND = 3,       /* send only if a receiver waits, else drop     */
    CV_SYS_RECV = 4,         /* wait on endpoint or notification             */
    CV_SYS_REPLY = 5,        /* reply to the last Call received              */
    CV_SYS_REPLYRECV = 6,    /* reply, then Recv on x0                      */
    CV_SYS_NBRECV = 7,       /* poll: endpoint or notification, no blocking  */
    CV_SYS_YIELD = 8,        /* end the timeslice                            */
    CV_SYS_DEBUG_PUTS = 9,   /* x0 = vaddr, x1 = length: print on the console */
    CV_SYS_THREAD_EXIT = 10, /* the caller stops (suspended): needs no cap */
    CV_SYS_WAIT_UNTIL = 11   /* x0 notification, x1 deadline (the counter
                              * CNTVCT_EL0 reads in a native thread): wait
                              * for a signal or the deadline; x0 = the word,
                              * 0 if the deadline came first (a signal's is
                              * never 0). Resolution: the kernel's tick or
                              * better (the timer is set for it)          */
};

/* Message info word (x1). */
#define CV_MSG_LEN_BITS         7u  /* number of message registers, <= CV_MSG_MAX */
#define CV_MSG_CAPS_SHIFT       7u  /* 1 bit: one capability transferred */
#define CV_MSG_LABEL_SHIFT      12u /* label: operation, fault type or error */
#define CV_MSG_MAX              64u
#define CV_CONSOLE_LOG_READ_MAX ((CV_MSG_MAX - 1u) * 8u) /* bytes per log read */

#define CV_MSGINFO(label, caps, len)                                                               \
    (((uint64_t)(label) << CV_MSG_LABEL_SHIFT) | ((uint64_t)((caps)&1u) << CV_MSG_CAPS_SHIFT) |    \
     ((uint64_t)(len) & ((1u << CV_MSG_LEN_BITS) - 1u)))
#define CV_MSG_LABEL(mi) ((uint64_t)(mi) >> CV_MSG_LABEL_SHIFT)
#define CV_MSG_CAPS(mi)  (((uint64_t)(mi) >> CV_MSG_CAPS_SHIFT) & 1u)
#define CV_MSG_LEN(mi)   ((uint64_t)(mi) & ((1u << CV_MSG_LEN_BITS) - 1u))

/*
 * Label of a Recv that returned because the thread's bound notification was
 * signalled (x0 = the notification word) rather than an endpoint message.
 */
#define CV_MSG_LABEL_NTFN 0xfffffull

/* Number of message registers passed in x2..x5. */
#define CV_MSG_REGS 4u

/*
 * IPC buffer: one 4 KiB frame per thread, mapped in its vspace and named
 * to the kernel with tcb_configure. mr[0..3] are unused (in registers).
 */
struct cv_ipcbuf {
    uint64_t mr[CV_MSG_MAX];
    uint64_t send_cap;   /* cptr of the capability to transfer            */
    uint64_t recv_cnode; /* cptr of the cnode to receive a cap into, or 0 */
                         /* (0: the thread's own cspace root)             */
    uint64_t recv_index; /* slot index in that cnode; 0 = accept no cap   */
    uint64_t recv_badge; /* badge of a received endpoint cap (out)        */
    uint64_t user[8];    /* free for the runtime (thread-local data)      */
};

/* ------------------------------------------------------------------ */
/* Errors: label of the reply message of a kernel invocation.          */
/* ------------------------------------------------------------------ */
enum cv_err {
    CV_OK = 0,
    CV_E_INVALID_CAP = 1,    /* cptr out of range or slot empty          */
    CV_E_WRONG_TYPE = 2,     /* capability of another object type        */
    CV_E_NO_RIGHTS = 3,      /* capability lacks a right for this        */
    CV_E_INVALID_ARG = 4,    /* an argument is out of its range          */
    CV_E_INVALID_OP = 5,     /* unknown operation label for this object  */
    CV_E_SLOT_OCCUPIED = 6,  /* destination slot is not empty            */
    CV_E_SLOT_EMPTY = 7,     /* source slot is empty                     */
    CV_E_NO_MEMORY = 8,      /* untyped exhausted                        */
    CV_E_ALIGNMENT = 9,      /* address not aligned to the object size   */
    CV_E_MAPPED = 10,        /* already mapped / slot in table taken     */
    CV_E_NOT_MAPPED = 11,    /* no mapping where one is needed           */
    CV_E_NO_TABLE = 12,      /* missing intermediate page table          */
    CV_E_RANGE = 13,         /* address outside the allowed range        */
    CV_E_NOT_DERIVABLE = 14, /* this capability cannot be copied         */
    CV_E_REVOKE_FIRST = 15,  /* object has children; revoke first        */
    CV_E_DELETED = 16,       /* the object went away while blocked       */
    CV_E_BUSY = 17,          /* object in a state that forbids this      */
    CV_E_NO_REPLY = 18,      /* Reply with nobody waiting                */
    CV_E_WOULD_BLOCK = 19,   /* NBRecv found nothing                     */
    CV_E_BAD_SYSCALL = 20,   /* (fault label) unknown syscall number     */
    CV_E_COUNT
};

/* ------------------------------------------------------------------ */
/* Object types (the `type` argument of untyped_retype).               */
/* ------------------------------------------------------------------ */
enum cv_obj {
    CV_OBJ_NULL = 0,
    CV_OBJ_UNTYPED = 1,
    CV_OBJ_CNODE = 2, /* size_bits = radix (slots = 2^radix)       */
    CV_OBJ_TCB = 3,
    CV_OBJ_ENDPOINT = 4,
    CV_OBJ_NOTIFICATION = 5,
    CV_OBJ_FRAME_4K = 6,
    CV_OBJ_FRAME_2M = 7,
    CV_OBJ_PAGE_TABLE = 8, /* a level-2 or level-3 stage-2 table        */
    CV_OBJ_VSPACE = 9,     /* root (level-1) table + VMID: an address space */
    CV_OBJ_IRQ_CONTROL = 10,
    CV_OBJ_IRQ_HANDLER = 11,
    CV_OBJ_VCPU = 12,    /* a virtual CPU: bound to a tcb, runs a guest at EL1 */
    CV_OBJ_CONSOLE = 13, /* console input (made by irq control, not retyped) */
    CV_OBJ_COUNT
};

/* Capability rights (mint can only remove them). */
#define CV_RIGHT_READ  (1u << 0) /* frames: map readable; ep: receive      */
#define CV_RIGHT_WRITE (1u << 1) /* frames: map writable; ep/ntfn: send     */
#define CV_RIGHT_GRANT (1u << 2) /* ep: may transfer capabilities           */
#define CV_RIGHT_EXEC  (1u << 3) /* frames: map executable                 */
#define CV_RIGHTS_ALL  0xfu
/*
 * CV_OP_FRAME_MAP flag: a 2 MiB frame mapped as 512 4 KiB pages, filling
 * the (empty) level-3 table mapped at vaddr, not as one block. For guest
 * RAM under QEMU's TCG: a guest page under a 2 MiB stage-2 block counts as
 * a 2 MiB page there, and the guest's every TLB invalidation by address
 * then flushes its whole TLB.
 */
#define CV_MAP_PAGES (1u << 8)

/* Cap size in a CNode slot, and the CNode radix limits. */
#define CV_CNODE_SLOT_BITS  6u
#define CV_CNODE_MIN_RADIX  1u
#define CV_CNODE_MAX_RADIX  16u
#define CV_UNTYPED_MIN_BITS 4u
#define CV_UNTYPED_MAX_BITS 47u

/* Address-space layout seen by EL0 (stage 1 off: VA = IPA, 39 bits). */
#define CV_VSPACE_BITS     39u
#define CV_PAGE_BITS       12u
#define CV_PAGE_SIZE       4096u
#define CV_LARGE_PAGE_BITS 21u

/* ------------------------------------------------------------------ */
/* Invocation labels (CV_SYS_CALL on a capability of that type).       */
/* Arguments are MR0.., results are MR0.. of the reply.                */
/* ------------------------------------------------------------------ */
enum cv_op {
    /* untyped: MR0 type, MR1 size_bits (cnode radix / untyped bits),
     * MR2 dest cnode cptr (0 = own root), MR3 dest index, MR4 count.  */
    CV_OP_UNTYPED_RETYPE = 1,

    /* cnode (invoked on the destination cnode cap):
     * COPY/MINT/MOVE: MR0 dest index, MR1 src cnode cptr (0 = own root),
     *                 MR2 src index, MR3 rights mask, MR4 badge (MINT) */
    CV_OP_CNODE_COPY = 10,
    CV_OP_CNODE_MINT = 11,
    CV_OP_CNODE_MOVE = 12,
    CV_OP_CNODE_DELETE = 13, /* MR0 index */
    CV_OP_CNODE_REVOKE = 14, /* MR0 index */

    /* tcb */
    CV_OP_TCB_CONFIGURE = 20,    /* MR0 cspace cptr, MR1 vspace cptr,
                                  * MR2 ipcbuf frame cptr, MR3 ipcbuf vaddr,
                                  * MR4 fault ep cptr (0 = none); BUSY if
                                  * the thread holds the last cap to its
                                  * cspace (delete the thread instead)   */
    CV_OP_TCB_SET_PRIORITY = 21, /* MR0 prio (0..255)                   */
    CV_OP_TCB_SET_AFFINITY = 22, /* MR0 core                             */
    CV_OP_TCB_READ_REGS = 23,    /* out MR0.. = struct cv_user_regs      */
    CV_OP_TCB_WRITE_REGS = 24,   /* MR0.. = struct cv_user_regs          */
    CV_OP_TCB_RESUME = 25,
    CV_OP_TCB_SUSPEND = 26,
    CV_OP_TCB_BIND_NTFN = 27,    /* MR0 ntfn cptr (0 = unbind)           */
    CV_OP_TCB_SET_FAULT_EP = 28, /* MR0 ep cptr (0 = none)               */
    CV_OP_TCB_GET_CORE = 29,     /* out MR0 = core the thread last ran on */
    CV_OP_TCB_BIND_VCPU = 30,    /* MR0 vcpu cptr (0 = unbind): the thread
                                  * then runs at EL1 as that guest vCPU,
                                  * in its vspace as the guest's stage 2;
                                  * unbound (or the VCPU deleted), it is
                                  * suspended                             */
    CV_OP_TCB_SET_NAME = 31,     /* MR0..MR1: up to 15 chars, NUL-padded  */
                                 /* (used in the kernel's fault lines)   */

    /* frames */
    CV_OP_FRAME_MAP = 40, /* MR0 vspace cptr, MR1 vaddr, MR2 rights
                           * (| CV_MAP_PAGES)                         */
    CV_OP_FRAME_UNMAP = 41,
    CV_OP_FRAME_PADDR = 42, /* out MR0 physical address                  */

    /* page tables */
    CV_OP_PT_MAP = 50, /* MR0 vspace cptr, MR1 vaddr; the level is
                        * chosen by the first missing table on the walk */
    CV_OP_PT_UNMAP = 51,

    /* irq control / handler */
    CV_OP_IRQ_GET = 60,      /* on irq control: MR0 irq, MR1 dest cnode  */
                             /* cptr (0 = own root), MR2 dest index      */
    CV_OP_IRQ_SET_NTFN = 61, /* on handler: MR0 ntfn cptr                */
    CV_OP_IRQ_ACK = 62,
    CV_OP_IRQ_CLEAR = 63, /* on handler: detach the notification      */

    /* vcpu */
    CV_OP_VCPU_READ_REGS = 70,    /* MR0 first enum cv_vcpu_reg, MR1 count;
                                   * out MR0.. values                        */
    CV_OP_VCPU_WRITE_REGS = 71,   /* MR0 first reg, MR1 count, MR2.. values  */
    CV_OP_VCPU_INJECT_IRQ = 72,   /* MR0 virq (INTID), MR1 priority (0..255,
                                   * top 5 bits used), MR2 list register or
                                   * -1 = any free, MR3 flags (CV_INJECT_*),
                                   * MR4 source cpu (SGIs, GICv2 only);
                                   * CV_E_BUSY if no list register is free  */
    CV_OP_VCPU_ACK_VTIMER = 73,   /* re-enable virtual timer delivery        */
    CV_OP_IRQ_GET_CONSOLE = 64,   /* on irq control: MR0 dest cnode cptr (0 =
                                   * own root), MR1 dest index: a console cap */
    CV_OP_CONSOLE_SET_NTFN = 66,  /* MR0 ntfn cptr (0 = none): signalled when
                                   * console input arrives                  */
    CV_OP_CONSOLE_READ = 67,      /* out MR0 = n bytes (<= 24), MR1..MR3 the
                                   * bytes, 8 per word, little-endian. After
                                   * CV_OP_CONSOLE_TAKE_UART: the kernel's
                                   * log instead, n <= CV_CONSOLE_LOG_READ_MAX
                                   * in MR1.. (MR0 bit 63: bytes were dropped
                                   * since the last read)                    */
    CV_OP_CONSOLE_TAKE_UART = 68, /* MR0, MR1: dest cnode cptr and index of a
                                   * frame cap (device, rw) to the UART's
                                   * registers; MR2, MR3: of an irq handler
                                   * cap for its interrupt. From then on the
                                   * kernel never touches the UART (but for
                                   * a kernel panic): what it and
                                   * CV_SYS_DEBUG_PUTS print goes to a log
                                   * the console cap reads, and the console
                                   * notification is signalled when the log
                                   * has bytes. Once; CV_E_BUSY after, and
                                   * for READ and SET_NTFN on any console cap
                                   * but the taker's (and its copies).       */
    CV_OP_VCPU_GET_LRS = 74,      /* out MR0 = bitmap of free list registers,
                                   * MR1 = number of list registers          */
    CV_OP_VCPU_SET_POSTED = 75,   /* MR0 IPA of a device register (4-byte
                                   * aligned; 0 = none) whose 1-, 2- and
                                   * 4-byte writes the kernel records instead
                                   * of exiting (posted writes, below); what
                                   * was recorded for the previous one stays:
                                   * take it first. Optionally MR1 the IPA
                                   * of a steady register (4-byte aligned,
                                   * 0 = none; only with a posted one) and
                                   * MR2 the 32-bit value it holds: 1-, 2-
                                   * and 4-byte writes there
                                   * whose value, zero-extended, is that
                                   * value change nothing and complete
                                   * without an exit (the VMM calls again
                                   * when the value changes)                */
    CV_OP_VCPU_TAKE_POSTED = 76,  /* optional MR0 a stamp: only writes
                                   * stamped before it (CV_POSTED_BEFORE);
                                   * out MR0 = n (<= CV_POSTED_TAKE_MAX), MR1
                                   * the stamp the next posted write of any
                                   * vCPU got when the take began, MR2.. the
                                   * n oldest posted writes stamped before
                                   * it, removed (a vCPU running on another
                                   * core runs on)                           */
    CV_OP_VCPU_SET_VTIMER = 77    /* MR0 INTID (16..31) the kernel injects the
                                   * virtual timer as when it fires, without
                                   * an exit (0 = exit with CV_FAULT_VM_VTIMER
                                   * instead), MR1 its priority (0..255),
                                   * optional MR2 flags (CV_INJECT_GROUP1,
                                   * CV_TIMER_PHYS). From
                                   * the first call on, the last list register
                                   * is the kernel's (INJECT_IRQ leaves it
                                   * alone, GET_LRS counts it out): the timer
                                   * goes there, and is unmasked when the guest
                                   * EOIs it; while it is there, INJECT_IRQ of
                                   * that INTID is CV_E_BUSY. With
                                   * CV_TIMER_PHYS the same for the EL1
                                   * physical timer, which never exits: with
                                   * INTID 0 (the guest has its PPI disabled)
                                   * it waits, masked, for an INTID. Both
                                   * timers share that list register: one that
                                   * fires while the other is in it waits for
                                   * its EOI                                 */
};

/* CV_OP_VCPU_INJECT_IRQ flags (MR3). */
#define CV_INJECT_EOI_EXIT 1u /* exit with CV_FAULT_VM_MAINTENANCE when the guest EOIs it */
#define CV_INJECT_GROUP1   2u /* a Group 1 interrupt (what a GICv3 guest's Linux uses) */
#define CV_TIMER_PHYS      4u /* SET_VTIMER only: set the EL1 physical timer's delivery */

/*
 * Posted writes: a guest's writes to the one register named by
 * CV_OP_VCPU_SET_POSTED do not exit. The kernel records each (value and
 * width, as CV_POSTED_* below) in the VCPU, up to CV_POSTED_MAX, and
 * continues the guest; the VMM takes them with CV_OP_VCPU_TAKE_POSTED and
 * emulates them in order. It is told to when
 *  - any exit of that vCPU carries CV_FAULT_VM_POSTED_FLAG in its label
 *    (take them before emulating the exit: that keeps the device's order),
 *    which is how a write that finds the record full is delivered;
 *  - CV_FAULT_VM_POSTED: the vCPU waits for an interrupt (WFI) or a
 *    timer tick found writes waiting; reply CV_FAULT_RESUME. MR2 says
 *    which: CV_POSTED_AT_TICK (also for a WFE, a spin-wait: no pause of
 *    the guest's output), or CV_POSTED_AT_WFI, which also comes,
 *    with none waiting, at the first WFI after a tick's: a VMM holding a
 *    partial line learns the guest paused it, not that a tick cut it.
 * Only for registers whose writes the guest cannot observe before the VMM
 * has seen them, e.g. a UART's transmit register.
 *
 * Each record carries a stamp from one counter of the kernel's, taken as
 * the write is recorded: across vCPUs, stamps follow the order the writes
 * happened in (a guest that orders two vCPUs' writes, e.g. with a lock,
 * gets stamps in that order). They wrap at CV_POSTED_STAMP_BITS, so two
 * are compared modulo that width (CV_POSTED_BEFORE): the records a VMM
 * holds at once span far less than half of it. TAKE_POSTED returns the
 * counter as its take began, W: every write stamped before W was recorded
 * by then, and it takes no write stamped later, so a VMM
 * that takes every vCPU of a VM with that limit and emits what it took in
 * stamp order keeps the guest's order (libvmm posted.h).
 */
#define CV_POSTED_MAX        256u
#define CV_POSTED_TAKE_MAX   (CV_MSG_MAX - 2u)
#define CV_POSTED_STAMP_BITS 28u
#define CV_POSTED_STAMP_MASK ((1u << CV_POSTED_STAMP_BITS) - 1u)
/* A record: value in bits 31:0, width in 35:32, stamp in 63:36. */
#define CV_POSTED_VALUE(e) ((uint32_t)(e))
#define CV_POSTED_WIDTH(e) ((unsigned)((e) >> 32) & 0xfu) /* bytes: 1, 2, 4 */
#define CV_POSTED_STAMP(e) ((uint32_t)((e) >> 36))
/* Stamp a was taken before stamp b (both < 2^CV_POSTED_STAMP_BITS). */
#define CV_POSTED_BEFORE(a, b)                                                                     \
    ((((b) - (a)) & CV_POSTED_STAMP_MASK) - 1u < (1u << (CV_POSTED_STAMP_BITS - 1u)) - 1u)
#define CV_FAULT_VM_POSTED_FLAG 0x100u
#define CV_POSTED_AT_TICK       0u /* CV_FAULT_VM_POSTED MR2 */
#define CV_POSTED_AT_WFI        1u

/* Guest EL1 system registers kept in a VCPU (VCPU_READ/WRITE_REGS). */
enum cv_vcpu_reg {
    CV_VCPU_SCTLR = 0,
    CV_VCPU_TTBR0,
    CV_VCPU_TTBR1,
    CV_VCPU_TCR,
    CV_VCPU_MAIR,
    CV_VCPU_AMAIR,
    CV_VCPU_CONTEXTIDR,
    CV_VCPU_VBAR,
    CV_VCPU_TPIDR_EL1,
    CV_VCPU_TPIDRRO_EL0,
    CV_VCPU_SP_EL1,
    CV_VCPU_ELR_EL1,
    CV_VCPU_SPSR_EL1,
    CV_VCPU_ESR_EL1,
    CV_VCPU_FAR_EL1,
    CV_VCPU_AFSR0,
    CV_VCPU_AFSR1,
    CV_VCPU_PAR,
    CV_VCPU_CPACR,
    CV_VCPU_CNTKCTL,
    CV_VCPU_CSSELR,
    CV_VCPU_CNTV_CTL,
    CV_VCPU_CNTV_CVAL,
    CV_VCPU_CNTVOFF,
    CV_VCPU_VMPIDR,    /* MPIDR the guest reads (Aff0 = vcpu index) */
    CV_VCPU_GICH_VMCR, /* virtual CPU interface control (GICv2 5.3.5) */
    CV_VCPU_GICH_APR,
    CV_VCPU_CNTP_CTL, /* the EL1 physical timer (no offset: the physical count) */
    CV_VCPU_CNTP_CVAL,
    CV_VCPU_REG_COUNT
};

/* User register file, as read/written with TCB_READ/WRITE_REGS. */
struct cv_user_regs {
    uint64_t x[31];
    uint64_t sp;
    uint64_t pc;
    uint64_t spsr; /* only NZCV is user-writable */
    uint64_t tpidr;
};
#define CV_USER_REGS_WORDS 35u

/* ------------------------------------------------------------------ */
/* Faults: delivered as a Call on the thread's fault endpoint.         */
/* The label is the fault type; badge = the fault ep cap's badge.      */
/* ------------------------------------------------------------------ */
enum cv_fault {
    CV_FAULT_DATA_ABORT = 1,      /* MR0 pc, MR1 address, MR2 ESR, MR3 is-write */
    CV_FAULT_INSN_ABORT = 2,      /* MR0 pc, MR1 address, MR2 ESR             */
    CV_FAULT_UNKNOWN_SYSCALL = 3, /* MR0 pc, MR1 x7 (number), MR2 ESR      */
    CV_FAULT_UNDEFINED = 4,       /* MR0 pc, MR1 0, MR2 ESR                   */
    CV_FAULT_ALIGNMENT = 5,       /* MR0 pc, MR1 address, MR2 ESR             */
    /* Guest exits of a thread bound to a VCPU (delivered like faults). */
    CV_FAULT_VM_DATA_ABORT = 8,   /* stage-2 data abort: see CV_VMEXIT_DA_*  */
    CV_FAULT_VM_INSN_ABORT = 9,   /* MR0 pc, MR1 IPA, MR2 ESR                */
    CV_FAULT_VM_HVC = 10,         /* MR0 pc (after the hvc), MR1 ESR,
                                   * MR2..MR9 = x0..x7                       */
    CV_FAULT_VM_SMC = 11,         /* MR0 pc (of the smc: reply SKIP), MR1 ESR,
                                   * MR2..MR9 = x0..x7                       */
    CV_FAULT_VM_SYSREG = 12,      /* MR0 pc, MR1 ESR (ISS: op0-2, CRn, CRm, Rt,
                                   * direction), MR2 value written (writes)  */
    CV_FAULT_VM_VTIMER = 13,      /* virtual timer fired; masked until
                                   * CV_OP_VCPU_ACK_VTIMER. MR0 pc           */
    CV_FAULT_VM_MAINTENANCE = 14, /* MR0 pc, MR1 bitmap of list registers the
                                   * guest EOI'd (injected with flag bit 0)   */
    CV_FAULT_VM_UNKNOWN = 15,     /* any other exit: MR0 pc, MR1 0, MR2 ESR  */
    CV_FAULT_VM_POSTED = 16,      /* posted writes wait (CV_OP_VCPU_SET_POSTED):
                                   * MR0 pc, MR1 how many, MR2 CV_POSTED_AT_* */
    CV_FAULT_COUNT
};
#define CV_FAULT_MSG_LEN  4u  /* native faults */
#define CV_VMEXIT_MSG_LEN 10u /* guest exits, at most (MR4.. in the IPC buffer) */

/*
 * CV_FAULT_VM_DATA_ABORT message, the exit record of an emulated device
 * access: four words, all in registers (CV_MSG_REGS). The kernel decodes
 * the syndrome once (arch trap.c); the VMM needs nothing else to emulate
 * the access, and the kernel completes a read from MR3 when the VMM
 * replies CV_FAULT_VM_EMULATED.
 */
enum cv_vmexit_da {
    CV_VMEXIT_DA_PC = 0,     /* the access's pc */
    CV_VMEXIT_DA_IPA = 1,    /* faulting IPA, byte exact */
    CV_VMEXIT_DA_VALUE = 2,  /* a decoded write's value, masked to its width; else 0 */
    CV_VMEXIT_DA_ACCESS = 3, /* the access: CV_DA_* below */
    CV_VMEXIT_DA_LEN = 4
};
/* The access word (MR3). Width 0: the syndrome does not describe the
 * access (e.g. a load pair, a writeback): it cannot be emulated, only
 * refused (but its direction and the IPA are known). */
#define CV_DA_WIDTH(a)       ((unsigned)(a)&0xfu) /* bytes: 1, 2, 4, 8; or 0 */
#define CV_DA_WRITE          0x10u                /* a store */
#define CV_DA_SIGNED         0x20u                /* a load that sign-extends */
#define CV_DA_SF             0x40u                /* the register is 64 bits wide */
#define CV_DA_S1PTW          0x80u                /* on the guest's own stage-1 table walk */
#define CV_DA_CACHE          0x100u               /* a cache maintenance instruction */
#define CV_DA_REG_SHIFT      16u
#define CV_DA_REG(a)         ((unsigned)((a) >> CV_DA_REG_SHIFT) & 31u) /* Rt; 31: zero register */
#define CV_DA_SYNDROME_SHIFT 32u
#define CV_DA_SYNDROME(a)    ((uint32_t)((a) >> CV_DA_SYNDROME_SHIFT)) /* ESR_EL2, as it was */
/*
 * Reply to a guest exit: CV_FAULT_RESUME continues at the exit's pc (for an
 * HVC that is after it), CV_FAULT_SKIP after the instruction. An emulated
 * MMIO read replies CV_FAULT_VM_EMULATED with MR0 = the value: the kernel
 * writes it to Rt (masked, sign-extended per the syndrome) and skips the
 * access; an emulated write replies CV_FAULT_VM_EMULATED too (MR0 ignored).
 */
#define CV_FAULT_VM_EMULATED 4u
/* For an HVC/SMC exit, CV_FAULT_VM_EMULATED sets x0 = MR0 and continues
 * after the call (the result of an emulated firmware call); for a SYSREG
 * exit it gives a read its value (MR0 -> Rt) and skips the instruction. */

/* Reply to a fault: label says what the kernel does with the thread. */
enum cv_fault_reply {
    CV_FAULT_RESUME = 0, /* retry the faulting instruction             */
    CV_FAULT_SKIP = 1,   /* continue after the faulting instruction     */
    CV_FAULT_SET_PC = 2, /* continue at MR0                             */
    CV_FAULT_STOP = 3    /* leave the thread suspended                  */
};

/* ------------------------------------------------------------------ */
/* Boot information for the root thread (one read-only 4 KiB frame).   */
/* ------------------------------------------------------------------ */
#define CV_BOOTINFO_MAGIC       0x43564249u /* "CVBI" */
#define CV_BOOTINFO_MAX_UNTYPED 128u

/* Fixed slots in the root thread's cspace. */
enum cv_root_slot {
    CV_ROOT_NULL = 0,
    CV_ROOT_TCB = 1,
    CV_ROOT_CNODE = 2,
    CV_ROOT_VSPACE = 3,
    CV_ROOT_IRQ_CONTROL = 4,
    CV_ROOT_IPCBUF = 5,
    CV_ROOT_FIRST_FREE_FIXED = 6
};

struct cv_untyped_desc {
    uint64_t paddr;
    uint8_t size_bits;
    uint8_t is_device;
    uint16_t pad[3];
};

struct cv_bootinfo {
    uint32_t magic;
    uint32_t core_count;
    uint64_t cnode_radix;   /* root cnode has 2^radix slots       */
    uint64_t untyped_first; /* first slot holding an untyped cap  */
    uint64_t untyped_count;
    uint64_t first_free_slot; /* first empty slot after the untypeds */
    uint64_t archive_vaddr;   /* boot archive, mapped read-only     */
    uint64_t archive_size;
    /* 2 MiB frame caps (all rights) over the archive: frame k at archive
     * offset archive_frame_offset + k * 2 MiB, in slot
     * archive_frame_first + k (count 0 if its placement does not allow) */
    uint64_t archive_frame_first;
    uint64_t archive_frame_count;
    uint64_t archive_frame_offset;
    uint64_t ipcbuf_vaddr;
    uint64_t timer_freq;  /* CNTFRQ, for user-level timeouts   */
    uint64_t gic_version; /* 2 or 3: the GIC guests get a virtual one of */
    struct cv_untyped_desc untyped[CV_BOOTINFO_MAX_UNTYPED];
};

/* Root thread's fixed virtual layout (its ELF links at CV_ROOT_IMAGE_BASE). */
#define CV_ROOT_IMAGE_BASE     0x00400000ull
#define CV_ROOT_BOOTINFO_VADDR 0x00200000ull
#define CV_ROOT_IPCBUF_VADDR   0x00201000ull
#define CV_ROOT_STACK_TOP      0x00300000ull /* 64 KiB below it */
#define CV_ROOT_STACK_PAGES    16u
#define CV_ROOT_ARCHIVE_VADDR  0x10000000ull

/* ------------------------------------------------------------------ */
/* Boot archive appended to the kernel image (tools/mkarchive).        */
/* ------------------------------------------------------------------ */
#define CV_ARCHIVE_MAGIC    0x31524143u /* "CAR1" */
#define CV_ARCHIVE_NAME_LEN 48u

/* Files of CV_ARCHIVE_LARGE_MIN bytes or more start on a 2 MiB boundary of
 * the archive and no other file shares their last 2 MiB (tools/mkarchive):
 * the loader gives them out as the archive's own frames (bootinfo). */
#define CV_ARCHIVE_LARGE_MIN   (1ull << 20)
#define CV_ARCHIVE_LARGE_ALIGN (1ull << CV_LARGE_PAGE_BITS)

struct cv_archive_entry {
    char name[CV_ARCHIVE_NAME_LEN]; /* NUL-terminated */
    uint64_t offset;                /* from the start of the archive, 4 KiB aligned */
    uint64_t size;
};

struct cv_archive_header {
    uint32_t magic;
    uint32_t count;
    uint64_t total_size;
    struct cv_archive_entry entry[]; /* count entries */
};

#endif /* CAPVISOR_ABI_H */
