/*
 * Start-up shared by components and the root, and every way a program
 * ends (return from its entry, exit(), abort()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cap/console.h>
#include <cap/heap.h>
#include <cap/invoke.h>
#include <cap/runtime.h>
#include <cap/syscall.h>

/* picolibc: point TPIDR_EL0 at a TLS block (picolib/machine/aarch64). */
void _set_tls(void *tls);
/* program.ld: the TLS block, used in place (the loader copied .tdata). */
extern char __tls_base[];

_Thread_local struct cv_ipcbuf *cv_ipcbuf_self = (struct cv_ipcbuf *)CV_COMP_IPCBUF_VADDR;

static char runtime_name[CV_SPEC_NAME_MAX] = "?";
static uint64_t runtime_tcb;

void cv_runtime_init(const char *name, uint64_t self_tcb, uint64_t heap_base, uint64_t heap_size)
{
    _set_tls(__tls_base);
    strncpy(runtime_name, name, sizeof(runtime_name) - 1);
    runtime_tcb = self_tcb;
    cv_heap_init(heap_base, heap_size);
}

const char *cv_comp_name(void)
{
    return runtime_name;
}

_Noreturn void cv_runtime_stop(void)
{
    cv_console_flush();
    for (;;) /* resumed by a holder of our TCB cap: stop again */
        (void)cv_syscall(CV_SYS_THREAD_EXIT, 0, 0, NULL);
}

_Noreturn void _exit(int status)
{
    printf("%s: exit(%d)\n", runtime_name, status);
    cv_runtime_stop();
}

_Noreturn void abort(void)
{
    printf("%s: abort()\n", runtime_name);
    cv_runtime_stop();
}
