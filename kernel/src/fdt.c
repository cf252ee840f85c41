/*
 * Flattened devicetree reader (Devicetree Specification v0.4, chapter 5) and the platform
 * description taken from it. One pass over the structure block, remembering per depth the
 * properties we care about (bounds-checked pointers into the blob) and the #address-cells/
 * #size-cells for the children; a node is interpreted at its FDT_END_NODE, when all its
 * properties are known (properties precede subnodes, spec 5.4.1).
 */
#include <kernel/fdt.h>

#define FDT_MAGIC       0xd00dfeedu
#define FDT_HEADER_SIZE 40u
#define FDT_BEGIN_NODE  1u
#define FDT_END_NODE    2u
#define FDT_PROP        3u
#define FDT_NOP         4u
#define FDT_END         9u

#define FDT_MAX_UARTS   4
#define FDT_MAX_ALIASES 8
#define FDT_PATH_MAX    128

/** A property value inside the blob (len bytes at p), or absent (p == NULL). */
struct fdt_val {
    const uint8_t *p;
    uint32_t len;
};

/** Per-depth node state. */
struct fdt_node {
    const char *name;
    uint32_t addr_cells, size_cells; /* for this node's children */
    struct fdt_val compatible, reg, interrupts, device_type, method, status;
    struct fdt_val stdout_path;
    uint32_t path_len; /* length of this node's path in the path buffer */
    bool path_ok;      /* false when the path did not fit the buffer */
};

struct fdt_uart {
    paddr_t base;
    uint32_t kind; /* enum plat_uart */
    uint32_t irq;  /* INTID, 0 if the node has no usable interrupts */
    char path[FDT_PATH_MAX];
    bool path_ok; /* false when the path did not fit */
};

struct fdt_alias {
    const char *name;
    struct fdt_val value;
};

/** Whole-walk state. */
struct fdt_walk {
    const uint8_t *blob;
    uint32_t struct_off, struct_end;
    uint32_t strings_off, strings_size;
    struct fdt_node node[FDT_MAX_DEPTH];
    char path[FDT_PATH_MAX];
    struct fdt_uart uart[FDT_MAX_UARTS];
    uint32_t uart_count;
    struct fdt_alias alias[FDT_MAX_ALIASES];
    uint32_t alias_count;
    struct fdt_val stdout_path;
    bool have_gic, have_timer;
    struct plat_info *out;
};

static uint32_t fdt_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static size_t fdt_strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

static bool fdt_streq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

size_t fdt_check_header(const void *dtb, size_t max_size)
{
    const uint8_t *h = dtb;
    if (!dtb || max_size < FDT_HEADER_SIZE || fdt_be32(h) != FDT_MAGIC)
        return 0;
    uint64_t total = fdt_be32(h + 4);
    uint64_t off_struct = fdt_be32(h + 8), off_strings = fdt_be32(h + 12);
    uint64_t version = fdt_be32(h + 20), last_comp = fdt_be32(h + 24);
    uint64_t size_strings = fdt_be32(h + 32), size_struct = fdt_be32(h + 36);
    if (total < FDT_HEADER_SIZE || total > max_size || version < 17 || last_comp > 17)
        return 0;
    if (off_struct < FDT_HEADER_SIZE || off_struct % 4 || off_struct + size_struct > total)
        return 0;
    if (off_strings < FDT_HEADER_SIZE || off_strings + size_strings > total)
        return 0;
    return (size_t)total;
}

/** True when the string list `v` (spec 2.2.4.2 stringlist) contains `s`. */
static bool fdt_val_has_string(struct fdt_val v, const char *s)
{
    uint32_t i = 0;
    while (v.p && i < v.len) {
        const char *e = (const char *)v.p + i;
        size_t n = fdt_strnlen(e, v.len - i);
        if (n == v.len - i)
            return false; /* unterminated */
        if (fdt_streq(e, s))
            return true;
        i += (uint32_t)n + 1;
    }
    return false;
}

/** Reads `cells` (1 or 2) big-endian cells at byte offset *off of v. */
static bool fdt_val_cells(struct fdt_val v, uint32_t *off, uint32_t cells, uint64_t *out)
{
    if (cells < 1 || cells > 2 || !v.p || *off > v.len || v.len - *off < cells * 4)
        return false;
    uint64_t x = fdt_be32(v.p + *off);
    if (cells == 2)
        x = (x << 32) | fdt_be32(v.p + *off + 4);
    *off += cells * 4;
    *out = x;
    return true;
}

/** Address of entry `index` of a reg property, parent cell sizes given. */
static bool fdt_reg(struct fdt_val reg, const struct fdt_node *parent, uint32_t index,
                    uint64_t *addr, uint64_t *size)
{
    uint32_t ac = parent->addr_cells, sc = parent->size_cells;
    if (ac < 1 || ac > 2 || sc > 2)
        return false;
    uint32_t off = index * 4 * (ac + sc);
    if (index > 64 || !fdt_val_cells(reg, &off, ac, addr))
        return false;
    *size = 0;
    return sc == 0 || fdt_val_cells(reg, &off, sc, size);
}

/** Enabled unless a status property says otherwise (spec 2.3.4). */
static bool fdt_node_enabled(const struct fdt_node *n)
{
    return !n->status.p || fdt_val_has_string(n->status, "okay") ||
           fdt_val_has_string(n->status, "ok");
}

static void fdt_take_memory(struct fdt_walk *w, const struct fdt_node *n,
                            const struct fdt_node *parent)
{
    uint64_t base, size;
    for (uint32_t i = 0; fdt_reg(n->reg, parent, i, &base, &size); i++) {
        if (size == 0 || w->out->mem_count >= PLAT_MAX_MEM)
            continue;
        w->out->mem_base[w->out->mem_count] = PA(base);
        w->out->mem_size[w->out->mem_count] = size;
        w->out->mem_count++;
    }
}

/** INTID of GIC interrupt specifier `i` (3 cells: type, number, flags). */
static bool fdt_gic_intid(struct fdt_val v, uint32_t i, uint32_t *intid)
{
    uint64_t type, num;
    uint32_t off = i * 12;
    if (!fdt_val_cells(v, &off, 1, &type) || !fdt_val_cells(v, &off, 1, &num))
        return false;
    if (type == 1 && num < 16)
        *intid = (uint32_t)num + 16; /* PPI */
    else if (type == 0 && num < 988)
        *intid = (uint32_t)num + 32; /* SPI */
    else
        return false;
    return true;
}

static void fdt_take_uart(struct fdt_walk *w, const struct fdt_node *n,
                          const struct fdt_node *parent, uint32_t kind)
{
    uint64_t base, size;
    if (w->uart_count >= FDT_MAX_UARTS || !fdt_reg(n->reg, parent, 0, &base, &size))
        return;
    struct fdt_uart *u = &w->uart[w->uart_count++];
    u->base = PA(base);
    u->kind = kind;
    if (!fdt_gic_intid(n->interrupts, 0, &u->irq))
        u->irq = 0;
    u->path_ok = n->path_ok;
    for (uint32_t i = 0; i < n->path_len; i++)
        u->path[i] = w->path[i];
    u->path[n->path_len] = '\0';
}

/** GICv2 reg: GICD, GICC, GICH, GICV (Linux arm,gic.yaml binding). */
static void fdt_take_gic(struct fdt_walk *w, const struct fdt_node *n,
                         const struct fdt_node *parent)
{
    uint64_t a[4];
    for (uint32_t i = 0; i < 4; i++)
        if (!fdt_reg(n->reg, parent, i, &a[i], &w->out->gic_size[i]))
            return;
    w->out->gicd = PA(a[0]);
    w->out->gicc = PA(a[1]);
    w->out->gich = PA(a[2]);
    w->out->gicv = PA(a[3]);
    w->out->gic_version = 2;
    w->have_gic = true;
}

/** GICv3 reg: GICD, then the redistributor region (arm,gic-v3 binding; one region). */
static void fdt_take_gicv3(struct fdt_walk *w, const struct fdt_node *n,
                           const struct fdt_node *parent)
{
    uint64_t d, r, rsize;
    if (!fdt_reg(n->reg, parent, 0, &d, &w->out->gic_size[0]) ||
        !fdt_reg(n->reg, parent, 1, &r, &rsize))
        return;
    w->out->gicd = PA(d);
    w->out->gicr = PA(r);
    w->out->gicr_size = rsize;
    w->out->gic_version = 3;
    w->have_gic = true;
}

/** Timer interrupts: secure phys, non-secure phys, virtual, hyp (arm,arch_timer binding). */
static void fdt_take_timer(struct fdt_walk *w, const struct fdt_node *n)
{
    uint32_t phys, virt, hyp;
    if (!fdt_gic_intid(n->interrupts, 1, &phys) || !fdt_gic_intid(n->interrupts, 2, &virt) ||
        !fdt_gic_intid(n->interrupts, 3, &hyp))
        return;
    w->out->timer_phys_ppi = phys;
    w->out->timer_virt_ppi = virt;
    w->out->timer_hyp_ppi = hyp;
    w->have_timer = true;
}

static void fdt_take_cpu(struct fdt_walk *w, const struct fdt_node *n,
                         const struct fdt_node *parent)
{
    uint64_t mpidr, size;
    if (w->out->cpu_count >= PLAT_MAX_CORES || !fdt_reg(n->reg, parent, 0, &mpidr, &size))
        return;
    w->out->cpu_mpidr[w->out->cpu_count++] = mpidr;
}

/** Interprets node `d` (all its properties seen) in the light of its parent. */
static void fdt_node_done(struct fdt_walk *w, uint32_t d)
{
    const struct fdt_node *n = &w->node[d];
    if (d == 0)
        return;
    const struct fdt_node *parent = &w->node[d - 1];
    if (d == 1 && fdt_streq(n->name, "chosen"))
        w->stdout_path = n->stdout_path;
    if (!fdt_node_enabled(n))
        return;
    if (fdt_val_has_string(n->device_type, "memory"))
        fdt_take_memory(w, n, parent);
    else if (fdt_val_has_string(n->device_type, "cpu"))
        fdt_take_cpu(w, n, parent);
    else if (fdt_val_has_string(n->compatible, "arm,pl011"))
        fdt_take_uart(w, n, parent, PLAT_UART_PL011);
    else if (fdt_val_has_string(n->compatible, "nvidia,tegra20-uart")) /* reg-shift 2 */
        fdt_take_uart(w, n, parent, PLAT_UART_NS16550_32);
    else if (fdt_val_has_string(n->compatible, "arm,cortex-a15-gic") ||
             fdt_val_has_string(n->compatible, "arm,gic-400"))
        fdt_take_gic(w, n, parent);
    else if (fdt_val_has_string(n->compatible, "arm,gic-v3"))
        fdt_take_gicv3(w, n, parent);
    else if (fdt_val_has_string(n->compatible, "arm,armv8-timer") ||
             fdt_val_has_string(n->compatible, "arm,armv7-timer"))
        fdt_take_timer(w, n);
    else if (fdt_val_has_string(n->compatible, "arm,psci-1.0") ||
             fdt_val_has_string(n->compatible, "arm,psci-0.2"))
        w->out->psci_smc = fdt_val_has_string(n->method, "smc");
}

/** Extends the path buffer with "/name" for a node at depth d >= 1. */
static void fdt_path_push(struct fdt_walk *w, uint32_t d, const char *name, size_t len)
{
    uint32_t base = w->node[d - 1].path_len;
    if (!w->node[d - 1].path_ok || base + 1 + len >= FDT_PATH_MAX) {
        w->node[d].path_ok = false;
        w->node[d].path_len = 0;
        return;
    }
    w->node[d].path_ok = true;
    w->path[base] = '/';
    for (size_t i = 0; i < len; i++)
        w->path[base + 1 + i] = name[i];
    w->node[d].path_len = base + 1 + (uint32_t)len;
}

/** Records a property of node `n`; value bounds are already checked. */
static void fdt_prop(struct fdt_walk *w, uint32_t d, const char *name, struct fdt_val v)
{
    struct fdt_node *n = &w->node[d];
    if (fdt_streq(name, "#address-cells") && v.len == 4)
        n->addr_cells = fdt_be32(v.p);
    else if (fdt_streq(name, "#size-cells") && v.len == 4)
        n->size_cells = fdt_be32(v.p);
    else if (fdt_streq(name, "compatible"))
        n->compatible = v;
    else if (fdt_streq(name, "reg"))
        n->reg = v;
    else if (fdt_streq(name, "interrupts"))
        n->interrupts = v;
    else if (fdt_streq(name, "device_type"))
        n->device_type = v;
    else if (fdt_streq(name, "method"))
        n->method = v;
    else if (fdt_streq(name, "status"))
        n->status = v;
    else if (fdt_streq(name, "stdout-path") || fdt_streq(name, "linux,stdout-path"))
        n->stdout_path = v;
    if (d == 1 && fdt_streq(n->name, "aliases") && w->alias_count < FDT_MAX_ALIASES)
        w->alias[w->alias_count++] = (struct fdt_alias){name, v};
}

/** Moves *pos past `n` bytes and the padding to 4; fails beyond the structure block. */
static int fdt_advance(const struct fdt_walk *w, uint32_t *pos, uint64_t n)
{
    uint64_t next = ROUND_UP((uint64_t)*pos + n, 4);
    if (next > w->struct_end)
        return FDT_E_STRUCT;
    *pos = (uint32_t)next;
    return FDT_OK;
}

/** Parses FDT_BEGIN_NODE's name at *pos; opens node `d`. */
static int fdt_begin_node(struct fdt_walk *w, uint32_t *pos, uint32_t d)
{
    const char *name = (const char *)w->blob + *pos;
    size_t len = fdt_strnlen(name, w->struct_end - *pos);
    if (len == w->struct_end - *pos)
        return FDT_E_STRUCT;
    if (d >= FDT_MAX_DEPTH)
        return FDT_E_DEPTH;
    w->node[d] = (struct fdt_node){.name = name, .addr_cells = 2, .size_cells = 1, .path_ok = true};
    if (d > 0)
        fdt_path_push(w, d, name, len);
    return fdt_advance(w, pos, len + 1);
}

/** Parses FDT_PROP (len, nameoff, value) at *pos for node d. */
static int fdt_prop_token(struct fdt_walk *w, uint32_t *pos, uint32_t d)
{
    if (w->struct_end - *pos < 8)
        return FDT_E_STRUCT;
    uint32_t len = fdt_be32(w->blob + *pos), nameoff = fdt_be32(w->blob + *pos + 4);
    *pos += 8;
    if (len > w->struct_end - *pos || nameoff >= w->strings_size)
        return FDT_E_STRUCT;
    const char *name = (const char *)w->blob + w->strings_off + nameoff;
    if (fdt_strnlen(name, w->strings_size - nameoff) == w->strings_size - nameoff)
        return FDT_E_STRUCT;
    fdt_prop(w, d, name, (struct fdt_val){w->blob + *pos, len});
    return fdt_advance(w, pos, len);
}

/** Walks the structure block: exactly one root node, then FDT_END. */
static int fdt_walk_struct(struct fdt_walk *w)
{
    uint32_t pos = w->struct_off, depth = 0;
    bool root_done = false;
    while (w->struct_end - pos >= 4) {
        uint32_t tok = fdt_be32(w->blob + pos);
        pos += 4;
        int err = FDT_OK;
        if (tok == FDT_BEGIN_NODE && !root_done)
            err = fdt_begin_node(w, &pos, depth++);
        else if (tok == FDT_PROP && depth > 0)
            err = fdt_prop_token(w, &pos, depth - 1);
        else if (tok == FDT_END_NODE && depth > 0) {
            fdt_node_done(w, --depth);
            root_done = depth == 0;
        } else if (tok == FDT_END && root_done)
            return FDT_OK;
        else if (tok != FDT_NOP)
            return FDT_E_STRUCT;
        if (err)
            return err;
    }
    return FDT_E_STRUCT;
}

/** True when bytes [0, n) of path equal `s` (NUL-terminated) exactly. */
static bool fdt_path_eq(const char *s, const uint8_t *path, size_t n)
{
    size_t i = 0;
    for (; i < n; i++)
        if (s[i] != (char)path[i] || !s[i])
            return false;
    return s[i] == '\0';
}

/** Resolves /chosen/stdout-path ("path" or "alias", ":options"); else the first UART. */
static const struct fdt_uart *fdt_stdout_uart(const struct fdt_walk *w)
{
    struct fdt_val v = w->stdout_path;
    size_t n = v.p ? fdt_strnlen((const char *)v.p, v.len) : 0;
    if (n == 0 || n == v.len)
        return &w->uart[0];
    size_t colon = 0;
    while (colon < n && v.p[colon] != ':')
        colon++;
    if (v.p[0] != '/') {
        for (uint32_t i = 0; i < w->alias_count; i++) {
            struct fdt_val a = w->alias[i].value;
            if (fdt_path_eq(w->alias[i].name, v.p, colon) && a.p && a.len > 0 &&
                fdt_strnlen((const char *)a.p, a.len) < a.len) {
                v = a;
                colon = fdt_strnlen((const char *)a.p, a.len);
                break;
            }
        }
    }
    for (uint32_t i = 0; i < w->uart_count; i++)
        if (w->uart[i].path_ok && fdt_path_eq(w->uart[i].path, v.p, colon))
            return &w->uart[i];
    return &w->uart[0];
}

static int fdt_check_complete(const struct fdt_walk *w)
{
    if (w->out->mem_count == 0)
        return FDT_E_NO_MEMORY;
    if (w->uart_count == 0)
        return FDT_E_NO_UART;
    if (!w->have_gic)
        return FDT_E_NO_GIC;
    if (!w->have_timer)
        return FDT_E_NO_TIMER;
    if (w->out->cpu_count == 0)
        return FDT_E_NO_CPUS;
    return FDT_OK;
}

/**
 * Rotates the cores so that the boot core (a cpu's reg is MPIDR_EL1's Aff3,
 * Aff2..0) is core 0: a TX2 boots on its first Cortex-A57, after two Denvers.
 */
static void fdt_boot_core_first(struct plat_info *p, uint64_t boot)
{
    for (uint32_t n = 0; n < p->cpu_count && p->cpu_mpidr[0] != (boot & 0xff00ffffffull); n++) {
        uint64_t first = p->cpu_mpidr[0];
        for (uint32_t i = 0; i + 1 < p->cpu_count; i++)
            p->cpu_mpidr[i] = p->cpu_mpidr[i + 1];
        p->cpu_mpidr[p->cpu_count - 1] = first;
    }
}

int fdt_plat_parse(const void *dtb, size_t max_size, uint64_t boot_mpidr, struct plat_info *out)
{
    static struct fdt_walk walk; /* big for a kernel stack; the parse runs once, at boot */
    struct fdt_walk *w = &walk;
    *out = (struct plat_info){0};
    size_t total = fdt_check_header(dtb, max_size);
    if (total == 0)
        return FDT_E_HEADER;
    const uint8_t *h = dtb;
    *w = (struct fdt_walk){.blob = h, .out = out};
    w->node[0].path_ok = true;
    w->struct_off = fdt_be32(h + 8);
    w->struct_end = w->struct_off + fdt_be32(h + 36);
    w->strings_off = fdt_be32(h + 12);
    w->strings_size = fdt_be32(h + 32);
    int err = fdt_walk_struct(w);
    if (err)
        return err;
    err = fdt_check_complete(w);
    if (err)
        return err;
    const struct fdt_uart *u = fdt_stdout_uart(w);
    out->uart = u->base;
    out->uart_kind = u->kind;
    out->uart_irq = u->irq;
    fdt_boot_core_first(out, boot_mpidr);
    out->dtb = ptr_pa(dtb);
    out->dtb_size = total;
    return FDT_OK;
}
