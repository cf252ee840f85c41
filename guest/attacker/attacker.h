/*
 * attacker: what its attacks share (attacker.c): device accesses the VMM
 * can emulate, the console (the emulated PL011) and the result lines the
 * tests match.
 */
#ifndef ATTACKER_H
#define ATTACKER_H

#include <stdint.h>

#include "uart.h"

#define RAM_BASE 0x40000000ul /* apps/vm_hostile: 16 MiB at 0x40000000 */
#define RAM_END  0x41000000ul

/** Answers that were not what they must be, on this boot (the tests want none). */
extern unsigned attacker_failures;

/** ESR_EL1 of the last synchronous exception this guest took (head.S skips its instruction). */
extern volatile uint64_t attacker_esr;

/*
 * Device accesses as single loads and stores without writeback: those
 * carry an instruction syndrome (ISV 1) the VMM emulates from. (A compiler
 * may use post-index forms, ISV 0, for a plain volatile access in a loop.)
 */
static inline void write32(uint64_t addr, uint32_t v)
{
    __asm__ volatile("str %w0, [%1]" ::"r"(v), "r"(addr) : "memory");
}

static inline void write16(uint64_t addr, uint16_t v)
{
    __asm__ volatile("strh %w0, [%1]" ::"r"(v), "r"(addr) : "memory");
}

static inline void write8(uint64_t addr, uint8_t v)
{
    __asm__ volatile("strb %w0, [%1]" ::"r"(v), "r"(addr) : "memory");
}

static inline void write64(uint64_t addr, uint64_t v)
{
    __asm__ volatile("str %0, [%1]" ::"r"(v), "r"(addr) : "memory");
}

static inline uint64_t read64(uint64_t addr)
{
    uint64_t v;
    __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
    return v;
}

static inline uint32_t read32(uint64_t addr)
{
    uint32_t v;
    __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
    return v;
}

static inline uint16_t read16(uint64_t addr)
{
    uint32_t v;
    __asm__ volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
    return (uint16_t)v;
}

static inline uint8_t read8(uint64_t addr)
{
    uint32_t v;
    __asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
    return (uint8_t)v;
}

/*
 * The driver's side of a split virtqueue (virtio 1.2 section 2.7), shared
 * by the virtio-mmio and virtio-pci attacks: a ring set's addresses, one
 * descriptor, the available ring's first entry and index.
 */
struct ring {
    uint64_t desc, avail, used;
};

static inline void desc_set(const struct ring *r, unsigned i, uint64_t addr, uint32_t len,
                            uint16_t flags, uint16_t next)
{
    uint64_t d = r->desc + 16u * i;
    write64(d, addr);
    write32(d + 8, len);
    write16(d + 12, flags);
    write16(d + 14, next);
}

/** Puts `head` in available entry 0 and publishes index `idx` (section 2.7.13.2). */
static inline void avail_set(const struct ring *r, uint16_t head, uint16_t idx)
{
    write16(r->avail + 4, head);
    write16(r->avail + 2, idx);
}

/** Copies a text into RAM a byte at a time (no alignment to rely on). */
static inline void put_text(uint64_t at, const char *s, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        write8(at + i, (uint8_t)s[i]);
}

/** One result line: "attacker: WHAT VALUE ok" or "... WRONG (want W)", counted. */
void report(const char *what, uint64_t got, uint64_t want);

/**
 * A suite of cases (virtio.c, virtio_pci.c), each of several checks, whose
 * lines read "attacker: SUITE CASE: ...": a failed check prints a WRONG
 * line (the test rejects it), a case all of whose checks held its outcome
 * with "ok", the suite its tally.
 */
struct attack_suite {
    const char *name;    /* "virtio", "virtio-pci" */
    const char *current; /* the case running */
    unsigned wrong;      /* its checks that failed */
    unsigned count, ok;
};
void suite_case(struct attack_suite *s, const char *name);
/** A failed check's line: suite_wrong_begin prints "attacker: SUITE CASE: WHAT ",
 * the caller may add to it, suite_wrong_end ends it with "GOT WRONG (want W)". */
void suite_wrong_begin(const struct attack_suite *s, const char *what);
void suite_wrong_end(struct attack_suite *s, uint64_t got, uint64_t want);
void suite_check(struct attack_suite *s, const char *what, uint64_t got, uint64_t want);
/** The case's outcome line, if every check so far held. */
void suite_outcome(const struct attack_suite *s, const char *outcome);
/** The case is over: counted ok if every check held. */
void suite_tally(struct attack_suite *s);
/** suite_outcome, then suite_tally. */
void suite_end(struct attack_suite *s, const char *outcome);
/** "attacker: SUITE: N cases ok" (or "..., some WRONG"). */
void suite_summary(const struct attack_suite *s);

#endif /* ATTACKER_H */
