/*
 * loader/spec.c and loader/archive.c against a good blob (the hello app)
 * and one small corruption per check.
 */
#include <stdint.h>

#include "archive.h"
#include "spec.h"
#include "test_loader.h"

/** The hello app: client, server; echo (rpc), done (ntfn), buf (dataport). */
struct blob {
    struct cv_spec_header h;
    struct cv_spec_component c[2];
    struct cv_spec_object o[3];
    struct cv_spec_iface f[6];
};

static struct cv_spec_iface iface(const char *name, uint32_t kind, uint32_t obj, uint64_t badge,
                                  uint64_t vaddr)
{
    struct cv_spec_iface f;

    memset(&f, 0, sizeof(f));
    strcpy(f.name, name);
    f.kind = kind;
    f.object = obj;
    f.badge = badge;
    f.vaddr = vaddr;
    f.rights = vaddr ? CV_RIGHT_READ | CV_RIGHT_WRITE : 0;
    f.ntfn_iface = CV_SPEC_NONE;
    return f;
}

static struct cv_spec_component comp(const char *name, uint32_t first)
{
    struct cv_spec_component c;

    memset(&c, 0, sizeof(c));
    strcpy(c.name, name);
    snprintf(c.program, sizeof(c.program), "hello_%s", name);
    c.priority = 100;
    c.stack_size = 0x4000;
    c.heap_size = 0x10000;
    c.iface_first = first;
    c.iface_count = 3;
    c.cnode_radix = 8;
    c.fault_handler = CV_SPEC_NONE;
    c.vm_index = CV_SPEC_NONE;
    return c;
}

static void make_blob(struct blob *b)
{
    memset(b, 0, sizeof(*b));
    b->h.magic = CV_SPEC_MAGIC;
    b->h.version = CV_SPEC_VERSION;
    b->h.total_size = sizeof(*b);
    b->h.component_count = 2;
    b->h.object_count = 3;
    b->h.iface_count = 6;
    b->h.component_off = offsetof(struct blob, c);
    b->h.object_off = offsetof(struct blob, o);
    b->h.iface_off = offsetof(struct blob, f);
    strcpy(b->h.app_name, "hello");
    b->c[0] = comp("client", 0);
    b->c[1] = comp("server", 3);
    const char *names[3] = {"echo", "done", "buf"};
    const uint32_t kinds[3] = {CV_SPEC_OBJ_ENDPOINT, CV_SPEC_OBJ_NOTIFICATION,
                               CV_SPEC_OBJ_DATAPORT};
    for (int i = 0; i < 3; i++) {
        strcpy(b->o[i].name, names[i]);
        b->o[i].kind = kinds[i];
    }
    b->o[2].size = 0x1000;
    b->f[0] = iface("echo", CV_SPEC_IF_RPC_CLIENT, 0, 1, 0);
    b->f[1] = iface("done", CV_SPEC_IF_NTFN_CONSUME, 1, 0, 0);
    b->f[2] = iface("buf", CV_SPEC_IF_DATAPORT, 2, 0, CV_COMP_SHARED_BASE);
    b->f[3] = iface("echo", CV_SPEC_IF_RPC_SERVER, 0, 0, 0);
    b->f[4] = iface("done", CV_SPEC_IF_NTFN_EMIT, 1, 1, 0);
    b->f[5] = iface("buf", CV_SPEC_IF_DATAPORT, 2, 0, CV_COMP_SHARED_BASE);
}

static char err[160];

static int parse(struct blob *b)
{
    struct spec s;
    return spec_parse(&s, b, sizeof(*b), err, sizeof(err));
}

static void test_good(void)
{
    struct blob b;
    struct spec s;

    make_blob(&b);
    CHECK(spec_parse(&s, &b, sizeof(b), err, sizeof(err)) == 0);
    CHECK(s.hdr->component_count == 2);
    CHECK(strcmp(s.comp[1].name, "server") == 0);
    CHECK(s.iface[5].kind == CV_SPEC_IF_DATAPORT);
    CHECK(spec_comp_cap_count(&s, &s.comp[0]) == 2);
    CHECK(spec_obj_pages(&s.obj[2]) == 1);
}

/** Every truncation is refused (total_size is then beyond the data). */
static void test_truncated(void)
{
    struct blob b;
    struct spec s;

    make_blob(&b);
    for (size_t n = 0; n < sizeof(b); n++) {
        uint64_t *copy = malloc(n + 8);
        memcpy(copy, &b, n);
        CHECK(spec_parse(&s, copy, n, err, sizeof(err)) == -1);
        free(copy);
    }
}

static void test_header(void)
{
    struct blob b;
    struct spec s;

    make_blob(&b);
    CHECK_FAILS(spec_parse(&s, (char *)&b + 4, sizeof(b) - 4, err, sizeof(err)), err,
                "not 8-byte aligned");
    make_blob(&b);
    b.h.magic = 0;
    CHECK_FAILS(parse(&b), err, "bad magic");
    make_blob(&b);
    b.h.version = CV_SPEC_VERSION + 1;
    CHECK_FAILS(parse(&b), err, "version 8");
    make_blob(&b);
    b.h.total_size = sizeof(b) + 8;
    CHECK_FAILS(parse(&b), err, "total_size");
    make_blob(&b);
    memset(b.h.app_name, 'x', sizeof(b.h.app_name));
    CHECK_FAILS(parse(&b), err, "app_name");
    make_blob(&b);
    b.h.object_off += 4;
    CHECK_FAILS(parse(&b), err, "table");
    make_blob(&b);
    b.h.iface_count = 0xffffffffu;
    CHECK_FAILS(parse(&b), err, "table");
    make_blob(&b);
    b.h.component_off = 0xfffffff8u;
    CHECK_FAILS(parse(&b), err, "table");
}

static void test_objects(void)
{
    struct blob b;

    make_blob(&b);
    b.o[0].kind = 9;
    CHECK_FAILS(parse(&b), err, "unknown kind");
    make_blob(&b);
    b.o[2].size = 0x1001;
    CHECK_FAILS(parse(&b), err, "not a page multiple");
    make_blob(&b);
    b.o[2].size = 0;
    CHECK_FAILS(parse(&b), err, "not a page multiple");
    make_blob(&b);
    memset(b.o[1].name, 'n', sizeof(b.o[1].name));
    CHECK_FAILS(parse(&b), err, "object 1: bad name");
    make_blob(&b);
    b.o[2].kind = CV_SPEC_OBJ_DEVICE;
    b.f[2].kind = b.f[5].kind = CV_SPEC_IF_DEVICE;
    b.o[2].paddr = 0xfffffffffffff000ull;
    CHECK_FAILS(parse(&b), err, "wraps");
}

static void test_components(void)
{
    struct blob b;

    make_blob(&b);
    b.c[0].name[0] = '\0';
    CHECK_FAILS(parse(&b), err, "component 0: bad name");
    make_blob(&b);
    memset(b.c[1].program, 'p', sizeof(b.c[1].program));
    CHECK_FAILS(parse(&b), err, "component 1: bad name or program");
    make_blob(&b);
    b.c[0].priority = 256;
    CHECK_FAILS(parse(&b), err, "priority 256");
    make_blob(&b);
    b.c[0].stack_size = 0x1800;
    CHECK_FAILS(parse(&b), err, "stack_size");
    make_blob(&b);
    b.c[0].stack_size = 0x100000;
    CHECK_FAILS(parse(&b), err, "stack_size");
    make_blob(&b);
    b.c[0].heap_size = 0x123;
    CHECK_FAILS(parse(&b), err, "heap_size");
    make_blob(&b);
    b.c[0].cnode_radix = 17;
    CHECK_FAILS(parse(&b), err, "cnode_radix 17");
    make_blob(&b);
    b.c[0].cnode_radix = 3; /* 8 slots < 8 fixed + 2 caps */
    CHECK_FAILS(parse(&b), err, "too small");
    make_blob(&b);
    b.c[0].fault_handler = 0;
    CHECK_FAILS(parse(&b), err, "fault_handler");
    make_blob(&b);
    b.c[0].fault_handler = 2;
    CHECK_FAILS(parse(&b), err, "fault_handler");
    make_blob(&b);
    b.c[0].untyped_bits = 3;
    CHECK_FAILS(parse(&b), err, "untyped_bits");
    make_blob(&b);
    b.c[0].flags = 4;
    CHECK_FAILS(parse(&b), err, "unknown flags");
    make_blob(&b);
    b.c[1].iface_first = 0xffffffffu;
    CHECK_FAILS(parse(&b), err, "out of range");
    make_blob(&b);
    b.c[1].iface_count = 4;
    CHECK_FAILS(parse(&b), err, "out of range");
}

static void test_ifaces(void)
{
    struct blob b;

    make_blob(&b);
    b.f[0].object = 3;
    CHECK_FAILS(parse(&b), err, "object 3 out of range");
    make_blob(&b);
    b.f[0].kind = CV_SPEC_IF_NTFN_EMIT;
    CHECK_FAILS(parse(&b), err, "does not match");
    make_blob(&b);
    b.f[0].kind = 0;
    CHECK_FAILS(parse(&b), err, "unknown kind");
    make_blob(&b);
    b.f[2].vaddr += 8;
    CHECK_FAILS(parse(&b), err, "outside the shared area");
    make_blob(&b);
    b.f[2].vaddr = 0x1000;
    CHECK_FAILS(parse(&b), err, "outside the shared area");
    make_blob(&b);
    b.f[2].vaddr = 1ull << CV_VSPACE_BITS;
    CHECK_FAILS(parse(&b), err, "outside the shared area");
    make_blob(&b);
    b.f[2].vaddr = CV_COMP_FILES_BASE; /* files are mapped from there */
    CHECK_FAILS(parse(&b), err, "outside the shared area");
    make_blob(&b);
    b.f[2].rights = 0x10;
    CHECK_FAILS(parse(&b), err, "bad rights");
    make_blob(&b);
    strcpy(b.f[1].name, "echo");
    CHECK_FAILS(parse(&b), err, "iface echo twice");
    make_blob(&b);
    memset(b.f[4].name, 'f', sizeof(b.f[4].name));
    CHECK_FAILS(parse(&b), err, "iface 4: bad name");
}

/** IRQ ifaces must name a notification their own component consumes. */
static void test_irq(void)
{
    struct blob b;

    make_blob(&b);
    b.o[2].kind = CV_SPEC_OBJ_IRQ;
    b.o[2].size = 0;
    b.o[2].irq = 33;
    b.f[5] = iface("irq", CV_SPEC_IF_IRQ, 2, 0, 0);
    b.f[2] = iface("irq", CV_SPEC_IF_IRQ, 2, 0, 0);
    b.f[2].ntfn_iface = 1; /* client's done: NTFN_CONSUME */
    b.f[5].ntfn_iface = 1; /* belongs to the client, not the server */
    CHECK_FAILS(parse(&b), err, "ntfn_iface 1");
    b.f[5].ntfn_iface = 4; /* server's done is NTFN_EMIT */
    CHECK_FAILS(parse(&b), err, "ntfn_iface 4");
    b.c[1].iface_count = 2; /* drop the server's irq */
    CHECK(parse(&b) == 0);
    b.f[2].ntfn_iface = CV_SPEC_NONE; /* unbound: its owner binds it (a VMM's passthrough) */
    CHECK(parse(&b) == 0);
}

/**
 * A VMM component: files linux and initrd, the frames of device gicv as
 * caps, console input, and its vm.
 */
struct vm_blob {
    struct cv_spec_header h;
    struct cv_spec_component c[1];
    struct cv_spec_object o[3];
    struct cv_spec_iface f[3];
    struct cv_spec_vm vm[1];
};

static void make_vm_blob(struct vm_blob *b)
{
    memset(b, 0, sizeof(*b));
    b->h.magic = CV_SPEC_MAGIC;
    b->h.version = CV_SPEC_VERSION;
    b->h.total_size = sizeof(*b);
    b->h.component_count = 1;
    b->h.object_count = 3;
    b->h.iface_count = 3;
    b->h.vm_count = 1;
    b->h.component_off = offsetof(struct vm_blob, c);
    b->h.object_off = offsetof(struct vm_blob, o);
    b->h.iface_off = offsetof(struct vm_blob, f);
    b->h.vm_off = offsetof(struct vm_blob, vm);
    b->c[0] = comp("vm0", 0);
    b->c[0].cnode_radix = 4; /* 8 fixed + 2 frame caps */
    b->c[0].flags = CV_SPEC_COMP_CONSOLE;
    b->c[0].vm_index = 0;
    strcpy(b->o[0].name, "linux");
    b->o[0].kind = CV_SPEC_OBJ_FILE;
    strcpy(b->o[1].name, "gicv");
    b->o[1].kind = CV_SPEC_OBJ_DEVICE;
    b->o[1].paddr = 0x08040000;
    b->o[1].size = 0x2000;
    strcpy(b->o[2].name, "initrd");
    b->o[2].kind = CV_SPEC_OBJ_FILE;
    b->f[0] = iface("linux", CV_SPEC_IF_FILE, 0, 0, 0);
    b->f[1] = iface("gicv", CV_SPEC_IF_FRAMES, 1, 0, 0);
    b->f[2] = iface("initrd", CV_SPEC_IF_FILE, 2, 0, 0);
    b->f[0].rights = CV_RIGHT_READ;
    b->f[2].rights = CV_RIGHT_READ;
    b->vm[0].ram_base = 0x40000000;
    b->vm[0].ram_size = 0x20000000;
    b->vm[0].vcpus = 1;
    strcpy(b->vm[0].kernel, "linux");
    strcpy(b->vm[0].initrd, "initrd");
    strcpy(b->vm[0].bootargs, "console=ttyAMA0");
}

static int parse_vm(struct vm_blob *b)
{
    struct spec s;
    return spec_parse(&s, b, sizeof(*b), err, sizeof(err));
}

static void test_vm_good(void)
{
    struct vm_blob b;
    struct spec s;

    make_vm_blob(&b);
    CHECK(spec_parse(&s, &b, sizeof(b), err, sizeof(err)) == 0);
    CHECK(s.vm == &b.vm[0] && s.vm[0].vcpus == 1);
    CHECK(spec_iface_slots(&s, &s.iface[0]) == 0);
    CHECK(spec_iface_slots(&s, &s.iface[1]) == 2);
    CHECK(spec_comp_cap_count(&s, &s.comp[0]) == 2);
    CHECK(spec_comp_info_ifaces(&s.comp[0]) == 4);
    b.vm[0].initrd[0] = '\0'; /* optional */
    CHECK(parse_vm(&b) == 0);
    b.vm[0].flags = CV_SPEC_VM_ABORT_UNBACKED;
    CHECK(parse_vm(&b) == 0);
    b.o[1].kind = CV_SPEC_OBJ_DATAPORT; /* frames of a dataport */
    CHECK(parse_vm(&b) == 0);
    make_vm_blob(&b);
    strcpy(b.o[2].name, "linux.gz"); /* kernel-gz: the kernel runs in place, writable */
    strcpy(b.f[2].name, "linux.gz");
    strcpy(b.vm[0].kernel_gz, "linux.gz");
    b.vm[0].initrd[0] = '\0';
    b.f[0].rights = CV_RIGHT_READ | CV_RIGHT_WRITE;
    CHECK(parse_vm(&b) == 0);
    b.c[0].vm_index = CV_SPEC_NONE; /* ... and without its vm it may not be writable */
    b.h.vm_count = 0;
    CHECK_FAILS(parse_vm(&b), err, "vm0.linux: writable, but not the kernel of a vm");
    make_vm_blob(&b);
    b.c[0].vm_index = CV_SPEC_NONE;
    b.h.vm_count = 0;
    CHECK(parse_vm(&b) == 0);
}

/** A passthrough device (its region the gicv frames here) and 1:1 RAM. */
static void test_vm_passthru(void)
{
    struct vm_blob b;
    struct cv_spec_vm_device *d = &b.vm[0].device[0];

    make_vm_blob(&b);
    b.vm[0].device_count = 1;
    strcpy(d->name, "disk");
    d->kind = CV_SPEC_VDEV_PASSTHRU;
    d->passthru.region = 1;
    d->passthru.irq = CV_SPEC_PASSTHRU_NO_IRQ;
    d->passthru.reg_offset = 0x1e00;
    d->passthru.reg_size = 0x200;
    strcpy(d->passthru.compatible, "virtio,mmio");
    CHECK(parse_vm(&b) == 0);
    d->passthru.reg_size = 0x201; /* past the region's end */
    CHECK_FAILS(parse_vm(&b), err, "passthrough disk: bad region");
    d->passthru.reg_size = 0x200;
    d->passthru.region = 0; /* a file, not a device's frames */
    CHECK_FAILS(parse_vm(&b), err, "passthrough disk: bad region");
    d->passthru.region = 1;
    d->passthru.irq = 2; /* not an IRQ interface */
    CHECK_FAILS(parse_vm(&b), err, "bad region or irq");
    d->passthru.irq = CV_SPEC_PASSTHRU_NO_IRQ;
    d->transport = CV_SPEC_VDEV_MMIO;
    CHECK_FAILS(parse_vm(&b), err, "device 0: bad passthrough");
    d->transport = 0;
    memset(d->passthru.compatible, 'x', sizeof(d->passthru.compatible));
    CHECK_FAILS(parse_vm(&b), err, "device 0: bad passthrough");
    make_vm_blob(&b);
    b.vm[0].flags = CV_SPEC_VM_RAM_IDENTITY; /* needs an untyped it fits, at ram_base */
    CHECK_FAILS(parse_vm(&b), err, "1:1 RAM 0x40000000+0x20000000 does not fit its untyped");
    b.c[0].untyped_bits = 30;
    CHECK(parse_vm(&b) == 0);
    b.c[0].untyped_bits = 29; /* all of it RAM: nothing left for the VMM */
    CHECK_FAILS(parse_vm(&b), err, "does not fit");
    b.c[0].untyped_bits = 31; /* 0x40000000 is not 2 GiB aligned */
    CHECK_FAILS(parse_vm(&b), err, "does not fit");
}

/** One corruption per check of the vm table, files, frames, console. */
static void test_vm(void)
{
    struct vm_blob b;

    make_vm_blob(&b);
    b.h.vm_off = 4;
    CHECK_FAILS(parse_vm(&b), err, "table");
    make_vm_blob(&b);
    b.h.vm_count = 2;
    CHECK_FAILS(parse_vm(&b), err, "table");
    make_vm_blob(&b);
    b.vm[0].ram_base += 0x1000;
    CHECK_FAILS(parse_vm(&b), err, "vm 0: ram");
    make_vm_blob(&b);
    b.vm[0].ram_size = 0;
    CHECK_FAILS(parse_vm(&b), err, "vm 0: ram");
    make_vm_blob(&b);
    b.vm[0].ram_base = 0xffffffffffe00000ull;
    CHECK_FAILS(parse_vm(&b), err, "wraps");
    make_vm_blob(&b);
    b.vm[0].vcpus = 9;
    CHECK_FAILS(parse_vm(&b), err, "vcpus 9");
    make_vm_blob(&b);
    b.vm[0].flags = CV_SPEC_VM_FLAGS + 1u; /* an undefined flag */
    CHECK_FAILS(parse_vm(&b), err, "flags");
    make_vm_blob(&b);
    memset(b.vm[0].bootargs, 'a', sizeof(b.vm[0].bootargs));
    CHECK_FAILS(parse_vm(&b), err, "bootargs");
    make_vm_blob(&b);
    b.vm[0].device_count = CV_SPEC_VM_DEVICES_MAX + 1u;
    CHECK_FAILS(parse_vm(&b), err, "devices, at most");
    make_vm_blob(&b);
    b.vm[0].device_count = 1;
    CHECK_FAILS(parse_vm(&b), err, "device 0: bad name"); /* all zero */
    strcpy(b.vm[0].device[0].name, "con");
    b.vm[0].device[0].kind = CV_SPEC_VDEV_VIRTIO_CONSOLE;
    b.vm[0].device[0].transport = CV_SPEC_VDEV_PCI + 1u;
    CHECK_FAILS(parse_vm(&b), err, "transport 3");
    b.vm[0].device[0].transport = CV_SPEC_VDEV_PCI;
    b.vm[0].device[0].address = 0x0a000000;
    CHECK_FAILS(parse_vm(&b), err, "device 0: bad name"); /* a pci device has no address */
    b.vm[0].device[0].address = 0;
    CHECK(parse_vm(&b) == 0);
    b.vm[0].device[0].transport = CV_SPEC_VDEV_MMIO;
    CHECK(parse_vm(&b) == 0);
    b.vm[0].device[0].mac[5] = 1; /* a console has no MAC */
    CHECK_FAILS(parse_vm(&b), err, "device 0: bad mac");
    b.vm[0].device[0].kind = CV_SPEC_VDEV_VIRTIO_NET;
    CHECK(parse_vm(&b) == 0);
    b.vm[0].device[0].mac[0] = 0x01; /* multicast */
    CHECK_FAILS(parse_vm(&b), err, "device 0: bad mac");
    memset(b.vm[0].device[0].mac, 0, sizeof(b.vm[0].device[0].mac)); /* none */
    CHECK_FAILS(parse_vm(&b), err, "device 0: bad mac");
    b.vm[0].device[0].kind = 2; /* virtio-blk: not one the VMM has */
    CHECK_FAILS(parse_vm(&b), err, "kind 2");
    make_vm_blob(&b);
    b.vm[0].kernel[0] = '\0';
    CHECK_FAILS(parse_vm(&b), err, "bad kernel");
    make_vm_blob(&b);
    strcpy(b.vm[0].initrd, "gicv"); /* an iface, but not a FILE */
    CHECK_FAILS(parse_vm(&b), err, "not among its files");
    make_vm_blob(&b);
    strcpy(b.vm[0].kernel_gz, "linux.gz"); /* not a file of the component */
    CHECK_FAILS(parse_vm(&b), err, "not among its files");
    make_vm_blob(&b);
    memset(b.vm[0].kernel_gz, 'g', sizeof(b.vm[0].kernel_gz));
    CHECK_FAILS(parse_vm(&b), err, "bad kernel, initrd, kernel_gz");
    make_vm_blob(&b);
    b.f[0].rights = CV_RIGHT_READ | CV_RIGHT_EXEC;
    CHECK_FAILS(parse_vm(&b), err, "not r or rw");
    make_vm_blob(&b);
    b.f[0].rights = 0;
    CHECK_FAILS(parse_vm(&b), err, "not r or rw");
    make_vm_blob(&b);
    b.f[0].rights = CV_RIGHT_READ | CV_RIGHT_WRITE; /* writable, and ... */
    b.f[2].object = 0;                              /* ... another iface has the file */
    CHECK_FAILS(parse_vm(&b), err, "file linux is writable in one interface, named by another");
    make_vm_blob(&b);
    b.f[0].rights = CV_RIGHT_READ | CV_RIGHT_WRITE; /* no kernel_gz: never writable */
    CHECK_FAILS(parse_vm(&b), err, "vm0.linux: writable, but not the kernel of a vm");
    make_vm_blob(&b);
    strcpy(b.vm[0].kernel_gz, "initrd"); /* kernel_gz must be a file of its own */
    b.f[0].rights = CV_RIGHT_READ | CV_RIGHT_WRITE;
    CHECK_FAILS(parse_vm(&b), err, "vm0.linux: writable, but not the kernel of a vm");
    make_vm_blob(&b);
    strcpy(b.o[2].name, "linux"); /* two objects of one file: they would share its frames */
    CHECK_FAILS(parse_vm(&b), err, "object linux twice");
    make_vm_blob(&b);
    b.c[0].vm_index = 1;
    CHECK_FAILS(parse_vm(&b), err, "vm_index 1");
    make_vm_blob(&b);
    b.f[0].object = 1;
    CHECK_FAILS(parse_vm(&b), err, "does not match");
    make_vm_blob(&b);
    b.f[1].object = 0;
    CHECK_FAILS(parse_vm(&b), err, "not a dataport or device");
    make_vm_blob(&b);
    b.c[0].cnode_radix = 3;
    CHECK_FAILS(parse_vm(&b), err, "too small");
    make_vm_blob(&b);
    b.o[1].size = 0x9000; /* 8 fixed + 9 frame caps > 16 slots */
    CHECK_FAILS(parse_vm(&b), err, "17 slots needed");
    make_vm_blob(&b);
    strcpy(b.f[1].name, "console");
    CHECK_FAILS(parse_vm(&b), err, "clashes with the console");
    make_vm_blob(&b);
    b.o[2].kind = CV_SPEC_OBJ_CONSOLE; /* the loader makes it, not the spec */
    CHECK_FAILS(parse_vm(&b), err, "unknown kind");
    make_vm_blob(&b);
    b.f[2].kind = CV_SPEC_IF_CONSOLE;
    CHECK_FAILS(parse_vm(&b), err, "unknown kind");
}

/*
 * An archive with spec.bin and one program: the header, its two entries
 * (the header's flexible array) and 64 bytes of data. A union, since a
 * struct ending in a flexible array may not be a member of another struct.
 */
#define ARCHIVE_DATA (sizeof(struct cv_archive_header) + 2 * sizeof(struct cv_archive_entry))
union archive {
    struct cv_archive_header h;
    uint8_t raw[ARCHIVE_DATA + 64];
};

static void make_archive(union archive *a)
{
    memset(a, 0, sizeof(*a));
    a->h.magic = CV_ARCHIVE_MAGIC;
    a->h.count = 2;
    a->h.total_size = sizeof(*a);
    strcpy(a->h.entry[0].name, "spec.bin");
    a->h.entry[0].offset = ARCHIVE_DATA;
    a->h.entry[0].size = 32;
    strcpy(a->h.entry[1].name, "hello_client");
    a->h.entry[1].offset = ARCHIVE_DATA + 32;
    a->h.entry[1].size = 32;
}

static void test_archive(void)
{
    union archive a;
    const void *file;
    size_t len;

    make_archive(&a);
    CHECK(archive_check(&a, sizeof(a), err, sizeof(err)) == 0);
    CHECK(archive_find(&a, "hello_client", &file, &len) == 0);
    CHECK(file == (const void *)(a.raw + ARCHIVE_DATA + 32) && len == 32);
    CHECK(archive_find(&a, "hello_server", &file, &len) == -1);
    for (size_t n = 0; n < sizeof(a); n++)
        CHECK(archive_check(&a, n, err, sizeof(err)) == -1);
    a.h.magic = 1;
    CHECK_FAILS(archive_check(&a, sizeof(a), err, sizeof(err)), err, "magic");
    make_archive(&a);
    a.h.count = 0x7fffffff;
    CHECK_FAILS(archive_check(&a, sizeof(a), err, sizeof(err)), err, "entries");
    make_archive(&a);
    a.h.entry[1].offset = UINT64_MAX - 8;
    CHECK_FAILS(archive_check(&a, sizeof(a), err, sizeof(err)), err, "hello_client outside");
    make_archive(&a);
    memset(a.h.entry[0].name, 's', sizeof(a.h.entry[0].name));
    CHECK_FAILS(archive_check(&a, sizeof(a), err, sizeof(err)), err, "not NUL-terminated");
}

/* What a frame over part of the archive may show: one entry's bytes only. */
static void test_archive_alone(void)
{
    union archive a;
    make_archive(&a);
    CHECK(archive_alone(&a, ARCHIVE_DATA + 32, 32));   /* hello_client alone */
    CHECK(archive_alone(&a, ARCHIVE_DATA + 32, 1000)); /* and past the end */
    CHECK(!archive_alone(&a, ARCHIVE_DATA, 33));       /* spec.bin, 1 byte of the next */
    CHECK(archive_alone(&a, ARCHIVE_DATA, 32));
    CHECK(!archive_alone(&a, 0, 16));                /* the header */
    CHECK(!archive_alone(&a, ARCHIVE_DATA - 8, 64)); /* the entry table */
    CHECK(!archive_alone(&a, ARCHIVE_DATA + 16, 8)); /* inside spec.bin */
    CHECK(!archive_alone(&a, ARCHIVE_DATA + 64, 8)); /* no entry there */
    a.h.entry[1].offset = ARCHIVE_DATA;              /* an alias of spec.bin's bytes */
    CHECK(!archive_alone(&a, ARCHIVE_DATA, 32));
    a.h.entry[1].size = 0; /* an empty entry shares no bytes */
    CHECK(archive_alone(&a, ARCHIVE_DATA, 32));
}

int main(void)
{
    test_archive_alone();
    test_good();
    test_truncated();
    test_header();
    test_objects();
    test_components();
    test_ifaces();
    test_irq();
    test_vm_good();
    test_vm();
    test_vm_passthru();
    test_archive();
    return test_done("test_loader_spec");
}
