/*
 * The generated payload netstack serves and sends (docs/netstack.md): the
 * first N bytes of what `seq 1 BIG` prints ("1\n2\n3\n..."), so a Linux
 * shell can make the same bytes (`seq 1 1000000 | head -c N`) and check
 * an md5 without a file to compare with; a lost, doubled or misplaced
 * segment changes the sum. Portable (host.test_netstack).
 */
#ifndef NETSTACK_SEQ_H
#define NETSTACK_SEQ_H

#include <stddef.h>
#include <stdint.h>

/** A stream's position: the line being written and the bytes still to give. */
struct seq {
    uint64_t num;  /* the number whose line is in text */
    char text[24]; /* its decimal digits and '\n' */
    unsigned len;  /* bytes in text */
    unsigned off;  /* bytes of text already given */
    uint64_t left; /* bytes still to give */
};

/** A stream of the first bytes bytes. */
void seq_init(struct seq *s, uint64_t bytes);

/** Writes the next bytes of the stream into buf (at most size); returns how many (0: done). */
size_t seq_fill(struct seq *s, uint8_t *buf, size_t size);

#endif /* NETSTACK_SEQ_H */
