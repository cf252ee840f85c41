# Host unit tests of libvmm's portable core (vGIC, Image, device tree, MMIO,
# PL011, PSCI) and the vGIC fuzz target. Included from
# tests/host/CMakeLists.txt; needs cv_host_test() from cmake/host.cmake.
set(CV_LIBVMM_DIR ${CMAKE_CURRENT_LIST_DIR}/../../libvmm)
set(CV_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR}/../fuzz)

# cv_vmm_test(NAME SOURCES...): tests/host/NAME.c + libvmm sources.
function(cv_vmm_test name)
  set(srcs "")
  foreach(s ${ARGN})
    list(APPEND srcs ${CV_LIBVMM_DIR}/src/${s})
  endforeach()
  cv_host_test(${name} ${CMAKE_CURRENT_LIST_DIR}/${name}.c ${srcs})
  target_include_directories(${name} PRIVATE ${CV_LIBVMM_DIR}/include)
endfunction()

cv_vmm_test(test_vgic vgic.c vgic_dist.c)
cv_vmm_test(test_image image.c)
cv_vmm_test(test_mmio mmio.c)
cv_vmm_test(test_pl011 pl011.c)
cv_vmm_test(test_psci psci.c)
cv_vmm_test(test_fdtgen fdtgen.c)
target_link_libraries(test_fdtgen PRIVATE fdt)
find_program(CV_DTC dtc REQUIRED)
# dtc must decompile the generated blob.
add_test(NAME host.test_fdtgen_dtc
  COMMAND test_fdtgen ${CV_DTC} ${CMAKE_CURRENT_BINARY_DIR}/test_fdtgen.dtb)
set_tests_properties(host.test_fdtgen_dtc PROPERTIES LABELS host TIMEOUT 60)

# The fuzz harness replaying a deterministic pseudo-random corpus: always built.
add_executable(fuzz_vgic_replay ${CV_FUZZ_DIR}/fuzz_vgic.c ${CV_FUZZ_DIR}/fuzz_vgic_replay.c
  ${CV_LIBVMM_DIR}/src/vgic.c ${CV_LIBVMM_DIR}/src/vgic_dist.c)
target_include_directories(fuzz_vgic_replay PRIVATE ${CV_LIBVMM_DIR}/include)
target_compile_options(fuzz_vgic_replay PRIVATE ${CV_SAN_FLAGS} -g)
target_link_options(fuzz_vgic_replay PRIVATE ${CV_SAN_FLAGS})
add_test(NAME host.fuzz_vgic_replay COMMAND fuzz_vgic_replay 3000)
set_tests_properties(host.fuzz_vgic_replay PROPERTIES LABELS host TIMEOUT 300)

# The libFuzzer build needs clang's -fsanitize=fuzzer (Debian: clang +
# libclang-rt-dev). The host compiler may be gcc, so clang is run directly,
# after a probe that it can link a fuzzer at all.
find_program(CV_CLANG NAMES clang clang-14)
set(CV_FUZZ_OK FALSE)
if(CV_CLANG)
  set(probe_dir ${CMAKE_CURRENT_BINARY_DIR}/fuzz_probe)
  file(WRITE ${probe_dir}/probe.c
    "#include <stddef.h>\n#include <stdint.h>\n"
    "int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n")
  execute_process(COMMAND ${CV_CLANG} -fsanitize=fuzzer ${probe_dir}/probe.c -o ${probe_dir}/probe
    RESULT_VARIABLE probe_rc OUTPUT_QUIET ERROR_QUIET)
  if(probe_rc EQUAL 0)
    set(CV_FUZZ_OK TRUE)
  endif()
endif()
if(CV_FUZZ_OK)
  set(fuzz_srcs ${CV_FUZZ_DIR}/fuzz_vgic.c ${CV_LIBVMM_DIR}/src/vgic.c
    ${CV_LIBVMM_DIR}/src/vgic_dist.c)
  add_custom_command(OUTPUT fuzz_vgic
    COMMAND ${CV_CLANG} -std=c11 -g -O1 -Wall -Wextra -Werror
            -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
            -I${CV_LIBVMM_DIR}/include ${fuzz_srcs} -o fuzz_vgic
    DEPENDS ${fuzz_srcs} ${CV_LIBVMM_DIR}/include/vmm/vgic.h ${CV_LIBVMM_DIR}/src/vgic_internal.h
    COMMENT "clang -fsanitize=fuzzer fuzz_vgic")
  add_custom_target(fuzz_vgic_bin ALL DEPENDS fuzz_vgic)
  add_test(NAME fuzz.vgic
    COMMAND ${CMAKE_CURRENT_BINARY_DIR}/fuzz_vgic -runs=200000 -max_total_time=60 -max_len=4096
            ${CMAKE_CURRENT_BINARY_DIR}/fuzz_vgic_corpus
    WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
  file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/fuzz_vgic_corpus)
  set_tests_properties(fuzz.vgic PROPERTIES LABELS fuzz TIMEOUT 180)
else()
  message(STATUS "clang -fsanitize=fuzzer unavailable: fuzz.vgic not registered "
                 "(host.fuzz_vgic_replay still runs the harness)")
endif()
