/*
 * Checking macros shared by the host tests (libvmm, the kernel): record each failure
 * with its location and the values compared, keep going, count checks.
 */
#ifndef TEST_VMM_H
#define TEST_VMM_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures;
static int test_checks;

/** A condition that must hold. */
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        test_checks++;                                                                             \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            test_failures++;                                                                       \
        }                                                                                          \
    } while (0)

/** Two integers that must be equal; both are printed on failure. */
#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                                           \
        test_checks++;                                                                             \
        if (a_ != b_) {                                                                            \
            fprintf(stderr, "%s:%d: %s == %s: 0x%" PRIx64 " != 0x%" PRIx64 "\n", __FILE__,         \
                    __LINE__, #a, #b, a_, b_);                                                     \
            test_failures++;                                                                       \
        }                                                                                          \
    } while (0)

/** Reports and returns the exit status. */
static inline int test_done(const char *name)
{
    if (test_failures)
        fprintf(stderr, "%s: %d of %d checks failed\n", name, test_failures, test_checks);
    else
        printf("%s: ok (%d checks)\n", name, test_checks);
    return test_failures ? 1 : 0;
}

#endif /* TEST_VMM_H */
