# The generic kernel (kernel/src) linked into a host program on the fake
# architecture (kernel/arch/fake): scheduling, system call decode, IPC
# paths and the vCPU exit record, driven as the hardware would.
# boot.c (the boot path: linker symbols, the archive) and string.c (the
# kernel's own memset/memcpy: the host's libc has them) stay out.
file(GLOB CV_KERNEL_GENERIC_SRC CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/kernel/src/*.c)
list(REMOVE_ITEM CV_KERNEL_GENERIC_SRC ${PROJECT_SOURCE_DIR}/kernel/src/boot.c
     ${PROJECT_SOURCE_DIR}/kernel/src/string.c)
cv_host_test(test_kernel_generic ${CMAKE_CURRENT_SOURCE_DIR}/test_kernel_generic.c
             ${CV_KERNEL_GENERIC_SRC} ${PROJECT_SOURCE_DIR}/kernel/arch/fake/fake.c)
target_include_directories(test_kernel_generic PRIVATE ${PROJECT_SOURCE_DIR}/kernel/include
                           ${PROJECT_SOURCE_DIR}/kernel/arch/fake/include)
target_compile_definitions(test_kernel_generic PRIVATE CV_MAX_CORES=4 CV_NUM_NODES=4)
