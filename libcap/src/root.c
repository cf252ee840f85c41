/*
 * Start of the root thread (the loader): no info page, no heap; the
 * kernel passes the bootinfo address in x0 and the root owns its TCB cap
 * in CV_ROOT_TCB.
 */
#include <stdio.h>

#include <cap/runtime.h>

_Noreturn void cv_runtime_start_root(uint64_t bootinfo_vaddr)
{
    cv_runtime_init("rootloader", CV_ROOT_TCB, 0, 0);
    int rc = cv_root_main((const struct cv_bootinfo *)(uintptr_t)bootinfo_vaddr);
    if (rc != 0)
        printf("rootloader: stopped with error %d\n", rc);
    cv_runtime_stop();
}
