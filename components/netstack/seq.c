/*
 * The `seq 1 BIG` stream (seq.h): one line at a time, formatted when the
 * previous one is used up.
 */
#include <string.h>

#include "seq.h"

/** The line of s->num + 1 into s->text. */
static void seq_next(struct seq *s)
{
    char digits[20];
    unsigned n = 0;
    uint64_t v = ++s->num;
    do {
        digits[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    for (unsigned i = 0; i < n; i++)
        s->text[i] = digits[n - 1u - i];
    s->text[n] = '\n';
    s->len = n + 1u;
    s->off = 0;
}

void seq_init(struct seq *s, uint64_t bytes)
{
    memset(s, 0, sizeof(*s));
    s->left = bytes;
}

size_t seq_fill(struct seq *s, uint8_t *buf, size_t size)
{
    size_t done = 0;
    while (done < size && s->left) {
        if (s->off == s->len)
            seq_next(s);
        size_t n = s->len - s->off;
        if (n > size - done)
            n = size - done;
        if (n > s->left)
            n = (size_t)s->left;
        memcpy(buf + done, s->text + s->off, n);
        s->off += (unsigned)n;
        s->left -= n;
        done += n;
    }
    return done;
}
