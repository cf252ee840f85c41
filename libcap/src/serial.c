/*
 * Serial server client (serial.h).
 */
#include <cap/ipc.h>
#include <cap/runtime.h>
#include <cap/serial.h>

bool cv_serial_open(struct cv_serial *s)
{
    size_t size = 0;
    s->ring = cv_iface_vaddr("serial", &size);
    s->kick = cv_iface_cap("serial_kick");
    s->signal = cv_iface_cap("serial_signal");
    return s->ring && size >= sizeof(*s->ring) && s->kick && s->signal;
}

void cv_serial_write(struct cv_serial *s, const void *buf, size_t n)
{
    const uint8_t *p = buf;
    for (;;) {
        size_t k = sring_put(&s->ring->out, p, n);
        p += k;
        n -= k;
        cv_signal(s->kick);
        if (n == 0)
            return;
        uint64_t word;
        cv_wait(s->signal, &word); /* the server took some: room again */
    }
}

size_t cv_serial_read(struct cv_serial *s, void *buf, size_t n)
{
    size_t k = sring_get(&s->ring->in, buf, n);
    if (k)
        cv_signal(s->kick); /* room for more input */
    return k;
}
