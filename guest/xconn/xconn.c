/*
 * xconn: vm_cross_connector's guest program (apps/vm_cross_connector,
 * docs/xconn.md). Reaches a cross-connector bound to Linux's stock
 * uio_pci_generic: its BARs through sysfs resourceN (mmap), its interrupt
 * through /dev/uioN (read blocks until it) and the config space (clearing
 * Command.Interrupt Disable unmasks INTx again).
 *
 *   xconn bind                      new_id for 1de0:c0c0 (after modprobe uio_pci_generic)
 *   xconn ping DEV N [LEN]          N round trips: request, native answer, checked
 *   xconn listen DEV N              wait for N calls from the native side, reply to each
 *   xconn bench DEV N               round-trip latency: median and p99 (ns)
 *   xconn copy DEV MB               dataport throughput: MB through a BAR, MB/s
 *   xconn xfer DEV N [LEN]          N round trips of LEN bytes each way, MB/s
 *   xconn badlen DEV                a request whose length runs past the dataport
 *   xconn baddoor DEV               ring doorbells past the emitted events, odd widths
 *   xconn flood DEV N               ring the request doorbell N times without waiting
 *
 * DEV is a PCI address (0000:00:01.0) or a short slot (01.0).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../apps/vm_cross_connector/xconn_proto.h"

#define REG_EVENTS   0x00cu
#define REG_DOORBELL 0x100u
#define REG_MAGIC    0x000u
#define XCONN_MAGIC  0x4e4f4358u
#define MSG_MAX      (64u * 1024u)

/** One opened connector. */
struct dev {
    char bdf[32];
    int uio;
    int config; /* its sysfs config space: uio_pci_generic has no irqcontrol */
    volatile uint32_t *regs, *req, *ans;
    size_t req_size, ans_size;
    uint32_t pending; /* events seen, not yet handled */
    unsigned long irqs;
};

static uint8_t buf[MSG_MAX], back[MSG_MAX];

static void die(const char *what)
{
    printf("xconn: %s: %s\n", what, strerror(errno));
    exit(1);
}

/** Writes s into a sysfs file. */
static int put(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, s, strlen(s));
    close(fd);
    return n == (ssize_t)strlen(s) ? 0 : -1;
}

/** Maps BAR `bar` of d; its size into *size. */
static volatile uint32_t *map_bar(const struct dev *d, unsigned bar, size_t *size)
{
    char path[128];
    snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource%u", d->bdf, bar);
    int fd = open(path, O_RDWR | O_SYNC);
    if (fd < 0)
        die(path);
    struct stat st;
    if (fstat(fd, &st) != 0)
        die(path);
    size_t len = (size_t)st.st_size;
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        printf("xconn: mmap of %zu bytes of %s: %s\n", len, path, strerror(errno));
        exit(1);
    }
    *size = len;
    return p;
}

/** Opens /dev/uioN of the device: the one in its sysfs directory. */
static int open_uio(const char *bdf)
{
    char path[300];
    snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/uio", bdf);
    DIR *dir = opendir(path);
    if (!dir)
        die("no uio for the device (bind it: xconn bind)");
    struct dirent *e;
    int fd = -1;
    while ((e = readdir(dir)) != NULL && fd < 0)
        if (strncmp(e->d_name, "uio", 3) == 0) {
            snprintf(path, sizeof(path), "/dev/%s", e->d_name);
            fd = open(path, O_RDWR);
        }
    closedir(dir);
    if (fd < 0)
        die("open /dev/uioN");
    return fd;
}

/**
 * Clears Command.Interrupt Disable (bit 10: bit 2 of config byte 5), which
 * uio_pci_generic's handler set: it has no irqcontrol, so a write to
 * /dev/uioN fails (ENOSYS); the howto's way is the config space.
 */
static void unmask(struct dev *d)
{
    uint8_t hi;
    if (pread(d->config, &hi, 1, 5) != 1)
        die("config read");
    hi &= (uint8_t)~0x4u;
    if (pwrite(d->config, &hi, 1, 5) != 1)
        die("config write");
}

static void dev_open(struct dev *d, const char *name)
{
    size_t regs_size;
    memset(d, 0, sizeof(*d));
    if (strlen(name) < 8)
        snprintf(d->bdf, sizeof(d->bdf), "0000:00:%s", name);
    else
        snprintf(d->bdf, sizeof(d->bdf), "%s", name);
    d->uio = open_uio(d->bdf);
    d->regs = map_bar(d, 0, &regs_size);
    d->req = map_bar(d, 1, &d->req_size);
    d->ans = map_bar(d, 2, &d->ans_size);
    if (d->regs[REG_MAGIC / 4] != XCONN_MAGIC) {
        printf("xconn: %s: not a cross-connector (magic 0x%x)\n", d->bdf, d->regs[0]);
        exit(1);
    }
    char path[128];
    snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", d->bdf);
    d->config = open(path, O_RDWR);
    if (d->config < 0)
        die(path);
    /* an interrupt before we opened may have left INTx masked */
    unmask(d);
}

/** Waits for an event in `want` (bits), collecting the others. */
static void wait_event(struct dev *d, uint32_t want)
{
    while (!(d->pending & want)) {
        uint32_t n;
        if (read(d->uio, &n, 4) != 4) {
            printf("xconn: %s: wait: %s\n", d->bdf, strerror(errno));
            exit(2);
        }
        d->irqs++;
        uint32_t ev = d->regs[REG_EVENTS / 4];
        d->regs[REG_EVENTS / 4] = ev; /* acknowledge, then unmask */
        d->pending |= ev;
        unmask(d);
    }
    d->pending &= ~want;
}

static void ring(struct dev *d, unsigned doorbell)
{
    d->regs[(REG_DOORBELL + 4 * doorbell) / 4] = 1;
}

/** Request `seq` of len bytes; the answer checked. 0 if right. */
static int round_trip(struct dev *d, uint32_t seq, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        buf[i] = (uint8_t)('a' + (seq + i * 7) % 26);
    xproto_put(&d->req[XPROTO_HDR_WORDS], buf, len);
    d->req[1] = len;
    d->req[0] = seq;
    ring(d, XPROTO_REQUEST);
    do
        wait_event(d, 1u << XPROTO_ANSWER);
    while (d->ans[0] != seq);
    if (d->ans[1] != len || d->ans[2] != xproto_sum(buf, len)) {
        printf("xconn: %s: answer %u: len %u sum 0x%x, want %u 0x%x\n", d->bdf, seq, d->ans[1],
               d->ans[2], len, xproto_sum(buf, len));
        return 1;
    }
    xproto_get(&d->ans[XPROTO_HDR_WORDS], back, len);
    for (uint32_t i = 0; i < len; i++)
        if (back[i] != buf[len - 1 - i]) {
            printf("xconn: %s: answer %u: byte %u differs\n", d->bdf, seq, i);
            return 1;
        }
    return 0;
}

static int cmd_ping(struct dev *d, unsigned n, uint32_t len)
{
    if (len > MSG_MAX || len > d->req_size - 16 || len > d->ans_size - 16)
        len = (uint32_t)(d->req_size < d->ans_size ? d->req_size : d->ans_size) - 16;
    for (unsigned i = 1; i <= n; i++) {
        if (round_trip(d, i, len))
            return 1;
        if (i == 1) {
            xproto_get(&d->ans[XPROTO_HDR_WORDS], back, len < 40 ? len : 40);
            printf("xconn: %s: sent \"%.*s\", answer \"%.*s\" sum 0x%08x\n", d->bdf,
                   (int)(len < 40 ? len : 40), (const char *)buf, (int)(len < 40 ? len : 40),
                   (const char *)back, d->ans[2]);
        }
    }
    printf("xconn: %s: %u round trips ok (%lu interrupts)\n", d->bdf, n, d->irqs);
    return 0;
}

static int cmd_listen(struct dev *d, unsigned n)
{
    d->req[0] = n;
    ring(d, XPROTO_LISTEN);
    for (unsigned i = 1; i <= n; i++) {
        wait_event(d, 1u << XPROTO_CALL);
        uint32_t seq = d->ans[0], len = d->ans[1];
        if (seq != i || len > 200) {
            printf("xconn: %s: call %u: seq %u len %u\n", d->bdf, i, seq, len);
            return 1;
        }
        xproto_get(&d->ans[XPROTO_HDR_WORDS], buf, len);
        if (i == 1)
            printf("xconn: %s: the native side says \"%.*s\"\n", d->bdf, (int)len,
                   (const char *)buf);
        for (uint32_t k = 0; k < len; k++)
            back[k] = buf[len - 1 - k];
        xproto_put(&d->req[XPROTO_HDR_WORDS], back, len);
        d->req[1] = len;
        d->req[2] = xproto_sum(buf, len);
        d->req[0] = seq;
        ring(d, XPROTO_REPLY);
    }
    printf("xconn: %s: %u calls from the native side answered\n", d->bdf, n);
    return 0;
}

/**
 * CLOCK_MONOTONIC in ns: the vDSO reads the generic timer's virtual counter
 * (62.5 MHz on QEMU virt), so under `-icount shift=0` a ns is one guest
 * instruction (to the counter's 16 ns).
 */
static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmd_bench(struct dev *d, unsigned n)
{
    uint64_t *t = calloc(n, sizeof(*t));
    if (!t || n < 2)
        return 1;
    for (unsigned i = 0; i < n; i++) {
        uint64_t t0 = now_ns();
        if (round_trip(d, i + 1, 16))
            return 1;
        t[i] = now_ns() - t0;
    }
    qsort(t, n, sizeof(*t), cmp_u64);
    printf("xconn: bench %u round trips: median %llu ns, p99 %llu ns\n", n,
           (unsigned long long)t[n / 2], (unsigned long long)t[(n * 99) / 100]);
    free(t);
    return 0;
}

/** MB/s of `bytes` in `ns`. */
static unsigned long long mb_s(uint64_t bytes, uint64_t ns)
{
    return (unsigned long long)(bytes * 1000u / (ns ? ns : 1));
}

static int cmd_xfer(struct dev *d, unsigned n, uint32_t len)
{
    uint64_t t0 = now_ns();
    if (len > MSG_MAX || len > d->req_size - 16 || len > d->ans_size - 16)
        len = MSG_MAX < d->req_size - 16 ? MSG_MAX : (uint32_t)d->req_size - 16;
    for (unsigned i = 1; i <= n; i++)
        if (round_trip(d, i, len))
            return 1;
    printf("xconn: xfer %u round trips of %u bytes each way: %llu MB/s (each byte checked)\n", n,
           len, mb_s(2ull * n * len, now_ns() - t0));
    return 0;
}

static int cmd_copy(struct dev *d, unsigned mb)
{
    size_t words = (d->req_size - 64) / 4;
    uint64_t total = (uint64_t)mb << 20, done = 0, t0 = now_ns();
    uint32_t x = 1, sum = 0;
    for (; done < total; done += words * 4)
        for (size_t i = 0; i < words; i++)
            d->req[16 + i] = x++;
    uint64_t w = now_ns() - t0;
    t0 = now_ns();
    for (done = 0; done < total; done += words * 4)
        for (size_t i = 0; i < words; i++)
            sum += d->req[16 + i];
    uint64_t r = now_ns() - t0;
    printf("xconn: copy %u MiB through a %zu-byte BAR: write %llu MB/s, read %llu MB/s (%x)\n", mb,
           d->req_size, mb_s(total, w), mb_s(total, r), sum & 0xf);
    return 0;
}

static int cmd_badlen(struct dev *d)
{
    d->req[1] = (uint32_t)d->req_size * 4;
    d->req[0] = 0x7fff0001u;
    ring(d, XPROTO_REQUEST);
    do
        wait_event(d, 1u << XPROTO_ANSWER);
    while (d->ans[0] != 0x7fff0001u);
    printf("xconn: %s: request past the dataport: %s\n", d->bdf,
           d->ans[1] == XPROTO_REFUSED ? "refused" : "ANSWERED");
    return d->ans[1] == XPROTO_REFUSED ? 0 : 1;
}

static int cmd_baddoor(struct dev *d)
{
    volatile uint8_t *b = (volatile uint8_t *)d->regs;
    volatile uint16_t *h = (volatile uint16_t *)d->regs;
    for (unsigned i = 3; i < 8; i++)
        d->regs[(REG_DOORBELL + 4 * i) / 4] = 1; /* doorbells 3..7: none */
    d->regs[0xff0 / 4] = 1;                      /* past every register */
    d->regs[REG_MAGIC / 4] = 0;                  /* read-only */
    b[REG_DOORBELL] = 1;                         /* a byte */
    h[REG_DOORBELL / 2] = 1;                     /* a half-word */
    uint32_t magic = d->regs[REG_MAGIC / 4];
    printf("xconn: %s: bad doorbells rung, magic still 0x%x\n", d->bdf, magic);
    return magic == XCONN_MAGIC ? 0 : 1;
}

static int cmd_flood(struct dev *d, unsigned n)
{
    d->req[1] = 4;
    d->req[0] = 0x7ffe0000u;
    for (unsigned i = 0; i < n; i++)
        ring(d, XPROTO_REQUEST);
    printf("xconn: %s: %u doorbells rung\n", d->bdf, n);
    return 0;
}

static int cmd_bind(void)
{
    if (put("/sys/bus/pci/drivers/uio_pci_generic/new_id", "1de0 c0c0") != 0)
        die("new_id");
    printf("xconn: uio_pci_generic takes 1de0:c0c0\n");
    return 0;
}

int main(int argc, char **argv)
{
    struct dev d;
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc >= 2 && strcmp(argv[1], "bind") == 0)
        return cmd_bind();
    if (argc < 3) {
        fprintf(stderr,
                "usage: xconn bind | ping|listen|bench|copy|flood DEV N | badlen|baddoor DEV\n");
        return 64;
    }
    unsigned n = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 0) : 1;
    dev_open(&d, argv[2]);
    if (strcmp(argv[1], "ping") == 0)
        return cmd_ping(&d, n, argc > 4 ? (uint32_t)strtoul(argv[4], NULL, 0) : 32);
    if (strcmp(argv[1], "listen") == 0)
        return cmd_listen(&d, n);
    if (strcmp(argv[1], "bench") == 0)
        return cmd_bench(&d, n);
    if (strcmp(argv[1], "copy") == 0)
        return cmd_copy(&d, n);
    if (strcmp(argv[1], "xfer") == 0)
        return cmd_xfer(&d, n, argc > 4 ? (uint32_t)strtoul(argv[4], NULL, 0) : MSG_MAX);
    if (strcmp(argv[1], "badlen") == 0)
        return cmd_badlen(&d);
    if (strcmp(argv[1], "baddoor") == 0)
        return cmd_baddoor(&d);
    if (strcmp(argv[1], "flood") == 0)
        return cmd_flood(&d, n);
    fprintf(stderr, "xconn: unknown command %s\n", argv[1]);
    return 64;
}
