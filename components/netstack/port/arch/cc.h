/*
 * lwIP's architecture header for netstack: AArch64 at EL0 with picolibc
 * (lwip/arch.h). Little-endian, the C library's integer types and
 * errno, diagnostics on the component's console. An assertion in lwIP is
 * an invariant of its own code (never of a frame's content): it stops the
 * component with the message.
 */
#ifndef NETSTACK_ARCH_CC_H
#define NETSTACK_ARCH_CC_H

#include <stdio.h>
#include <stdlib.h>

#ifndef BYTE_ORDER /* a host's C library may say it already (test_ringif) */
#define BYTE_ORDER LITTLE_ENDIAN
#endif

#define LWIP_PLATFORM_DIAG(x)                                                                      \
    do {                                                                                           \
        printf x;                                                                                  \
    } while (0)

#define LWIP_PLATFORM_ASSERT(x)                                                                    \
    do {                                                                                           \
        printf("netstack: lwIP assertion \"%s\" failed at %s:%d\n", x, __FILE__, __LINE__);        \
        abort();                                                                                   \
    } while (0)

/** A pseudo-random number for lwIP (initial local ports): port/sys_arch.c. */
unsigned int netstack_rand(void);
#define LWIP_RAND() netstack_rand()

#endif /* NETSTACK_ARCH_CC_H */
