/*
 * attacker: a hostile guest kernel. It runs at EL1 (the MMU off) where a
 * Linux program cannot, and does what a compromised guest kernel could do
 * to its VMM: firmware calls with unknown function IDs over HVC and SMC, an
 * HVC with a reserved immediate, bad PSCI arguments, CPU_OFF of its second
 * vCPU with an interrupt active and CPU_ON again, reads and writes of
 * IPAs that are not its RAM (also beyond the 39-bit IPA space), bad rings
 * and bad register use on its virtio devices (virtio.c on virtio-mmio,
 * virtio_pci.c on virtio-pci behind the PCI host bridge), junk of every
 * width over the whole GIC distributor and the UART, then a loop of
 * SYSTEM_RESETs (a guest stuck rebooting; before each it spoils its own
 * image, which the VMM must restore), and last an access the VMM
 * cannot decode (a load pair, ISV 0). Each outcome is
 * printed on the emulated PL011; tests/system/CMakeLists.txt (system.vm_hostile.el1)
 * checks the lines and that the rest of the system keeps running.
 */
#include <stdint.h>

#include "attacker.h"
#include "virtio.h"
#include "virtio_net.h"
#include "virtio_pci.h"

#define UART_DR    0x09000000ul /* QEMU virt PL011 (the VMM emulates it) */
#define GICD_BASE  0x08000000ul
#define GICD_SIZE  0x1000ul
#define UART_SIZE  0x1000ul
#define UART_PID0  0xfe0ul /* UARTPeriphID0: 0x11 */
#define GICD_TYPER 0x4ul
#define UNBACKED   0x0a000000ul   /* below RAM, no device (vm1's virtio is at +0x400) */
#define IPA_TOP    0x7ffffff000ul /* last page of the 39-bit IPA space */
#define IPA_BEYOND 0x8000000000ul /* first byte beyond it */

#define SMCCC_NOT_SUPPORTED 0xffffffffffffffffull /* -1 */
#define PSCI_VERSION        0x84000000ull
#define PSCI_CPU_ON         0xc4000003ull
#define PSCI_AFFINITY_INFO  0xc4000004ull
#define PSCI_E_INVALID      0xfffffffffffffffeull /* -2 INVALID_PARAMETERS */
#define PSCI_E_ALREADY_ON   0xfffffffffffffffcull /* -4 ALREADY_ON */

#define PSCI_SYSTEM_RESET 0x84000009ull
#define PSCI_CPU_OFF      0x84000002ull
#define PSCI_AFF_OFF      1u
/* GICv2 (spec 4.3, 4.4): the distributor the VMM emulates, the CPU
 * interface the hardware's virtual one (GICV) at the guest's GICC */
#define GICC_BASE     0x08010000ul
#define GICC_CTLR     0x000ul
#define GICC_PMR      0x004ul
#define GICC_IAR      0x00cul
#define GICD_CTLR     0x000ul
#define GICD_ISENABLE 0x100ul
#define GICD_SGIR     0xf00ul
#define GIC_SPURIOUS  1023u
#define SGI_ID        1u
#define WAIT_TICKS    (1ull << 27) /* about 2 s at 62.5 MHz */
/* Kept across SYSTEM_RESET in RAM the VMM leaves alone (no image there):
 * [0] magic, [1] resets so far, [2] wrong answers (the first boot's, and
 * resets that left the image spoilt). */
#define RESET_STATE  0x40800000ul
#define RESET_MAGIC  0x7265736574ull /* "reset" */
#define RESET_ROUNDS 4500u           /* more than the VMM's 4,096 slots */

#define ESR_EC(esr) ((esr) >> 26)
#define EC_DABT_CUR 0x25u /* data abort taken without a change of level */

uint64_t attacker_hvc(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3);
uint64_t attacker_smc(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3);
uint64_t attacker_hvc_imm(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3);
void attacker_ldp(uint64_t addr);
void attacker_main(void);
void attacker_secondary(void);
void attacker_secondary_main(void);
void attacker_unexpected(uint64_t esr);

/* ESR_EL1 of the last synchronous exception (head.S writes it). */
volatile uint64_t attacker_esr;
unsigned attacker_failures;

/*
 * A word of the image's own .data. apps/vm_hostile gives this guest
 * kernel-gz: its image runs in place and every SYSTEM_RESET must inflate
 * a pristine one over it. Each boot finds the word intact, then overwrites
 * it and the image's 64-byte header (code0, the branch to the entry, and
 * what the VMM parsed at the first boot: text_offset, image_size, magic)
 * before the next reset: a reset that kept them would count a wrong
 * answer, run UDF #0 at the entry and never print again, or (a VMM that
 * parsed the header again) refuse to boot.
 */
#define IMAGE_WORD 0x7072697374696e65ull /* "pristine" */
#define IMAGE_HDR  64u
#define BLOCK_END  0x40200000ul          /* the image's only 2 MiB block of RAM */
#define SCRIBBLE   0x5363726962626c65ull /* "Scribble" */
static volatile uint64_t image_word = IMAGE_WORD;
extern uint32_t _start[];
extern uint64_t __stack_top[];

/** A result line's end after GOT: " WRONG (want W)", counted. */
static void put_wrong(uint64_t want)
{
    attacker_failures++;
    uart_put_str(" WRONG (want ");
    uart_put_hex(want);
    uart_put_str(")\n");
}

void report(const char *what, uint64_t got, uint64_t want)
{
    uart_put_str("attacker: ");
    uart_put_str(what);
    uart_put_char(' ');
    uart_put_hex(got);
    if (got == want) {
        uart_put_str(" ok\n");
        return;
    }
    put_wrong(want);
}

/** "attacker: SUITE CASE: " */
static void suite_line(const struct attack_suite *s)
{
    uart_put_str("attacker: ");
    uart_put_str(s->name);
    uart_put_char(' ');
    uart_put_str(s->current);
    uart_put_str(": ");
}

void suite_case(struct attack_suite *s, const char *name)
{
    s->current = name;
    s->wrong = 0;
    s->count++;
}

void suite_wrong_begin(const struct attack_suite *s, const char *what)
{
    suite_line(s);
    uart_put_str(what);
    uart_put_char(' ');
}

void suite_wrong_end(struct attack_suite *s, uint64_t got, uint64_t want)
{
    uart_put_hex(got);
    put_wrong(want);
    s->wrong++;
}

void suite_check(struct attack_suite *s, const char *what, uint64_t got, uint64_t want)
{
    if (got == want)
        return;
    suite_wrong_begin(s, what);
    suite_wrong_end(s, got, want);
}

void suite_outcome(const struct attack_suite *s, const char *outcome)
{
    if (s->wrong)
        return;
    suite_line(s);
    uart_put_str(outcome);
    uart_put_str(" ok\n");
}

void suite_tally(struct attack_suite *s)
{
    if (s->wrong == 0)
        s->ok++;
}

void suite_end(struct attack_suite *s, const char *outcome)
{
    suite_outcome(s, outcome);
    suite_tally(s);
}

void suite_summary(const struct attack_suite *s)
{
    uart_put_str("attacker: ");
    uart_put_str(s->name);
    uart_put_str(": ");
    uart_put_dec(s->count);
    uart_put_str(s->ok == s->count ? " cases ok\n" : " cases, some WRONG\n");
}

void attacker_unexpected(uint64_t esr)
{
    uart_put_str("attacker: unexpected exception, ESR_EL1 ");
    uart_put_hex(esr);
    uart_put_char('\n');
}

/** Unknown function IDs (SMCCC 5.2: NOT_SUPPORTED), over HVC and SMC. */
static void attack_firmware(void)
{
    static const uint64_t ids[] = {
        0x12345678ull,                  /* a yielding call, no such service */
        0xc5000000ull,                  /* SiP service, fast call */
        0xffffffffull,                  /* every bit of a 32-bit ID */
        0x8400ffffull,                  /* PSCI range, no such function */
        0x100000000ull | 0x84000000ull, /* PSCI_VERSION with upper bits set */
    };
    for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        report("hvc unknown id ->", attacker_hvc(ids[i], ~0ull, ~0ull, ~0ull), SMCCC_NOT_SUPPORTED);
        report("smc unknown id ->", attacker_smc(ids[i], ~0ull, ~0ull, ~0ull), SMCCC_NOT_SUPPORTED);
    }
    report("hvc #0x1234 PSCI_VERSION ->", attacker_hvc_imm(PSCI_VERSION, 0, 0, 0),
           SMCCC_NOT_SUPPORTED);
    /* The SMC conduit reaches the same PSCI as HVC: version 1.0, exactly
     * (NOT_SUPPORTED is all ones, which a ">= 1.0" check would take) */
    report("smc PSCI_VERSION ->", attacker_smc(PSCI_VERSION, 0, 0, 0), 0x10000u);
    report("hvc PSCI_VERSION ->", attacker_hvc(PSCI_VERSION, 0, 0, 0), 0x10000u);
}

/** PSCI with arguments a hostile kernel picks. */
static void attack_psci(void)
{
    report("psci CPU_ON cpu 7 ->", attacker_hvc(PSCI_CPU_ON, 7, 0x40000000u, 0), PSCI_E_INVALID);
    report("psci CPU_ON cpu ~0 ->", attacker_hvc(PSCI_CPU_ON, ~0ull, 0x40000000u, 0),
           PSCI_E_INVALID);
    report("psci CPU_ON self ->", attacker_hvc(PSCI_CPU_ON, 0, 0x40000000u, 0), PSCI_E_ALREADY_ON);
    report("psci AFFINITY_INFO cpu 9 ->", attacker_hvc(PSCI_AFFINITY_INFO, 9, 0, 0),
           PSCI_E_INVALID);
}

/** A read or write of addr must end in an external abort injected by the VMM. */
static void expect_abort(const char *what, uint64_t addr, int write)
{
    attacker_esr = 0;
    if (write)
        write32(addr, 0xdeadbeefu);
    else
        (void)read32(addr);
    report(what, ESR_EC(attacker_esr), EC_DABT_CUR);
}

static void attack_unbacked(void)
{
    expect_abort("read below RAM, abort EC", UNBACKED, 0);
    expect_abort("write below RAM, abort EC", UNBACKED + 0x100, 1);
    expect_abort("read past RAM end, abort EC", RAM_END, 0);
    expect_abort("read top of IPA space, abort EC", IPA_TOP, 0);
    expect_abort("read beyond IPA space, abort EC", IPA_BEYOND, 0);
    /* no syndrome (ISV 0) but no device there either: an abort too */
    attacker_esr = 0;
    attacker_ldp(UNBACKED + 0x200);
    report("load pair below RAM, abort EC", ESR_EC(attacker_esr), EC_DABT_CUR);
}

/**
 * Junk of every width over every distributor offset (words and bytes,
 * also 64-bit and halfword accesses the GIC does not allow), then read
 * back: the VMM must neither stop nor crash, and TYPER must not change.
 */
static void attack_gicd(void)
{
    uint32_t typer = read32(GICD_BASE + GICD_TYPER);
    for (uint64_t off = 0; off < GICD_SIZE; off += 4)
        write32(GICD_BASE + off, 0xa5a5a5a5u ^ (uint32_t)off);
    for (uint64_t off = 0; off < GICD_SIZE; off++)
        write8(GICD_BASE + off, (uint8_t)(0x5a ^ off));
    for (uint64_t off = 0; off < GICD_SIZE; off += 8)
        write64(GICD_BASE + off, ~0ull);
    for (uint64_t off = 0; off < GICD_SIZE; off += 2)
        write16(GICD_BASE + off, 0xffffu);
    for (uint64_t off = 0; off < GICD_SIZE; off += 4)
        (void)read32(GICD_BASE + off);
    report("gicd junk done, TYPER unchanged:", read32(GICD_BASE + GICD_TYPER) == typer, 1);
}

/**
 * Junk of every width over the UART (its page reads from memory, its
 * writes fault on that page; UARTDR's are posted): bytes, halfwords and
 * words everywhere but UARTDR (junk there would only print), doublewords
 * everywhere (the PL011 has none: ignored). Then the UART is set back to
 * something sane; the lines after this one show output still works.
 */
static void attack_uart(void)
{
    for (uint64_t off = 4; off < UART_SIZE; off++)
        write8(UART_DR + off, (uint8_t)(0xa5 ^ off));
    for (uint64_t off = 4; off < UART_SIZE; off += 2)
        write16(UART_DR + off, 0xffffu);
    for (uint64_t off = 4; off < UART_SIZE; off += 4)
        write32(UART_DR + off, 0x5a5a5a5au ^ (uint32_t)off);
    for (uint64_t off = 0; off < UART_SIZE; off += 8)
        write64(UART_DR + off, ~0ull);
    write32(UART_DR + 0x38, 0);     /* IMSC: no interrupts */
    write32(UART_DR + 0x44, 0x7ff); /* ICR: all cleared */
    write32(UART_DR + 0x2c, 0x70);  /* LCR_H: 8 bits, FIFOs */
    write32(UART_DR + 0x30, 0x301); /* CR: UART, TX and RX on */
    report("uart junk done, ID unchanged:", read32(UART_DR + UART_PID0) == 0x11, 1);
}

/*
 * CPU_OFF with an interrupt active, then CPU_ON (PSCI 5.5, 5.6): the CPU
 * that comes back has nothing active from before and takes the same SGI
 * again. vCPU 1 acknowledges SGI 1 (active, never EOIed) and powers off;
 * twice. Before the VMM renewed a vCPU at CPU_ON, the second SGI stayed
 * in the old list register and never came.
 */
static uint8_t secondary_stack[4096] __attribute__((aligned(16)));
static volatile uint32_t secondary_ready, secondary_iar;

static uint64_t ticks(void)
{
    uint64_t t;
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(t));
    return t;
}

/** Waits until *flag is non-zero, at most WAIT_TICKS; its value then. */
static uint32_t wait_flag(volatile uint32_t *flag)
{
    uint64_t end = ticks() + WAIT_TICKS;
    while (*flag == 0 && ticks() < end)
        ;
    return *flag;
}

void attacker_secondary_main(void)
{
    write32(GICD_BASE + GICD_ISENABLE, 1u << SGI_ID); /* banked: this CPU's */
    write32(GICC_BASE + GICC_PMR, 0xff);
    write32(GICC_BASE + GICC_CTLR, 1);
    secondary_ready = 1;
    uint32_t iar = GIC_SPURIOUS;
    uint64_t end = ticks() + WAIT_TICKS;
    while ((iar & 0x3ffu) == GIC_SPURIOUS && ticks() < end)
        iar = read32(GICC_BASE + GICC_IAR);
    secondary_iar = iar | 0x80000000u; /* seen, even if spurious */
    (void)attacker_hvc(PSCI_CPU_OFF, 0, 0, 0);
}

static void attack_cpu_off_on(void)
{
    write32(GICD_BASE + GICD_CTLR, 1);
    for (unsigned round = 0; round < 2; round++) {
        secondary_ready = secondary_iar = 0;
        report("psci CPU_ON cpu 1 ->",
               attacker_hvc(PSCI_CPU_ON, 1, (uint64_t)(uintptr_t)attacker_secondary,
                            (uint64_t)(uintptr_t)(secondary_stack + sizeof(secondary_stack))),
               0);
        report("cpu 1 up:", wait_flag(&secondary_ready), 1);
        write32(GICD_BASE + GICD_SGIR, (1u << (16 + 1)) | SGI_ID); /* to CPU 1 */
        report("cpu 1 took SGI 1:", wait_flag(&secondary_iar) & 0x3ffu, SGI_ID);
        uint64_t end = ticks() + WAIT_TICKS;
        while (attacker_hvc(PSCI_AFFINITY_INFO, 1, 0, 0) != PSCI_AFF_OFF && ticks() < end)
            ;
        report("cpu 1 off:", attacker_hvc(PSCI_AFFINITY_INFO, 1, 0, 0), PSCI_AFF_OFF);
    }
}

/** Spoils the image, then one more SYSTEM_RESET; returns only if the VMM refused it. */
static void reset_again(volatile uint64_t *st)
{
    image_word = 0;
    for (unsigned i = 0; i < IMAGE_HDR / 4; i++)
        ((volatile uint32_t *)_start)[i] = 0; /* code0: UDF #0 */
    st[1]++;
    (void)attacker_hvc(PSCI_SYSTEM_RESET, 0, 0, 0);
    uart_put_str("attacker: unexpected: SYSTEM_RESET returned\n");
}

void attacker_main(void)
{
    volatile uint64_t *st = (volatile uint64_t *)RESET_STATE;
    uint64_t found = image_word;
    if (st[0] != RESET_MAGIC) { /* the first boot */
        uart_put_str("attacker: at EL1, attacking the VMM\n");
        report("image word at boot:", found, IMAGE_WORD);
        attack_firmware();
        attack_psci();
        attack_cpu_off_on();
        attack_unbacked();
        attack_virtio();
        attack_virtio_pci();
        attack_virtio_net();
        attack_gicd();
        attack_uart();
        /* The rest of its block, past the stack: the frame's tail after the
         * image is this VM's alone (no other file's bytes), so the resets
         * after this must still find kernel-gz intact. */
        for (volatile uint64_t *p = __stack_top; p < (volatile uint64_t *)BLOCK_END; p++)
            *p = SCRIBBLE;
        st[0] = RESET_MAGIC;
        st[1] = 0;
        st[2] = attacker_failures;
        uart_put_str("attacker: now SYSTEM_RESET, again and again\n");
    } else if (found != IMAGE_WORD)
        st[2]++; /* a reset left the spoilt image */
    if (st[1] < RESET_ROUNDS)
        reset_again(st);
    uart_put_str("attacker: booted after ");
    uart_put_hex(st[1]);
    uart_put_str(" resets\nattacker: ");
    uart_put_hex(st[2]);
    uart_put_str(" wrong answers; last: a load pair from the distributor (no syndrome)\n");
    st[0] = 0;
    attacker_ldp(GICD_BASE);
    uart_put_str("attacker: the load pair returned\n");
}
