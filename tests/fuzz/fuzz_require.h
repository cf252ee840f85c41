/*
 * The fuzz targets' invariant check: a broken invariant aborts, so that
 * libFuzzer (and the replays) report it as a crash with its input.
 */
#ifndef FUZZ_REQUIRE_H
#define FUZZ_REQUIRE_H

#include <stdio.h>
#include <stdlib.h>

/** Aborts, naming the condition and where, if c does not hold. */
#define REQUIRE(c)                                                                                 \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #c);              \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#endif /* FUZZ_REQUIRE_H */
