/*
 * Runs fuzz_netstack.c's target without libFuzzer: a deterministic
 * pseudo-random corpus (test_rng.h). Each input starts as a valid request
 * head (wget's, a bare one, other methods and paths) or a valid settings
 * file, then is damaged: bytes flipped, overwritten with the characters
 * the parsers look for, inserted or dropped, the end cut off; a few are
 * random bytes. argv[1] = number of inputs.
 */
#include <string.h>

#include "fuzz_replay.h"
#include "test_rng.h"

#define INPUT_MAX 2048u

static uint64_t rng_state = 0x5deece66dull;
static uint8_t input[INPUT_MAX];
static size_t input_len;

static uint64_t rnd(void)
{
    return test_rng(&rng_state);
}

/** A valid input: one of the seeds. */
static void seed(void)
{
    static const char *const seeds[] = {
        "GET /gen/4194304 HTTP/1.1\r\nHost: 10.0.0.2\r\nUser-Agent: Wget\r\nConnection: "
        "close\r\n\r\n",
        "GET /gen/1 HTTP/1.0\n\n",
        "HEAD /gen/1073741824 HTTP/1.1\r\n\r\n",
        "GET /nothing HTTP/1.1\r\n\r\n",
        "mac 02:00:00:00:00:02\nip 10.0.0.2/24\nconnect 10.0.0.1 5001 1048576\n",
        "# settings\r\n  ip 192.168.0.1/30 # a comment\nmac aa:bb:cc:dd:ee:ff\n",
    };
    const char *s = seeds[rnd() % (sizeof(seeds) / sizeof(seeds[0]))];
    input_len = strlen(s);
    memcpy(input, s, input_len);
}

/** One damage to input. */
static void mutate(void)
{
    static const char special[] = " \t\r\n#:/.0123456789GET";
    size_t at = input_len ? rnd() % input_len : 0;
    switch (rnd() % 5) {
    case 0:
        if (input_len)
            input[at] ^= (uint8_t)(1u << (rnd() % 8));
        break;
    case 1:
        if (input_len)
            input[at] = (uint8_t)special[rnd() % (sizeof(special) - 1u)];
        break;
    case 2:
        if (input_len < INPUT_MAX) {
            memmove(input + at + 1, input + at, input_len - at);
            input[at] = (uint8_t)special[rnd() % (sizeof(special) - 1u)];
            input_len++;
        }
        break;
    case 3:
        if (input_len) {
            memmove(input + at, input + at + 1, input_len - at - 1u);
            input_len--;
        }
        break;
    default:
        input_len = at;
        break;
    }
}

static void make(void)
{
    if (rnd() % 16 == 0) { /* random bytes, up to past HTTP_REQ_MAX */
        input_len = rnd() % INPUT_MAX;
        for (size_t i = 0; i < input_len; i++)
            input[i] = (uint8_t)rnd();
        return;
    }
    seed();
    for (unsigned k = rnd() % 4; k > 0; k--)
        mutate();
}

/* fuzz_replay() hands the target a fixed size: these inputs vary in length. */
int main(int argc, char **argv)
{
    long runs = argc > 1 ? atol(argv[1]) : 1000;
    for (long i = 0; i < runs; i++) {
        make();
        LLVMFuzzerTestOneInput(input, input_len);
    }
    printf("fuzz_netstack_replay: %ld inputs\n", runs);
    return 0;
}
