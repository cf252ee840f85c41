/*
 * stdin/stdout/stderr for picolibc's tinystdio (see picolibc stdio.h,
 * FDEV_SETUP_STREAM). stdout and stderr share one line buffer: the
 * runtime is single-threaded.
 */
#include <stdio.h>

#include <cap/console.h>
#include <cap/syscall.h>

static char console_line[CV_CONSOLE_LINE_MAX];
static size_t console_len;

void cv_console_flush(void)
{
    if (console_len)
        cv_debug_puts(console_line, console_len);
    console_len = 0;
}

/** tinystdio put hook: buffer c, print on newline or full buffer. */
static int console_put(char c, FILE *f)
{
    (void)f;
    console_line[console_len++] = c;
    if (c == '\n' || console_len == sizeof(console_line))
        cv_console_flush();
    return (unsigned char)c;
}

/** tinystdio flush hook (fflush). */
static int console_flush_hook(FILE *f)
{
    (void)f;
    cv_console_flush();
    return 0;
}

/** There is no console input: reads see end of file. */
static int console_get(FILE *f)
{
    (void)f;
    return _FDEV_EOF;
}

static FILE console_out =
    FDEV_SETUP_STREAM(console_put, NULL, console_flush_hook, _FDEV_SETUP_WRITE);
static FILE console_in = FDEV_SETUP_STREAM(NULL, console_get, NULL, _FDEV_SETUP_READ);

FILE *const stdout = &console_out;
FILE *const stderr = &console_out;
FILE *const stdin = &console_in;
