# kernel/src/fdt.c against DTBs that QEMU's virt machine dumps at test time
# (smp 1 and 4), and against every truncation and many random corruptions
# of them (must fail cleanly or parse, never read out of bounds: ASan).
cv_host_test(test_kernel_fdt ${CMAKE_CURRENT_SOURCE_DIR}/test_kernel_fdt.c ${PROJECT_SOURCE_DIR}/kernel/src/fdt.c)
target_include_directories(test_kernel_fdt PRIVATE ${PROJECT_SOURCE_DIR}/kernel/include
                           ${PROJECT_SOURCE_DIR}/kernel/arch/aarch64/include)
find_program(CV_QEMU_AARCH64 qemu-system-aarch64)
target_compile_definitions(test_kernel_fdt PRIVATE
  CV_QEMU="${CV_QEMU_AARCH64}" CV_TEST_TMP="${CMAKE_CURRENT_BINARY_DIR}")
# 77: qemu-system-aarch64 not installed.
set_tests_properties(host.test_kernel_fdt PROPERTIES SKIP_RETURN_CODE 77)
