/*
 * cvprobe: a hostile/benchmark program that runs inside the Linux guest
 * (static aarch64, put in the initramfs by guest/build-images.sh). It
 * reaches guest-physical addresses through /dev/mem, so each access below
 * is a real stage-2 exit handled by the VMM.
 *
 *   cvprobe mmio-bench N   N reads of GICD_TYPER; prints the cost per read
 *                          in counter ticks and, under -icount shift=0,
 *                          in instructions (1 ns per instruction)
 *   cvprobe gicd-junk      writes junk (words, then bytes) to every offset
 *                          of the 4 KiB GIC distributor frame, then writes
 *                          the saved values back
 *   cvprobe read ADDR      reads the word at guest-physical ADDR
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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
    volatile uint32_t *typer = (volatile uint32_t *)(map_phys(GICD_BASE, GICD_SIZE) + GICD_TYPER);
    uint32_t last = 0;
    for (int i = 0; i < 100; i++) /* warm up */
        last = *typer;
    uint64_t t0 = counter();
    for (long i = 0; i < n; i++)
        last = *typer;
    uint64_t ticks = counter() - t0;
    uint64_t ns = ticks * 1000000000ull / counter_freq();
    printf("cvprobe: mmio-bench: %ld reads, %llu ticks, %llu ns/read (= instructions under "
           "-icount shift=0), typer 0x%x\n",
           n, (unsigned long long)ticks, (unsigned long long)(ns / (uint64_t)n), last);
    return 0;
}

static int gicd_junk(void)
{
    volatile uint8_t *d = map_phys(GICD_BASE, GICD_SIZE);
    static uint32_t saved[GICD_SIZE / 4];
    for (unsigned long off = 0; off < GICD_SIZE; off += 4)
        saved[off / 4] = *(volatile uint32_t *)(d + off);
    for (unsigned long off = 0; off < GICD_SIZE; off += 4)
        *(volatile uint32_t *)(d + off) = 0xdeadbeefu ^ (uint32_t)off;
    for (unsigned long off = 0; off < GICD_SIZE; off++)
        d[off] = (uint8_t)(0xa5 ^ off);
    for (unsigned long off = 0; off < GICD_SIZE; off += 4) /* best effort */
        *(volatile uint32_t *)(d + off) = saved[off / 4];
    printf("cvprobe: gicd-junk: wrote %lu words and %lu bytes, typer now 0x%x\n", GICD_SIZE / 4,
           GICD_SIZE, *(volatile uint32_t *)(d + GICD_TYPER));
    return 0;
}

static int read_phys(const char *arg)
{
    unsigned long pa = strtoul(arg, NULL, 0);
    printf("cvprobe: reading guest-physical 0x%lx\n", pa);
    fflush(stdout);
    uint32_t v = *(volatile uint32_t *)map_phys(pa, 4);
    printf("cvprobe: read 0x%lx = 0x%x\n", pa, v);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "mmio-bench") == 0)
        return mmio_bench(atol(argv[2]) > 0 ? atol(argv[2]) : 1);
    if (argc == 2 && strcmp(argv[1], "gicd-junk") == 0)
        return gicd_junk();
    if (argc == 3 && strcmp(argv[1], "read") == 0)
        return read_phys(argv[2]);
    fprintf(stderr, "usage: cvprobe mmio-bench N | gicd-junk | read ADDR\n");
    return 1;
}
