/*
 * conform: a bare-metal guest kernel that checks what the virtual CPU
 * advertises against what it does (issue 16). It runs at EL1 with the MMU
 * off on vCPU 0, runs every case of cases.c in turn and prints on the
 * emulated PL011
 *
 *     conform: CASE: ok | FAIL (why[, got 0x...]) | skip (why)
 *     conform: N ok, F failed, S skipped
 *
 * then powers the VM off (PSCI SYSTEM_OFF). tests/system/CMakeLists.txt
 * (system.vm_conform.*) checks the last line's counts and that no line
 * says FAIL. An exception the suite did not provoke (an interrupt, an
 * SError) is reported and ends the run without the count line.
 */
#include "conform.h"

#define UART_DR 0x09000000ul /* QEMU virt PL011 (the VMM emulates it) */

volatile struct conform_exc conform_exc;
static uint64_t got;
static bool got_set;

void conform_main(void);
void conform_unexpected(uint64_t esr, uint64_t elr, uint64_t vector);

/* A single store with no writeback: its abort has a syndrome (ISV 1) the
 * VMM emulates from. */
static void put_char(char c)
{
    __asm__ volatile("str %w0, [%1]" ::"r"((uint32_t)(uint8_t)c), "r"(UART_DR) : "memory");
}

void conform_put_str(const char *s)
{
    while (*s)
        put_char(*s++);
}

void conform_put_hex(uint64_t v)
{
    conform_put_str("0x");
    int shift = 60;
    while (shift > 0 && ((v >> shift) & 0xfu) == 0)
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        put_char("0123456789abcdef"[(v >> shift) & 0xfu]);
}

void conform_put_dec(uint64_t v)
{
    char digits[20];
    unsigned n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        put_char(digits[--n]);
}

void conform_got(uint64_t v)
{
    got = v;
    got_set = true;
}

void conform_exc_clear(void)
{
    conform_exc.esr = 0;
    conform_exc.far = 0;
    conform_exc.elr = 0;
    conform_exc.count = 0;
    conform_exc.ret_lr = 0;
}

uint64_t conform_now(void)
{
    uint64_t v;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
    return v;
}

uint64_t conform_hz(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

/** Runs one case and prints its line; returns its outcome. */
static enum conform_outcome conform_run(const struct conform_case *c)
{
    conform_exc_clear();
    got_set = false;
    struct conform_result r = c->run();
    conform_put_str("conform: ");
    conform_put_str(c->name);
    if (r.outcome == CONFORM_OK) {
        conform_put_str(": ok\n");
        return r.outcome;
    }
    conform_put_str(r.outcome == CONFORM_FAIL ? ": FAIL (" : ": skip (");
    conform_put_str(r.why ? r.why : "no reason given");
    if (got_set) {
        conform_put_str(", got ");
        conform_put_hex(got);
    }
    conform_put_str(")\n");
    return r.outcome;
}

void conform_main(void)
{
    uint64_t count[3] = {0, 0, 0};
    conform_put_str("conform: ");
    conform_put_dec(conform_case_count);
    conform_put_str(" cases\n");
    for (unsigned i = 0; i < conform_case_count; i++)
        count[conform_run(&conform_cases[i])]++;
    conform_put_str("conform: ");
    conform_put_dec(count[CONFORM_OK]);
    conform_put_str(" ok, ");
    conform_put_dec(count[CONFORM_FAIL]);
    conform_put_str(" failed, ");
    conform_put_dec(count[CONFORM_SKIP]);
    conform_put_str(" skipped\n");
    conform_hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
}

/** head.S conform_other: an exception no case asked for. */
void conform_unexpected(uint64_t esr, uint64_t elr, uint64_t vector)
{
    conform_put_str("conform: unexpected exception at vector ");
    conform_put_dec(vector);
    conform_put_str(", esr ");
    conform_put_hex(esr);
    conform_put_str(", elr ");
    conform_put_hex(elr);
    conform_put_str("\n");
    conform_hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
}
