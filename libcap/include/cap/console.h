/*
 * stdio on the kernel debug console. picolibc's tinystdio writes through
 * the FILE objects defined here; output is collected per line (or 256
 * bytes) and printed with one CV_SYS_DEBUG_PUTS, so lines of different
 * components do not interleave mid-line.
 */
#ifndef CAP_CONSOLE_H
#define CAP_CONSOLE_H

#define CV_CONSOLE_LINE_MAX 256u

/** Print what is buffered, even without a newline. */
void cv_console_flush(void);

#endif /* CAP_CONSOLE_H */
