/*
 * kernel_tests: the `tests` component. Runs every case list, then prints
 *
 *     kernel_tests: <P> passed, <F> failed, <S> skipped
 *     kernel_tests: ALL PASSED            (only if F == 0)
 *
 * which tests/system/CMakeLists.txt matches under QEMU.
 */
#include <stdio.h>

#include "kt.h"

int run(void)
{
    printf("kernel_tests: starting on %u core(s)\n", cv_comp_info()->core_count);
    if (!kt_init()) {
        printf("kernel_tests: 0 passed, 1 failed\n");
        return 1;
    }
    kt_untyped_tests();
    kt_cnode_tests();
    kt_tcb_tests();
    kt_ipc_tests();
    kt_ntfn_tests();
    kt_vspace_tests();
    kt_fault_tests();
    kt_vcpu_tests();
    kt_ptimer_tests();
    kt_fpu_tests();
    kt_irq_tests(); /* last: ends with the heartbeat liveness check */
    printf("kernel_tests: %u passed, %u failed, %u skipped\n", kt.passed, kt.failed, kt.skipped);
    if (kt.failed == 0)
        printf("kernel_tests: ALL PASSED\n");
    return kt.failed == 0 ? 0 : 1;
}
