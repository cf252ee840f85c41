/*
 * The compiled system spec: what tools/specc writes from an app's
 * description (apps/<app>/<app>.dts) and the root loader (loader/) reads.
 *
 * Little-endian, all offsets from the start of the blob, every table
 * 8-byte aligned. The loader validates every index and offset before use:
 * the blob is build output, but a corrupt one must give an error, not a
 * wild access. docs/system-description.md describes the source format.
 */
#ifndef CAPVISOR_SPEC_H
#define CAPVISOR_SPEC_H

#include <stdint.h>

#define CV_SPEC_MAGIC    0x50535643u /* "CVSP" */
#define CV_SPEC_VERSION  7u
#define CV_SPEC_NAME_MAX 32u /* names incl. NUL */

/* Kinds of shared object a connection creates. */
enum cv_spec_obj_kind {
    CV_SPEC_OBJ_ENDPOINT = 1,     /* rpc connection                      */
    CV_SPEC_OBJ_NOTIFICATION = 2, /* notification connection              */
    CV_SPEC_OBJ_DATAPORT = 3,     /* shared RAM, `size` bytes             */
    CV_SPEC_OBJ_DEVICE = 4,       /* device frames at `paddr`, `size` bytes */
    CV_SPEC_OBJ_IRQ = 5,          /* irq handler for interrupt `irq`      */
    CV_SPEC_OBJ_FILE = 6,         /* boot-archive entry named `name`      */
    CV_SPEC_OBJ_CONSOLE = 7       /* console input                        */
};

/* What a component is handed for one interface. */
enum cv_spec_iface_kind {
    CV_SPEC_IF_RPC_CLIENT = 1,   /* badged send cap (call)              */
    CV_SPEC_IF_RPC_SERVER = 2,   /* receive cap                         */
    CV_SPEC_IF_NTFN_EMIT = 3,    /* badged signal cap                   */
    CV_SPEC_IF_NTFN_CONSUME = 4, /* wait cap                            */
    CV_SPEC_IF_DATAPORT = 5,     /* mapping at vaddr (no cap)           */
    CV_SPEC_IF_DEVICE = 6,       /* device mapping at vaddr (no cap)    */
    CV_SPEC_IF_FILE = 8,         /* boot-archive file mapped read-only at
                                  * vaddr, size bytes; if the interface is
                                  * writable, also its 2 MiB frame caps at
                                  * slots cptr.. (one per 2 MiB of size)  */
    CV_SPEC_IF_FRAMES = 9,       /* caps to a device/dataport object's 4 KiB
                                  * frames at slots cptr.. (not mapped)    */
    CV_SPEC_IF_CONSOLE = 10,     /* console input cap (CV_OBJ_CONSOLE)     */
    CV_SPEC_IF_IRQ = 7           /* irq handler cap, bound to the component's
                                  * notification `ntfn_iface` (see below) */
};

struct cv_spec_header {
    uint32_t magic;
    uint32_t version;
    uint32_t total_size;
    uint32_t component_count;
    uint32_t object_count;
    uint32_t iface_count;
    uint32_t component_off; /* struct cv_spec_component[component_count] */
    uint32_t object_off;    /* struct cv_spec_object[object_count]       */
    uint32_t iface_off;     /* struct cv_spec_iface[iface_count]         */
    uint32_t vm_off;        /* struct cv_spec_vm[vm_count]               */
    char app_name[CV_SPEC_NAME_MAX];
    uint32_t vm_count;
    uint32_t reserved;
};

/*
 * A virtual machine managed by a VMM component (the component's `vm`
 * node): its guest RAM, vCPUs and boot images. `kernel`, `initrd` and
 * `kernel_gz` name FILE interfaces of the same component.
 *
 * With `kernel_gz` (a gzip of the kernel) the kernel's FILE interface is
 * the VM's own, writable (CV_RIGHT_WRITE in its rights, no other interface
 * on that object): the VMM runs the first boot on the file's frames in
 * place instead of copying them, and a reset inflates `kernel_gz` over
 * what the guest has made of them (docs/vmm.md, "Kernel in place").
 */
#define CV_SPEC_BOOTARGS_MAX 256u

/*
 * A device of a VM, emulated by its VMM (the vm's `devices` node,
 * docs/system-description.md). Where it sits in the guest's memory map and
 * which interrupt it raises is the platform's choice (libvmm machine.h)
 * unless `address` / `interrupt` name them; specc checks either way. A
 * virtio-net device has its MAC address from the description: unicast,
 * not all zero, and no other device of the system's VMs has it.
 */
#define CV_SPEC_VM_DEVICES_MAX 8u
#define CV_SPEC_MAC_LEN        6u
/* A device's kind: its virtio device ID (virtio 1.2 section 5). */
enum cv_spec_vdev_kind {
    CV_SPEC_VDEV_VIRTIO_NET = 1,     /* virtio network device (section 5.1) */
    CV_SPEC_VDEV_VIRTIO_CONSOLE = 3, /* virtio console (section 5.3) */
    CV_SPEC_VDEV_XCONN = 0x100,      /* cross-VM connector (docs/xconn.md), pci only */
    CV_SPEC_VDEV_PASSTHRU = 0x101,   /* a real device (docs/passthrough.md): no transport */
};
enum cv_spec_vdev_transport {
    CV_SPEC_VDEV_MMIO = 1, /* virtio-mmio version 2 (section 4.2) */
    CV_SPEC_VDEV_PCI = 2,  /* virtio-pci, modern (section 4.1), behind a PCIe host bridge */
};
/*
 * A cross-VM connector's ends (docs/xconn.md), as indices into the VMM
 * component's interfaces (its info page's iface[]): the dataports
 * (FRAMES interfaces, BARs 1..), the notifications each doorbell signals
 * (NTFN_EMIT), and the bit of the VMM's notification badge that raises
 * each event, all arriving at its NTFN_CONSUME interface `signal`.
 */
#define CV_SPEC_XCONN_DATAPORTS 5u
#define CV_SPEC_XCONN_EMITS     6u
#define CV_SPEC_XCONN_EVENTS    8u
struct cv_spec_xconn {
    uint8_t dataport_count, emit_count, event_count, signal;
    uint8_t dataport[CV_SPEC_XCONN_DATAPORTS];
    uint8_t emit[CV_SPEC_XCONN_EMITS];
    uint8_t reserved;
    uint8_t event_bit[CV_SPEC_XCONN_EVENTS];
};
/*
 * A passed-through device (docs/passthrough.md): the frames of the VMM's
 * FRAMES interface `region` (a device connection with `caps;`) mapped in
 * the guest at their physical address, the interrupt of its IRQ interface
 * `irq` (CV_SPEC_PASSTHRU_NO_IRQ if none) forwarded as the same INTID,
 * and a device-tree node `compatible` with reg [region PA + reg_offset,
 * + reg_size). The region's physical address is the FRAMES interface's
 * info `vaddr` (the loader writes it there for a device).
 */
#define CV_SPEC_PASSTHRU_COMPAT 14u
#define CV_SPEC_PASSTHRU_NO_IRQ 0xffu
struct cv_spec_passthru {
    uint32_t interrupt;  /* INTID of `irq`'s object, 0 if none */
    uint16_t reg_offset; /* the node's reg, from the region's first byte */
    uint16_t reg_size;   /* its length in bytes, within the region */
    uint8_t region;      /* the VMM's interface index of the frames */
    uint8_t irq;         /* its IRQ interface index, CV_SPEC_PASSTHRU_NO_IRQ if none */
    char compatible[CV_SPEC_PASSTHRU_COMPAT]; /* NUL-terminated */
};
struct cv_spec_vm_device {
    char name[CV_SPEC_NAME_MAX]; /* the device node's name: what the VMM's lines call it */
    uint32_t kind;               /* enum cv_spec_vdev_kind */
    uint32_t transport;          /* enum cv_spec_vdev_transport */
    union {
        struct {                /* virtio devices */
            uint64_t address;   /* mmio: guest IPA of its registers; 0: the next free slot */
            uint32_t interrupt; /* mmio: its INTID; 0: its slot's (pci: always 0) */
            uint8_t mac[CV_SPEC_MAC_LEN]; /* virtio-net: its MAC address; other kinds: 0 */
            uint8_t reserved[6];
        };
        struct cv_spec_xconn xconn;       /* CV_SPEC_VDEV_XCONN */
        struct cv_spec_passthru passthru; /* CV_SPEC_VDEV_PASSTHRU */
    };
};
_Static_assert(sizeof(struct cv_spec_xconn) == 24, "the xconn ends fill the virtio fields' room");
_Static_assert(sizeof(struct cv_spec_passthru) == 24, "a passthrough fills the same room");

#define CV_SPEC_VM_VCPUS_MAX 8u

struct cv_spec_vm {
    uint64_t ram_base; /* guest IPA of RAM, 2 MiB aligned */
    uint64_t ram_size; /* bytes, 2 MiB multiple */
    uint32_t vcpus;    /* 1..CV_SPEC_VM_VCPUS_MAX */
    uint32_t flags;    /* CV_SPEC_VM_* */
    char kernel[CV_SPEC_NAME_MAX];
    char initrd[CV_SPEC_NAME_MAX];    /* "" = none */
    char kernel_gz[CV_SPEC_NAME_MAX]; /* "" = none: resets copy `kernel` */
    char bootargs[CV_SPEC_BOOTARGS_MAX];
    uint32_t device_count;
    uint32_t reserved;
    struct cv_spec_vm_device device[CV_SPEC_VM_DEVICES_MAX];
    uint8_t vcpu_core[CV_SPEC_VM_VCPUS_MAX]; /* with CV_SPEC_VM_VCPU_AFFINITY: each vCPU's core */
};

/*
 * VM flags. CV_SPEC_VM_ABORT_UNBACKED (`unbacked-access = "abort";`): a
 * guest access to an IPA that is neither RAM nor an emulated device gets a
 * synchronous external abort injected; without it (`"stop"`, the default)
 * the VMM stops the VM.
 */
#define CV_SPEC_VM_ABORT_UNBACKED 1u
#define CV_SPEC_VM_VCPU_AFFINITY  2u /* `vcpu-affinity`: vcpu_core[] says where each vCPU runs */
/* `ram-identity`: guest RAM at IPA == PA (for DMA by a passed-through
 * device): the loader places the VMM's untyped at ram_base, and the VMM's
 * reservation (its first objects) is then that physical range. */
#define CV_SPEC_VM_RAM_IDENTITY 4u
#define CV_SPEC_VM_FLAGS                                                                           \
    (CV_SPEC_VM_ABORT_UNBACKED | CV_SPEC_VM_VCPU_AFFINITY | CV_SPEC_VM_RAM_IDENTITY)

struct cv_spec_object {
    char name[CV_SPEC_NAME_MAX]; /* the connection's name                  */
    uint32_t kind;               /* enum cv_spec_obj_kind                  */
    uint32_t irq;                /* CV_SPEC_OBJ_IRQ: interrupt number      */
    uint64_t paddr;              /* CV_SPEC_OBJ_DEVICE                     */
    uint64_t size;               /* DATAPORT/DEVICE: bytes, page multiple  */
};

struct cv_spec_component {
    char name[CV_SPEC_NAME_MAX];    /* instance name                        */
    char program[CV_SPEC_NAME_MAX]; /* ELF name in the boot archive         */
    uint32_t priority;              /* 0..255                               */
    uint32_t affinity;              /* core                                 */
    uint32_t stack_size;            /* bytes, page multiple                 */
    uint32_t heap_size;             /* bytes, page multiple (may be 0)      */
    uint32_t iface_first;           /* index into the iface table           */
    uint32_t iface_count;
    uint32_t cnode_radix;   /* size of the component's cspace       */
    uint32_t fault_handler; /* component index handling its faults, */
                            /* or CV_SPEC_NONE (kernel prints+stops)*/
    uint32_t untyped_bits;  /* 0, or size of an untyped given to it */
    uint32_t flags;         /* CV_SPEC_COMP_*                       */
    uint32_t vm_index;      /* index into the vm table, or CV_SPEC_NONE */
    uint32_t reserved;
};
#define CV_SPEC_NONE 0xffffffffu
/* Component flags. */
#define CV_SPEC_COMP_IRQ_CONTROL 1u /* give it the irq control cap (tests) */
#define CV_SPEC_COMP_CONSOLE     2u /* give it the console input cap */

struct cv_spec_iface {
    char name[CV_SPEC_NAME_MAX]; /* the interface name the component uses  */
    uint32_t kind;               /* enum cv_spec_iface_kind                 */
    uint32_t object;             /* index into the object table             */
    uint64_t badge;              /* RPC_CLIENT / NTFN_EMIT                  */
    uint64_t vaddr;              /* DATAPORT / DEVICE mapping address       */
    uint32_t rights;             /* CV_RIGHT_* for mappings                 */
    uint32_t ntfn_iface;         /* IRQ: index (global) of the NTFN_CONSUME */
                                 /* iface it signals, or CV_SPEC_NONE       */
};

/*
 * Component virtual layout (stage 1 is off at EL0: VA = IPA).
 * Program images link at CV_COMP_IMAGE_BASE; specc places dataports and
 * devices from CV_COMP_SHARED_BASE upwards, each 2 MiB aligned region.
 */
#define CV_COMP_INFO_VADDR   0x00200000ull /* struct cv_comp_info (RO)   */
#define CV_COMP_IPCBUF_VADDR 0x00201000ull
#define CV_COMP_STACK_TOP    0x00300000ull
#define CV_COMP_IMAGE_BASE   0x00400000ull
#define CV_COMP_HEAP_BASE    0x08000000ull
#define CV_COMP_SHARED_BASE  0x10000000ull
#define CV_COMP_FILES_BASE   0x20000000ull /* FILE ifaces, each 2 MiB aligned */

/* First cspace slot the loader fills with interface caps. */
enum cv_comp_slot {
    CV_COMP_SLOT_NULL = 0,
    CV_COMP_SLOT_TCB = 1,
    CV_COMP_SLOT_CNODE = 2,
    CV_COMP_SLOT_VSPACE = 3,
    CV_COMP_SLOT_FAULT_EP = 4,    /* receive cap, for a fault handler      */
    CV_COMP_SLOT_UNTYPED = 5,     /* untyped of 2^untyped_bits, if asked;   */
                                  /* slots 1..3 (own tcb, cnode, vspace) are */
                                  /* filled only for such components        */
    CV_COMP_SLOT_IRQ_CONTROL = 6, /* with CV_SPEC_COMP_IRQ_CONTROL       */
    CV_COMP_SLOT_CONSOLE = 7,     /* with CV_SPEC_COMP_CONSOLE: console input */
    CV_COMP_SLOT_FIRST_IFACE = 8
};

/*
 * Written by the loader into a read-only page of each component: how the
 * runtime finds its interfaces by name (libcap: cv_iface_find()).
 */
#define CV_COMP_INFO_MAGIC      0x494d4f43u /* "COMI" */
#define CV_COMP_INFO_MAX_IFACES 48u

struct cv_comp_iface_info {
    char name[CV_SPEC_NAME_MAX];
    uint32_t kind;  /* enum cv_spec_iface_kind */
    uint32_t cptr;  /* slot in the component's cspace, 0 if none */
    uint64_t vaddr; /* mapping, 0 if none */
    uint64_t size;  /* mapping size in bytes */
    uint64_t badge; /* for information */
};

struct cv_comp_info {
    uint32_t magic;
    uint32_t iface_count;
    char name[CV_SPEC_NAME_MAX];
    uint64_t heap_base;
    uint64_t heap_size;
    uint32_t core_count;
    uint32_t component_index;
    uint64_t timer_freq;
    struct cv_comp_iface_info iface[CV_COMP_INFO_MAX_IFACES];
    uint32_t has_vm;      /* 1: `vm` describes the VM this component runs */
    uint32_t gic_version; /* 2 or 3: the machine's (a VM's vGIC follows it) */
    struct cv_spec_vm vm;
};

#endif /* CAPVISOR_SPEC_H */
