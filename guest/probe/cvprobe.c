/*
 * cvprobe: a hostile/benchmark program that runs inside the Linux guest
 * (static aarch64, put in the initramfs by guest/build-images.sh). It
 * reaches guest-physical addresses through /dev/mem, so each access below
 * is a real stage-2 exit handled by the VMM.
 *
 *   cvprobe mmio-bench N   N reads of GICD_TYPER; prints the cost per read
 *                          in counter ticks and, under -icount shift=0,
 *                          in instructions (1 ns per instruction)
 *   cvprobe mmio-bench-write N  the same for N word writes of
 *                          GICD_IPRIORITYR23 (INTIDs 92..95, which no
 *                          device uses), the value it holds
 *   cvprobe irq-bench N    N injected-interrupt round trips: each sets the
 *                          UART's SPI pending through GICD_ISPENDR (one
 *                          write exit); the VMM's vGIC injects it, the
 *                          guest takes it at once, Linux's PL011 handler
 *                          runs (it reads the UART's MIS: one read exit)
 *                          and EOIs it (GICV, no exit on GICv2)
 *   cvprobe gicd-junk [FROM TO]  writes junk (words, then bytes) to every
 *                          offset of the 4 KiB GIC distributor frame (or
 *                          FROM..TO), then puts back what it can
 *                          (gicd_restore). Junk over a whole frame can
 *                          leave the guest itself without interrupts (junk
 *                          SGIs are IPIs such as CPU stop): the VMM and the
 *                          rest of the system must carry on, not the guest
 *                          (tests/system: system.vm_hostile.attacks)
 *   cvprobe read ADDR      reads the word at guest-physical ADDR
 *   cvprobe fill TAG MIB   fills MIB MiB of its own memory with TAG's
 *                          marker (each byte of TAG plus one, so the
 *                          marker is nowhere but where it is written: not
 *                          in any argv) at the start of every page, then
 *                          stays (run it in the background) so the pages
 *                          stay its own
 *   cvprobe scan TAG       counts the pages of the guest's RAM that start
 *                          with TAG's marker, through /proc/kcore's RAM
 *                          segments: another VM's marker must never be
 *                          found (the isolation test)
 *   cvprobe udp-flood IP PORT SECONDS  sends 1400-byte UDP datagrams to
 *                          IP:PORT as fast as the stack takes them, for
 *                          SECONDS, from an unconnected socket (ICMP
 *                          errors from a closed port do not stop it, as
 *                          they would busybox nc); prints how many
 *   cvprobe hvc | smc      issues HVC #0 / SMC #0 (PSCI_VERSION) from EL0,
 *                          where both are undefined: the guest kernel, not
 *                          the VMM, gets the exception (SIGILL)
 */
#include <arpa/inet.h>
#include <elf.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define GICD_BASE  0x08000000ul
#define GICD_SIZE  0x1000ul
#define GICD_TYPER 0x4ul

static volatile uint8_t *map_phys(unsigned long pa, size_t len)
{
    int fd = open("/dev/mem", O_RDWR | O_SYNC);
    if (fd < 0) {
        perror("cvprobe: /dev/mem");
        exit(2);
    }
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)(pa & ~0xffful));
    if (p == MAP_FAILED) {
        perror("cvprobe: mmap");
        exit(2);
    }
    return (volatile uint8_t *)p + (pa & 0xffful);
}

/*
 * Device accesses as single loads and stores without writeback, as Linux's
 * readl/writel: those carry the instruction syndrome (ISV 1) the VMM
 * emulates from. A compiler may use post-index forms (ISV 0, which stop
 * the VM) for a plain volatile access in a loop.
 */
static void write32(volatile void *p, uint32_t v)
{
    __asm__ volatile("str %w0, [%1]" ::"r"(v), "r"(p) : "memory");
}

static void write8(volatile void *p, uint8_t v)
{
    __asm__ volatile("strb %w0, [%1]" ::"r"(v), "r"(p) : "memory");
}

static uint32_t read32(const volatile void *p)
{
    uint32_t v;
    __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(p) : "memory");
    return v;
}

static uint64_t counter(void)
{
    uint64_t v;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
    return v;
}

static uint64_t counter_freq(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

static int mmio_bench(long n)
{
    const volatile uint8_t *typer = map_phys(GICD_BASE, GICD_SIZE) + GICD_TYPER;
    uint32_t last = 0;
    for (int i = 0; i < 100; i++) /* warm up */
        last = read32(typer);
    uint64_t t0 = counter();
    for (long i = 0; i < n; i++)
        last = read32(typer);
    uint64_t ticks = counter() - t0;
    uint64_t ns = ticks * 1000000000ull / counter_freq();
    printf("cvprobe: mmio-bench: %ld reads, %llu ticks, %llu ns/read (= instructions under "
           "-icount shift=0), typer 0x%x\n",
           n, (unsigned long long)ticks, (unsigned long long)(ns / (uint64_t)n), last);
    return 0;
}

#define GICD_IPRIORITYR23 0x45cul /* INTIDs 92..95 */

/*
 * N writes of v to p, after 100 to warm up; prints the cost of one as
 * "cvprobe: WHAT: N UNITs, ... ns/UNIT" (bench/exit/run.sh reads it).
 */
static int timed_writes(const char *what, const char *unit, volatile uint8_t *p, uint32_t v, long n)
{
    for (int i = 0; i < 100; i++)
        write32(p, v);
    uint64_t t0 = counter();
    for (long i = 0; i < n; i++)
        write32(p, v);
    uint64_t ticks = counter() - t0;
    uint64_t ns = ticks * 1000000000ull / counter_freq();
    printf("cvprobe: %s: %ld %ss, %llu ticks, %llu ns/%s (= instructions under -icount "
           "shift=0)\n",
           what, n, unit, (unsigned long long)ticks, (unsigned long long)(ns / (uint64_t)n), unit);
    return 0;
}

/* Writes exit as reads do (the distributor is emulated, nothing posted). */
static int mmio_bench_write(long n)
{
    volatile uint8_t *prio = map_phys(GICD_BASE, GICD_SIZE) + GICD_IPRIORITYR23;
    return timed_writes("mmio-bench-write", "write", prio, read32(prio), n);
}

#define GICD_ISPENDR 0x200ul
#define UART_INTID   33u /* SPI 1 (libvmm machine.h MACHINE_UART_SPI) */

/*
 * Each write makes the interrupt pending; it is taken before the next
 * instruction of the loop (EL0 runs with interrupts unmasked), so one
 * iteration is the whole round trip. Fewer than the 99,900 unhandled
 * interrupts after which Linux gives up on a line (the PL011 handler finds
 * nothing to do and says so).
 */
static int irq_bench(long n)
{
    volatile uint8_t *ispendr = map_phys(GICD_BASE, GICD_SIZE) + GICD_ISPENDR + UART_INTID / 32 * 4;
    uint32_t bit = 1u << (UART_INTID % 32);
    if (n > 50000) {
        fprintf(stderr, "cvprobe: irq-bench: at most 50000 rounds\n");
        return 2;
    }
    return timed_writes("irq-bench", "interrupt", ispendr, bit, n);
}

/* Distributor registers gicd_restore treats apart (GICv2 4.1.2). */
#define GICD_IGROUPR    0x080ul /* .. 0x0ff */
#define GICD_ISENABLER  0x100ul /* set/clear pairs: enable, pending, active */
#define GICD_ICENABLER  0x180ul
#define GICD_ICPENDR    0x280ul
#define GICD_ICACTIVER  0x380ul
#define GICD_IPRIORITYR 0x400ul /* priorities, targets, config: .. 0xeff */
#define GICD_SGIR       0xf00ul /* SGIR, CPENDSGIR, SPENDSGIR: .. 0xf2f */
#define GICD_PAIR_LEN   0x80ul

/** Writes v to every word of [from, to). */
static void gicd_fill(volatile uint8_t *d, unsigned long from, unsigned long to, uint32_t v)
{
    for (unsigned long off = from; off < to; off += 4)
        write32(d + off, v);
}

/** Writes the saved words of [from, to) back. */
static void gicd_put_back(volatile uint8_t *d, const uint32_t *saved, unsigned long from,
                          unsigned long to)
{
    for (unsigned long off = from; off < to; off += 4)
        write32(d + off, saved[off / 4]);
}

/**
 * Puts back what the guest needs after gicd_junk: groups, priorities,
 * targets, configuration and the enables (through ICENABLER then
 * ISENABLER: a saved value written to a clear register would clear it);
 * junk pending and active state is cleared. CTLR last: on again.
 */
static void gicd_restore(volatile uint8_t *d, const uint32_t *saved)
{
    gicd_put_back(d, saved, GICD_IGROUPR, GICD_ISENABLER);
    gicd_fill(d, GICD_ICENABLER, GICD_ICENABLER + GICD_PAIR_LEN, ~0u);
    gicd_put_back(d, saved, GICD_ISENABLER, GICD_ISENABLER + GICD_PAIR_LEN);
    gicd_fill(d, GICD_ICPENDR, GICD_ICPENDR + GICD_PAIR_LEN, ~0u);
    gicd_fill(d, GICD_ICACTIVER, GICD_ICACTIVER + GICD_PAIR_LEN, ~0u);
    gicd_put_back(d, saved, GICD_IPRIORITYR, GICD_SGIR);
    write32(d, saved[0]);
}

static int gicd_junk(unsigned long from, unsigned long to)
{
    volatile uint8_t *d = map_phys(GICD_BASE, GICD_SIZE);
    static uint32_t saved[GICD_SIZE / 4];
    for (unsigned long off = 0; off < GICD_SIZE; off += 4)
        saved[off / 4] = read32(d + off);
    for (unsigned long off = from & ~3ul; off < to; off += 4)
        write32(d + off, 0xdeadbeefu ^ (uint32_t)off);
    for (unsigned long off = from; off < to; off++)
        write8(d + off, (uint8_t)(0xa5 ^ off));
    gicd_restore(d, saved);
    printf("cvprobe: gicd-junk: wrote 0x%lx..0x%lx as words and bytes, typer now 0x%x\n", from, to,
           read32(d + GICD_TYPER));
    return 0;
}

static int read_phys(const char *arg)
{
    unsigned long pa = strtoul(arg, NULL, 0);
    printf("cvprobe: reading guest-physical 0x%lx\n", pa);
    fflush(stdout);
    uint32_t v = read32(map_phys(pa, 4));
    printf("cvprobe: read 0x%lx = 0x%x\n", pa, v);
    return 0;
}

/** HVC or SMC from EL0: UNDEFINED (ARM ARM D1.x), so this process gets SIGILL. */
static int firmware_call(const char *how)
{
    register uint64_t x0 __asm__("x0") = 0x84000000u; /* PSCI_VERSION */
    printf("cvprobe: %s #0 from EL0\n", how);
    fflush(stdout);
    if (strcmp(how, "hvc") == 0)
        __asm__ volatile("hvc #0" : "+r"(x0)::"memory");
    else
        __asm__ volatile("smc #0" : "+r"(x0)::"memory");
    printf("cvprobe: %s returned 0x%llx\n", how, (unsigned long long)x0);
    return 1;
}

#define PAGE 4096ul

/** Whether p holds TAG's marker: each byte one more than TAG's (never built whole). */
static int is_marker(const uint8_t *p, const char *tag, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((uint8_t)(p[i] - 1u) != (uint8_t)tag[i])
            return 0;
    return 1;
}

static int fill(const char *tag, long mib)
{
    size_t len = strlen(tag), size = (size_t)mib << 20;
    uint8_t *m = mib > 0 && len < PAGE
                     ? mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                     : MAP_FAILED;
    if (m == MAP_FAILED) {
        fprintf(stderr, "cvprobe: fill: bad size or no memory\n");
        return 1;
    }
    memset(m, 0, size); /* every page is ours now */
    for (size_t off = 0; off < size; off += PAGE)
        for (size_t i = 0; i < len; i++)
            m[off + i] = (uint8_t)(tag[i] + 1);
    printf("cvprobe: filled %zu pages with %s's marker\n", size / PAGE, tag);
    fflush(stdout);
    for (;;)
        pause();
}

/** Pages starting with the marker in len bytes of kcore at off. */
static unsigned long scan_segment(int fd, uint64_t off, uint64_t len, const char *tag)
{
    static uint8_t buf[1 << 20];
    unsigned long found = 0;
    size_t tlen = strlen(tag);
    for (uint64_t done = 0; done < len;) {
        size_t want = len - done < sizeof(buf) ? (size_t)(len - done) : sizeof(buf);
        ssize_t n = pread(fd, buf, want, (off_t)(off + done));
        if (n <= 0)
            break;
        for (size_t p = 0; p + tlen <= (size_t)n; p += PAGE)
            found += (unsigned long)is_marker(buf + p, tag, tlen);
        done += (uint64_t)n;
    }
    return found;
}

static int scan(const char *tag)
{
    int fd = open("/proc/kcore", O_RDONLY);
    Elf64_Ehdr eh;
    if (fd < 0 || pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh)) {
        perror("cvprobe: /proc/kcore");
        return 2;
    }
    unsigned long found = 0, mib = 0;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) != (ssize_t)sizeof(ph))
            break;
        /* RAM in the linear map: a physical address (the kernel's text is
         * in it too; vmalloc and modules have none) */
        if (ph.p_type != PT_LOAD || ph.p_paddr == (Elf64_Addr)-1 || ph.p_paddr == 0)
            continue;
        if (ph.p_vaddr < 0xffff000000000000ull || ph.p_vaddr >= 0xffff800000000000ull)
            continue; /* the linear map of a 48-bit kernel: not its text alias */
        found += scan_segment(fd, ph.p_offset, ph.p_filesz, tag);
        mib += ph.p_filesz >> 20;
    }
    printf("cvprobe: scanned %lu MiB of RAM: %s's marker on %lu pages\n", mib, tag, found);
    return 0;
}

#define FLOOD_PAYLOAD 1400u

static int udp_flood(const char *ip, long port, long seconds)
{
    static char payload[FLOOD_PAYLOAD];
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || inet_pton(AF_INET, ip, &to.sin_addr) != 1 || port <= 0 || port > 65535 ||
        seconds <= 0) {
        fprintf(stderr, "cvprobe: udp-flood: bad address or no socket\n");
        return 1;
    }
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    unsigned long sent = 0, failed = 0;
    do {
        for (int i = 0; i < 64; i++) {
            if (sendto(fd, payload, sizeof(payload), 0, (struct sockaddr *)&to, sizeof(to)) ==
                (ssize_t)sizeof(payload))
                sent++;
            else
                failed++;
        }
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while (t.tv_sec - t0.tv_sec < seconds);
    printf("cvprobe: udp-flood: %lu datagrams of %u bytes sent in %ld s (%lu refused)\n", sent,
           FLOOD_PAYLOAD, seconds, failed);
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "udp-flood") == 0)
        return udp_flood(argv[2], atol(argv[3]), atol(argv[4]));
    if (argc == 4 && strcmp(argv[1], "fill") == 0)
        return fill(argv[2], atol(argv[3]));
    if (argc == 3 && strcmp(argv[1], "scan") == 0)
        return scan(argv[2]);
    if (argc == 3 && strcmp(argv[1], "mmio-bench") == 0)
        return mmio_bench(atol(argv[2]) > 0 ? atol(argv[2]) : 1);
    if (argc == 3 && strcmp(argv[1], "irq-bench") == 0)
        return irq_bench(atol(argv[2]));
    if (argc == 3 && strcmp(argv[1], "mmio-bench-write") == 0)
        return mmio_bench_write(strtol(argv[2], NULL, 0));
    if (argc == 2 && strcmp(argv[1], "gicd-junk") == 0)
        return gicd_junk(0, GICD_SIZE);
    if (argc == 4 && strcmp(argv[1], "gicd-junk") == 0) {
        unsigned long from = strtoul(argv[2], NULL, 0), to = strtoul(argv[3], NULL, 0);
        return gicd_junk(from < GICD_SIZE ? from : GICD_SIZE, to < GICD_SIZE ? to : GICD_SIZE);
    }
    if (argc == 3 && strcmp(argv[1], "read") == 0)
        return read_phys(argv[2]);
    if (argc == 2 && (strcmp(argv[1], "hvc") == 0 || strcmp(argv[1], "smc") == 0))
        return firmware_call(argv[1]);
    fprintf(stderr, "usage: cvprobe mmio-bench N | mmio-bench-write N | irq-bench N | gicd-junk "
                    "[FROM TO] | read ADDR | fill TAG MIB | scan TAG | udp-flood IP PORT SECONDS | "
                    "hvc | smc\n");
    return 1;
}
