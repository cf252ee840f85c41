/*
 * vmm: the virtual machine monitor component. One instance runs one guest
 * described by its `vm` node (apps/vm_minimal/README.md): it builds the VM from its
 * untyped, boots the guest's Linux Image and serves every guest exit: a
 * thread per vCPU on its core, the main thread for notifications (exits.h).
 */
#include <stdio.h>

#include "exits.h"
#include "vm.h"

/** The VM this component runs (large: the vGIC state; kept out of the stack). */
static struct vm vm;

int run(void)
{
    if (!vm_create(&vm) || !vm_start(&vm)) {
        printf("[%s] VM not started\n", vm.name[0] ? vm.name : "vmm");
        return 1;
    }
    printf("[%s] started %u vcpu(s), %llu MiB of RAM at 0x%llx\n", vm.name, vm.vcpu_count,
           (unsigned long long)(vm.cfg->ram_size >> 20), (unsigned long long)vm.cfg->ram_base);
    if (!exits_start(&vm)) {
        cv_mutex_lock(&vm.lock); /* the servers started may run */
        vm_stop(&vm);
        printf("[%s] VM stopped: its exits cannot be served\n", vm.name);
        cv_mutex_unlock(&vm.lock);
        return 1;
    }
    exits_loop(&vm);
}
