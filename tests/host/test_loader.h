/*
 * Minimal checking macros shared by the loader and kernel host tests.
 */
#ifndef TEST_LOADER_H
#define TEST_LOADER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures;

/** Record a failure with its location, keep going. */
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            test_failures++;                                                                       \
        }                                                                                          \
    } while (0)

/** expr must fail (-1) with an error message containing needle. */
#define CHECK_FAILS(expr, err, needle)                                                             \
    do {                                                                                           \
        (err)[0] = '\0';                                                                           \
        int rc_ = (expr);                                                                          \
        if (rc_ != -1 || !strstr((err), (needle))) {                                               \
            fprintf(stderr, "%s:%d: want failure with \"%s\", got %d \"%s\"\n", __FILE__,          \
                    __LINE__, (needle), rc_, (err));                                               \
            test_failures++;                                                                       \
        }                                                                                          \
    } while (0)

/** Report and exit with the test result. */
static inline int test_done(const char *name)
{
    if (test_failures)
        fprintf(stderr, "%s: %d failures\n", name, test_failures);
    else
        printf("%s: ok\n", name);
    return test_failures ? 1 : 0;
}

#endif /* TEST_LOADER_H */
