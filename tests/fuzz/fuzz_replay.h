/*
 * The replays' main loop: a fuzz target run without libFuzzer on inputs a
 * replay makes itself (deterministic, test_rng.h), so ctest runs every
 * harness even where clang's libFuzzer is missing.
 */
#ifndef FUZZ_REPLAY_H
#define FUZZ_REPLAY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/**
 * Runs the target on argv[1] inputs (default 1000), each made by make
 * into input (size bytes), then prints how many under name.
 */
static inline int fuzz_replay(int argc, char **argv, const char *name, void (*make)(void),
                              const uint8_t *input, size_t size)
{
    long runs = argc > 1 ? atol(argv[1]) : 1000;
    for (long i = 0; i < runs; i++) {
        make();
        LLVMFuzzerTestOneInput(input, size);
    }
    printf("%s: %ld inputs\n", name, runs);
    return 0;
}

#endif /* FUZZ_REPLAY_H */
