/*
 * Component entry. The loader sets sp = CV_COMP_STACK_TOP,
 * pc = _start and x0 = CV_COMP_INFO_VADDR (spec.h); everything else is
 * done in C by cv_runtime_start(), which never returns.
 */
    .section .text._start, "ax"
    .global _start
    .type _start, %function
_start:
    mov x29, #0 /* end of the frame-pointer chain for debuggers */
    mov x30, #0
    bl cv_runtime_start
1:  udf #0
    b 1b
    .size _start, . - _start
