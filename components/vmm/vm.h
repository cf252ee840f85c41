/*
 * One virtual machine as the VMM component runs it: its configuration (the
 * info page's `vm`, include/capvisor/spec.h), the capabilities it created
 * (guest vspace, vCPUs, fault endpoint) and the emulated devices (vGIC
 * distributor, PL011, PSCI state) from libvmm.
 *
 * Threads (docs/vmm.md "Threads and the VM lock"): each vCPU's exits are
 * served by a VMM thread of its own on that vCPU's core (exits.c), and the
 * main thread takes the notifications. Everything in struct vm is under
 * `lock` once those threads run, but what a field says otherwise.
 */
#ifndef VMM_VM_H
#define VMM_VM_H

#include <stdbool.h>
#include <stdint.h>

#include <cap/fring.h>
#include <cap/mutex.h>
#include <cap/self.h>
#include <cap/serial.h>
#include <capvisor/abi.h>
#include <capvisor/spec.h>
#include <vmm/machine.h>
#include <vmm/mmio.h>
#include <vmm/pci.h>
#include <vmm/pl011.h>
#include <vmm/posted.h>
#include <vmm/psci.h>
#include <vmm/vgic.h>
#include <vmm/virtio_console.h>
#include <vmm/virtio_net.h>
#include <vmm/virtio_pci.h>
#include <vmm/vmexit.h>
#include <vmm/xconn.h>

#define VM_MAX_VCPUS   8u
#define VM_GICV_FRAMES 16u /* the GICV frame of QEMU virt: 64 KiB */

/** Which of the VMM's own threads a vCPU is, what it is doing, and who serves it. */
struct vm_vcpu {
    struct vm *vm;     /* the VM it belongs to (for its server thread) */
    unsigned index;    /* its index in vm->vcpu */
    uint64_t tcb;      /* cptr of the thread that runs the vCPU */
    uint64_t vcpu;     /* cptr of its VCPU object (a fixed slot) */
    uint64_t vcpu_ut;  /* cptr of the untyped it is made from, its only child */
    uint64_t ep;       /* cptr of its exit endpoint: only its server thread receives */
    uint64_t fault_ep; /* cptr of the badged copy of ep it calls (vcpu_badge) */
    uint32_t gen;      /* its starts so far, in its badge: an exit of an older start is stale */
    unsigned core;     /* the core it runs on, and its server thread */
    struct cv_self_thread server; /* the VMM thread that serves its exits */
    int served_core;   /* the core its server found itself on (TCB_GET_CORE), -1 before */
    uint64_t served;   /* exits its server handled since the guest (re)started */
    bool running;      /* resumed and not suspended by us */
    bool used;         /* started since its VCPU object was made */
    unsigned lr_count; /* list registers the kernel offers it */
    /* CV_OP_VCPU_SET_VTIMER's INTID, priority and flags, as last set, for
     * the virtual timer [0] and the EL1 physical timer [1] */
    uint64_t timer[2][3];
    uint32_t steady_cr; /* UARTCR as the kernel was last told (vdev_posted_set) */
};

/** Console state: the guest's output line and input waiting for the UART. */
struct vm_console {
    char line[256]; /* a Linux boot line fits whole (the longest, its version, is ~170) */
    unsigned len;
    bool mid_line;   /* a partial line was printed: no prefix for the rest */
    unsigned writer; /* the vCPU whose posted bytes went into the line last */
    uint8_t in[256];
    unsigned in_head, in_count;
    bool in_more;         /* the kernel may hold more input than we took */
    uint64_t ntfn;        /* cptr of the console-input notification, 0 if none */
    unsigned panic_match; /* bytes of CONSOLE_PANIC matched so far */
    bool panicked;        /* the guest printed CONSOLE_PANIC since it booted */
    bool serial;          /* a client of the serial server (struct cv_serial below) */
    struct cv_serial link;
};

/*
 * Guest RAM: reserved whole as untyped when the VM is built, backed by a
 * 2 MiB frame per block on the first access (guest.c).
 */
#define VM_RAM_BLOCKS_MAX (1u << (CV_VSPACE_BITS - CV_LARGE_PAGE_BITS))
#define VM_RAM_UT_MAX     32u /* power-of-two untypeds that sum to the RAM size */

struct vm_ram {
    uint64_t ut[VM_RAM_UT_MAX]; /* the reservation, retyped into frames on demand */
    unsigned ut_count;
    uint64_t backed[VM_RAM_BLOCKS_MAX / 64]; /* bit per 2 MiB block: frame mapped */
};

/* What the VMM was asked to do since the guest (re)started: exits.c counts,
 * the guest's power-off and reset print them. */
enum vm_exit_kind {
    VM_EXIT_MMIO,   /* emulated device access */
    VM_EXIT_RAM,    /* first access to a RAM block: backed */
    VM_EXIT_FW,     /* HVC/SMC: PSCI and other firmware calls */
    VM_EXIT_IRQ,    /* virtual timer, maintenance (EOI) */
    VM_EXIT_POSTED, /* only to take posted writes (idle guest, timer tick) */
    VM_EXIT_OTHER,  /* system registers, unbacked accesses, ... */
    VM_EXIT_KINDS
};

#define VM_FW_LOG_MAX   16u /* distinct unknown firmware call IDs reported */
#define VM_WARN_LOG_MAX 16u /* lines of one kind of guest misbehaviour reported */

/** Rate limits for warnings a guest can cause (STYLE.md: logged, rate-limited). */
struct vm_logs {
    uint64_t fw_id[VM_FW_LOG_MAX]; /* unknown firmware call IDs reported */
    unsigned fw_count;
    unsigned vgic_count;   /* odd distributor accesses reported */
    unsigned abort_count;  /* external aborts injected and reported */
    unsigned virtio_count; /* virtio driver errors and odd register accesses reported */
    unsigned imm_count;    /* HVC/SMC with a non-zero immediate reported */
};

/*
 * The PL011's read page (vdev.c): what each UART register reads, mapped
 * read-only at the UART's IPA while reads have no side effect, so that the
 * guest polls flags without exits; its writes still fault (UARTDR's are
 * posted, the rest emulated).
 */
struct vm_uart_page {
    uint32_t *words;    /* the VMM's mapping */
    uint64_t guest_cap; /* read-only copy of the frame cap the guest maps */
    bool mapped;        /* at the UART's IPA in the guest now */
};

/**
 * Where the boot images go, worked out from the kernel's header at the
 * first boot and kept: after a boot in place the kernel file's frames are
 * guest RAM, and its header there is whatever the guest made of it.
 */
struct vm_boot {
    bool placed;   /* the fields below are set */
    bool in_place; /* the kernel file's frames back its RAM blocks; resets inflate kernel_gz */
    const struct cv_comp_iface_info *own; /* the kernel file, if its frames can be its RAM */
    uint64_t kernel_ipa, kernel_size, dtb_ipa, initrd_slot;
};

/** A virtio-net device's port on a virtual switch (netport.h). */
struct vm_netport {
    bool plugged;        /* the description gives the device a port */
    struct fring tx, rx; /* to_switch (we produce), to_vm (we consume) */
    uint64_t kick;       /* cptr: wakes the switch */
    uint64_t tx_waits;   /* times the to_switch ring was full (the guest's queue waited) */
    uint64_t rx_bad;     /* frames the switch's side left with a bad length: dropped */
};

/**
 * A virtio device of the VM (vio.c): what the description asked for, where
 * the machine put it, and the device itself.
 */
struct vm_virtio {
    struct vm *vm;
    const struct cv_spec_vm_device *cfg;
    const struct machine_dev *at;
    struct virtio_dev *dev; /* the device, of either type: what its transport drives */
    union {                 /* by cfg->kind */
        struct virtio_console con;
        struct virtio_net net;
    };
    uint64_t net_unplugged; /* virtio-net: frames sent while no switch port takes them */
    struct vm_netport port; /* virtio-net: its switch port */
    bool on_pci;            /* its transport: virtio-pci (pci), else virtio-mmio */
    struct virtio_pci pci;
};

/** A dataport of a cross-connector: its frame caps and where they are mapped. */
struct vm_xconn_port {
    uint64_t cptr;         /* its first frame cap (consecutive slots) */
    uint64_t pages;        /* its 4 KiB frames */
    uint64_t mapped_pages; /* mapped in the guest from ipa (all, or 0) */
    uint64_t ipa;
};

/** A cross-VM connector of the VM (vxconn.h). */
struct vm_xconn {
    struct vm *vm;
    const struct cv_spec_vm_device *cfg;
    const struct machine_dev *at;
    struct xconn dev;
    struct vm_xconn_port port[XCONN_DATAPORTS_MAX];
    uint64_t emit[XCONN_EMITS_MAX]; /* cptr signalled by doorbell i */
};

/** A passed-through device of the VM (vpass.h). */
struct vm_pass {
    const struct cv_spec_vm_device *cfg;
    const struct machine_dev *at; /* its range, node and line on the machine */
    uint64_t frames;              /* cptr of its first frame cap (consecutive slots) */
    uint64_t handler;             /* cptr of its IRQ handler, 0 if it has no interrupt */
    uint64_t raised;              /* interrupts forwarded since the guest (re)started */
    bool masked;                  /* the kernel masked the line: an ack is owed */
};

/** The VM. */
struct vm {
    char name[CV_SPEC_NAME_MAX]; /* the component name ("vm0"): prefix of its lines */
    const struct cv_spec_vm *cfg;
    unsigned gic_version; /* the machine's GIC, which the VM's follows: 2 or 3 */
    unsigned vcpu_count;
    unsigned core_count;
    uint64_t vspace;      /* cptr of the guest's stage-2 address space */
    uint64_t ep;          /* cptr of the endpoint the main thread waits on: its bound
                             notification (console input, serial server) arrives there */
    struct cv_mutex lock; /* the VM lock: every field, the devices, the kernel calls on them */
    uint8_t *ram;         /* guest RAM as mapped in the VMM (where backed) */
    struct vm_ram mem;
    uint64_t entry; /* kernel entry IPA */
    uint64_t dtb;   /* DTB IPA (x0 at entry) */
    struct vm_boot boot;
    bool stopped; /* the VM is stopped; the VMM keeps running */
    int waiting;  /* vCPU whose exit the lock's holder handles (awaits the reply), or -1 */
    struct vm_logs logs;
    struct machine machine;    /* its machine: RAM, vCPUs, devices (libvmm machine.h) */
    struct mmio_registry mmio; /* its emulated devices by IPA (vdev.c) */
    uint64_t exits[VM_EXIT_KINDS];
    uint64_t mmio_exits[MMIO_REGIONS_MAX];    /* by region of vm->mmio */
    uint64_t posted_writes;                   /* UART writes that did not exit (vdev_take_posted) */
    uint64_t sysreg_reset[CV_VCPU_REG_COUNT]; /* a fresh VCPU's EL1 state */
    bool have_sysreg_reset;
    struct vm_vcpu vcpu[VM_MAX_VCPUS];
    struct vgic vgic;
    struct pl011 uart;
    struct vm_uart_page uart_page;
    struct posted_merge posted; /* its UARTDR writes of all vCPUs, in order (vdev.c) */
    struct psci psci;
    struct vm_console con;
    uint64_t wake; /* cptr: the notification the VMM waits on (work left for later signals it) */
    uint32_t timer_gen; /* vgic.private_gen when the timers' delivery was last synced */
    struct vm_virtio virtio[CV_SPEC_VM_DEVICES_MAX];
    unsigned virtio_count;
    struct virtio_console *hvc; /* the console that takes input, if any (vio.c) */
    struct pci_bus pci;         /* bus 0 of the PCI host bridge, if the machine has one */
    struct vm_xconn xconn[CV_SPEC_VM_DEVICES_MAX];
    unsigned xconn_count;
    struct vm_pass pass[CV_SPEC_VM_DEVICES_MAX];
    unsigned pass_count;
    uint64_t bound; /* cptr: the notification bound to the main thread (console_init) */
};

/** Reads the info page's vm config and builds the VM: false (reason printed) on error. */
bool vm_create(struct vm *vm);

/** Loads the boot images and starts vCPU 0. */
bool vm_start(struct vm *vm);

/**
 * Stops the VM: every vCPU suspended; the VMM keeps running. The vCPU
 * `waiting` for the reply to its exit is left to that reply (CV_FAULT_STOP).
 * Then what every vCPU had written to the UART is printed, to the last
 * partial line: the VMM's lines about the stop come after the guest's.
 */
void vm_stop(struct vm *vm);

/** Prints the exit counts since the guest started ("<vm>: N exits: ...") and zeroes them. */
void vm_report(struct vm *vm);

/**
 * Stops the VM with one line "<vm>: <why> — VM stopped" (printf format):
 * the answer to the exit that made it stop (CV_FAULT_STOP).
 */
struct vmexit_result vm_halt(struct vm *vm, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/**
 * PSCI SYSTEM_RESET: fresh vCPUs, vGIC, UART and PSCI state, the images
 * loaded again and vCPU 0 started. No vCPU may be waiting for a reply.
 */
bool vm_reboot(struct vm *vm);

#endif /* VMM_VM_H */
