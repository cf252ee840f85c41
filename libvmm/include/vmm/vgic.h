/*
 * Emulated GIC distributor (GICv2 or GICv3) and list-register bookkeeping
 * for one VM.
 *
 * GICv2 (IHI 0048B): the guest reaches the hardware virtual CPU interface
 * (GICV) directly; only the distributor is emulated here.
 * GICv3 (IHI 0069, no ITS and no LPIs): the guest uses the hardware's
 * virtual CPU interface system registers (ICV_*); the distributor, one
 * redistributor per vCPU and ICC_SGI1R_EL1 (trapped by the VMM) are
 * emulated here. The guest sees one security state (GICD_CTLR.DS = 1) and
 * affinity routing always on (GICD_CTLR.ARE RAO/WI); vCPU k has MPIDR
 * affinity Aff0 = k, Aff1..3 = 0.
 *
 * Pending interrupts are handed to the kernel one list register (LR) at a
 * time through an injector callback; the ones that do not fit stay pending
 * in the distributor state, which is the bounded overflow queue: every
 * interrupt is in it at most once (per source CPU for GICv2 SGIs), it never
 * allocates, and it is drained in priority order (lowest priority value
 * first, then lowest INTID) whenever LRs are freed.
 *
 * Portable C11: no system calls; the VMM calls in on guest MMIO exits,
 * trapped system register writes, device input and maintenance exits.
 */
#ifndef VMM_VGIC_H
#define VMM_VGIC_H

#include <stdbool.h>
#include <stdint.h>

#define VGIC_MAX_VCPUS   8u   /* GICv2 CPUNumber is 3 bits (spec 4.3.2) */
#define VGIC_MAX_IRQS    256u /* INTIDs 0..255 at most */
#define VGIC_MAX_LRS     64u  /* GICH_VTR.ListRegs is 6 bits */
#define VGIC_NR_PRIVATE  32u  /* SGIs 0..15 and PPIs 16..31, banked per CPU */
#define VGIC_NR_SGIS     16u
#define VGIC_DIST_FRAME  0x10000u /* size of the distributor region in the guest */
#define VGIC_DEFAULT_LRS 4u       /* GIC-400 implements 4 list registers */
#define VGIC_PRIO_MASK   0xf8u    /* 5 priority bits: the width of GICH_LR.Priority */

/* GICv3: one vCPU's redistributor in the guest, RD_base then SGI_base (64 KiB each). */
#define VGIC_REDIST_STRIDE 0x20000u

/** Outcome of a vGIC call. Hostile guest accesses get a defined outcome. */
enum vgic_result {
    VGIC_OK = 0,
    VGIC_RAZ_WI,     /* reserved/unknown register: read 0, write ignored (logged once) */
    VGIC_BAD_WIDTH,  /* size or alignment not allowed there (spec 4.1.4): read 0, ignored */
    VGIC_BAD_OFFSET, /* offset outside the distributor or redistributor region */
    VGIC_BAD_VCPU,   /* vCPU index >= the VM's vCPU count */
    VGIC_BAD_INTID,  /* INTID not an input of that kind, or beyond the configured count */
    VGIC_BAD_CONFIG  /* vgic_init* / vgic_set_lr_count argument out of range, or a GICv3
                        call on a GICv2 vGIC */
};

/** Which GIC architecture the guest sees. */
enum vgic_version { VGIC_V2 = 2, VGIC_V3 = 3 };

/** Per-interrupt state (one per SPI, one per vCPU for each SGI/PPI). */
struct vgic_irq {
    uint8_t priority; /* GICD_IPRIORITYR byte, low 3 bits dropped */
    uint8_t targets;  /* SPIs: vCPUs it may go to: GICD_ITARGETSR byte (GICv2), from
                         GICD_IROUTER (GICv3) */
    uint8_t flags;    /* VGIC_IRQ_* in vgic_internal.h */
    uint8_t pad;
};

/** One vCPU: its banked SGIs/PPIs, SGI sources and list-register use. */
struct vgic_vcpu {
    struct vgic_irq priv[VGIC_NR_PRIVATE];
    uint8_t sgi_src[VGIC_NR_SGIS]; /* pending SGI n from CPU k: bit k (GICv3: bit 0 only,
                                      its SGIs carry no source) */
    bool asleep;                   /* GICv3 GICR_WAKER.ProcessorSleep */
    unsigned lr_count;             /* LRs the kernel offers this vCPU */
    uint64_t lr_used;              /* LRs holding one of our interrupts */
    uint16_t lr_intid[VGIC_MAX_LRS];
    uint32_t enabled; /* bit n: SGI/PPI n enabled (its flags, summed up) */
    uint32_t pending; /* bit n: SGI/PPI n pending (vgic_pending_update keeps it) */
};

/**
 * Log hook: one line per distinct reserved offset or bad access (log once).
 * `frame` names where the access went: "GICD", or "GICR<k>" for vCPU k's
 * redistributor, `offset` being from the start of that frame (for GICR<k>,
 * from its RD_base: SGI_base registers are at 0x10000 and above).
 */
typedef void (*vgic_log_fn)(void *ctx, unsigned vcpu, const char *frame, uint64_t offset,
                            bool write, const char *why);

/* Log-once bits: one per word offset of the distributor, then one per word
 * offset of a redistributor (shared by all vCPUs' redistributors). */
#define VGIC_LOG_WORDS ((VGIC_DIST_FRAME + VGIC_REDIST_STRIDE) / 4u / 32u)

/** The distributor of one VM. Plain data: may live in .bss. */
struct vgic {
    enum vgic_version version;
    unsigned vcpu_count;
    unsigned irq_count;
    uint32_t ctlr; /* GICD_CTLR: EnableGrp0 bit 0, EnableGrp1 bit 1 */
    struct vgic_vcpu vcpu[VGIC_MAX_VCPUS];
    struct vgic_irq spi[VGIC_MAX_IRQS - VGIC_NR_PRIVATE];
    uint64_t irouter[VGIC_MAX_IRQS - VGIC_NR_PRIVATE]; /* GICv3 GICD_IROUTER of each SPI */
    uint64_t spi_enabled[VGIC_MAX_IRQS / 64]; /* bit n: SPI n enabled (bits 0..31 unused) */
    uint64_t spi_pending[VGIC_MAX_IRQS / 64]; /* bit n: SPI n pending (bits 0..31 unused) */
    bool spi_candidate;   /* some SPI both enabled and pending (vgic_deliver's first look) */
    uint32_t private_gen; /* changes with GICD_CTLR and an SGI/PPI's enable, group or priority:
                             what a PPI's delivery by the kernel (the timers) depends on */
    uint32_t logged[VGIC_LOG_WORDS];
    vgic_log_fn log;
    void *log_ctx;
};

/** What goes into one list register (GICv2 spec 5.3 GICH_LRn, GICv3 ICH_LR<n>_EL2). */
struct vgic_lr {
    uint16_t intid;   /* VirtualID (vINTID) */
    uint8_t source;   /* CPUID: the requesting vCPU for GICv2 SGIs, else 0 (GICv3: 0) */
    uint8_t priority; /* 8-bit priority; the LR keeps bits [7:3] */
    bool group1;      /* Grp1 */
    bool level;       /* level-sensitive: ask for a maintenance on EOI */
};

/** Returned by an injector when the kernel has no free LR (CV_E_BUSY). */
#define VGIC_INJECT_BUSY 1

/**
 * Puts `e` into list register `lr` of `vcpu` (CV_OP_VCPU_INJECT_IRQ).
 * Returns 0 on success, VGIC_INJECT_BUSY if the kernel had no free LR,
 * a negative value on any other error.
 */
struct vgic_injector {
    int (*inject)(void *ctx, unsigned vcpu, unsigned lr, const struct vgic_lr *e);
    void *ctx;
};

/** Resets `v` as a GICv2 (vgic_init_version with VGIC_V2). */
enum vgic_result vgic_init(struct vgic *v, unsigned vcpus, unsigned irqs);

/**
 * Resets `v` as a GIC of version `ver` for `vcpus` (1..8) vCPUs and `irqs`
 * INTIDs (multiple of 32, 32..256): every interrupt disabled, group 0, level
 * (SGIs edge), priority 0; GICv3: every SPI routed to vCPU 0 (GICD_IROUTER
 * 0), every redistributor asleep (GICR_WAKER.ProcessorSleep 1).
 */
enum vgic_result vgic_init_version(struct vgic *v, enum vgic_version ver, unsigned vcpus,
                                   unsigned irqs);

/** Installs the log-once hook (NULL: silent). */
void vgic_set_log(struct vgic *v, vgic_log_fn log, void *ctx);

/** Number of list registers the kernel gives `vcpu` (1..64, default 4). */
enum vgic_result vgic_set_lr_count(struct vgic *v, unsigned vcpu, unsigned lrs);

/**
 * A guest access of `width` bytes at `offset` in the distributor frame by
 * `vcpu`. Reads store the result in *value (0 for every non-OK result).
 * GICv2 architecture spec 4.1 (register map), 4.1.4 (access sizes), 4.3.
 * GICv3: IHI 0069, "GIC memory-mapped register access" (sizes), the
 * Distributor register map and descriptions. The INTID 0..31 words and
 * bytes of the per-interrupt registers are RAZ/WI (those interrupts live in
 * the redistributors), and an SPI goes where its GICD_IROUTER says: IRM 0
 * and affinity 0.0.0.k with k < vCPU count: vCPU k; any other affinity:
 * nowhere (it stays pending until rerouted); IRM 1 (1 of N, where the GIC
 * may pick any PE): always vCPU 0, the one PE that every VM has.
 */
enum vgic_result vgic_dist_access(struct vgic *v, unsigned vcpu, uint64_t offset, unsigned width,
                                  bool write, uint64_t *value);

/**
 * GICv3: a guest access by `vcpu` of `width` bytes at `offset` in the
 * redistributor region, where vCPU k's RD_base frame is at k *
 * VGIC_REDIST_STRIDE and its SGI_base frame 64 KiB above it (IHI 0069, the
 * Redistributor register map and descriptions). Any vCPU may access any
 * redistributor; SGI_base acts on the banked SGI/PPI state of the frame's
 * vCPU. Reads store the result in *value (0 for every non-OK result).
 * VGIC_BAD_OFFSET past the last vCPU's frames, and on a GICv2 vGIC (it has
 * no redistributors).
 */
enum vgic_result vgic_redist_access(struct vgic *v, unsigned vcpu, uint64_t offset, unsigned width,
                                    bool write, uint64_t *value);

/**
 * GICv3: `vcpu` wrote `value` to ICC_SGI1R_EL1 (IHI 0069, ICC_SGI1R_EL1:
 * INTID [27:24], TargetList [15:0], Aff1 [23:16], Aff2 [39:32], IRM [40],
 * RS [47:44], Aff3 [55:48]). IRM 1: every vCPU but `vcpu`; IRM 0: the
 * vCPUs whose Aff0 is set in TargetList, if Aff1..3 and RS are 0 (no vCPU
 * has other affinities: such a write reaches nobody). Each target gets the
 * SGI pending once, whatever its group (with GICD_CTLR.DS 1, ICC_SGI1R_EL1
 * generates SGIs of either group). VGIC_BAD_CONFIG on a GICv2 vGIC.
 */
enum vgic_result vgic_sgi1r_write(struct vgic *v, unsigned vcpu, uint64_t value);

/**
 * Drives the input line of PPI (16..31, banked: `vcpu` selects the CPU) or
 * SPI (32.., `vcpu` ignored). A level interrupt is pending while the line is
 * high; an edge-configured one latches pending on a rising edge (spec 3.2.4).
 */
enum vgic_result vgic_set_irq_level(struct vgic *v, unsigned vcpu, unsigned intid, bool level);

/** An edge (pulse) on a PPI or SPI: latches it pending whatever its configuration. */
enum vgic_result vgic_raise_irq(struct vgic *v, unsigned vcpu, unsigned intid);

/**
 * The highest-priority interrupt that `vcpu` should be given and that is not
 * yet in one of its LRs (pending, enabled, group enabled, targeted). False if none.
 */
bool vgic_next_pending(const struct vgic *v, unsigned vcpu, struct vgic_lr *out);

/**
 * Whether the guest lets `intid` reach `vcpu`: enabled, and its group
 * enabled in GICD_CTLR; *prio gets its priority. (What the kernel needs to
 * deliver the virtual timer by itself: abi.h CV_OP_VCPU_SET_VTIMER.)
 */
bool vgic_irq_enabled(const struct vgic *v, unsigned vcpu, unsigned intid, uint8_t *prio);

/** Whether `intid` is a Group 1 interrupt for `vcpu` (false beyond the configured INTIDs). */
bool vgic_irq_group1(const struct vgic *v, unsigned vcpu, unsigned intid);

/** Bitmap of vCPUs with something to deliver and a free LR: the ones to kick. */
uint32_t vgic_pending_vcpus(const struct vgic *v);

/**
 * Injects pending interrupts of `vcpu` in priority order while LRs are free.
 * Returns the number injected, or the injector's negative error.
 */
int vgic_deliver(struct vgic *v, unsigned vcpu, const struct vgic_injector *inj);

/**
 * The kernel reported the LRs in `freed` of `vcpu` empty (CV_FAULT_VM_MAINTENANCE):
 * their interrupts left the LRs; a level one whose line is still high is
 * pending again. Then drains pending interrupts into the free LRs when `inj`
 * is not NULL. Bits for LRs we did not fill are ignored. Returns as vgic_deliver.
 */
int vgic_lrs_freed(struct vgic *v, unsigned vcpu, uint64_t freed, const struct vgic_injector *inj);

#endif /* VMM_VGIC_H */
