# The capability derivation tree (kernel/src/cap.c) on the host.
cv_host_test(test_cap ${CMAKE_CURRENT_SOURCE_DIR}/test_cap.c
             ${PROJECT_SOURCE_DIR}/kernel/src/cap.c)
target_include_directories(test_cap PRIVATE ${PROJECT_SOURCE_DIR}/kernel/include
                           ${PROJECT_SOURCE_DIR}/kernel/arch/aarch64/include)
