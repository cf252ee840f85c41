/*
 * ticker: a native component that prints a numbered line every half
 * second through the serial server (cap/serial.h), and echoes a line of
 * what is typed to it: the native client beside the guests.
 */
#include <stdio.h>
#include <string.h>

#include <cap/ipc.h>
#include <cap/runtime.h>
#include <cap/serial.h>
#include <cap/syscall.h>

#define TICK_MS 500u

static void say(struct cv_serial *s, const char *text)
{
    cv_serial_write(s, text, strlen(text));
}

/** Collects typed bytes; a full line is answered. */
static void echo_input(struct cv_serial *s, char *line, size_t *len)
{
    char buf[64], out[160];
    size_t n = cv_serial_read(s, buf, sizeof(buf));
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == '\r' || buf[i] == '\n') {
            line[*len] = 0;
            snprintf(out, sizeof(out), "got '%s'\n", line);
            say(s, out);
            *len = 0;
        } else if (*len < 63) {
            line[(*len)++] = buf[i];
        }
    }
}

int run(void)
{
    struct cv_serial s;
    char line[64], text[64];
    size_t len = 0;
    uint64_t freq = cv_timer_freq(), ticks = 0;
    if (!cv_serial_open(&s)) {
        printf("ticker: no serial server link (serial, serial_kick, serial_signal)\n");
        return 1;
    }
    uint64_t period = freq * TICK_MS / 1000u, next = cv_now(), word;
    for (;;) {
        if (cv_now() >= next) {
            snprintf(text, sizeof(text), "tick %llu\n", (unsigned long long)++ticks);
            say(&s, text);
            next = cv_now() + period;
        }
        echo_input(&s, line, &len);
        (void)cv_wait_until(s.signal, next, &word); /* input, or the next tick */
    }
}
