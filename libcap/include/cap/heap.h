/*
 * The sbrk() area behind picolibc's malloc: the component's heap mapping
 * described in its info page. Without one, sbrk fails and malloc returns
 * NULL.
 */
#ifndef CAP_HEAP_H
#define CAP_HEAP_H

#include <stdint.h>

/** Let sbrk hand out [base, base + size). */
void cv_heap_init(uint64_t base, uint64_t size);

#endif /* CAP_HEAP_H */
