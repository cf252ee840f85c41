/*
 * Stack-protector symbols for the target build. Debian's libfdt.a is
 * compiled with -fstack-protector-strong; picolibc's own definitions live in
 * one object that also drags in raise()/puts() (getpid, kill, stdout), which
 * EL0 programs do not have. These two replace that object. The guard is a
 * fixed canary (no entropy source at EL0): it catches overflows, not attacks
 * that know it.
 */
#include <stdint.h>
#include <unistd.h>

/** The canary checked by -fstack-protector code (GCC __stack_chk_guard ABI). */
uintptr_t __stack_chk_guard = (uintptr_t)0x2a5f3c9e8d7b1604ull;

/** Called on a smashed stack: stop the program (libcap's _exit). */
_Noreturn void __stack_chk_fail(void);

_Noreturn void __stack_chk_fail(void)
{
    _exit(134);
}
