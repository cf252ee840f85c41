/*
 * specc diagnostics: every error about the input is printed as
 * `FILE:LINE: error: what and why`, errors about the command line or the
 * environment as `specc: error: ...`.
 */
#ifndef SPECC_DIAG_H
#define SPECC_DIAG_H

/** Print `LOC: error: MESSAGE` to stderr; loc is "file:line". */
void diag_error(const char *loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Print `specc: error: MESSAGE` to stderr (no input location). */
void diag_tool_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* SPECC_DIAG_H */
