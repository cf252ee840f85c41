# Host unit tests of libvmm's portable core (vGIC v2 and v3, Image, gunzip,
# device tree, MMIO, PL011, PSCI, posted writes, virtqueues, the virtio
# devices and transports) and its fuzz targets.
# Included from tests/host/CMakeLists.txt; needs cv_host_test() from
# cmake/host.cmake.
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

cv_vmm_test(test_vgic vgic.c vgic_dist.c vgic_regs.c vgic_v3.c)
cv_vmm_test(test_vgic3 vgic.c vgic_dist.c vgic_regs.c vgic_v3.c)
cv_vmm_test(test_image image.c)
cv_vmm_test(test_mmio mmio.c)
cv_vmm_test(test_pl011 pl011.c)
cv_vmm_test(test_psci psci.c)
cv_vmm_test(test_fdtgen fdtgen.c machine.c)
target_link_libraries(test_fdtgen PRIVATE fdt)
find_program(CV_DTC dtc REQUIRED)
# dtc must decompile the generated blob.
add_test(NAME host.test_fdtgen_dtc
  COMMAND test_fdtgen ${CV_DTC} ${CMAKE_CURRENT_BINARY_DIR}/test_fdtgen.dtb)
set_tests_properties(host.test_fdtgen_dtc PROPERTIES LABELS host TIMEOUT 60)

cv_vmm_test(test_machine machine.c)
cv_vmm_test(test_vmexit vmexit.c)
cv_vmm_test(test_posted posted.c)
cv_vmm_test(test_virtq virtq.c gmem.c)
cv_vmm_test(test_virtio virtio.c virtio_mmio.c virtio_console.c virtq.c gmem.c)
cv_vmm_test(test_pci pci.c virtio_pci.c virtio.c virtio_console.c virtq.c gmem.c)
cv_vmm_test(test_virtio_net virtio_net.c virtio.c virtio_mmio.c virtio_pci.c pci.c virtq.c gmem.c)
cv_vmm_test(test_gunzip gunzip.c)
cv_vmm_test(test_xconn xconn.c pci.c)
target_link_libraries(test_gunzip PRIVATE z)

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
if(NOT CV_FUZZ_OK)
  message(STATUS "clang -fsanitize=fuzzer unavailable: fuzz.* not registered "
                 "(host.fuzz_*_replay still run the harnesses)")
endif()

# cv_vmm_fuzz(NAME SOURCES <libvmm/src files> [HEADERS <libvmm files>] [LIBS <libs>]
#             [FILES <other sources and headers, full paths>] [INCLUDES <dirs>]):
# tests/fuzz/fuzz_NAME.c with the libvmm sources (and FILES' .c files, for
# portable code outside libvmm, e.g. the switch's), built twice. fuzz_NAME_replay
# adds tests/fuzz/fuzz_NAME_replay.c (a deterministic pseudo-random corpus;
# LIBS are its own) and always runs (ctest host.fuzz_NAME_replay); with clang's
# libFuzzer, fuzz_NAME (target fuzz_NAME_bin) runs for a minute (ctest fuzz.NAME).
function(cv_vmm_fuzz name)
  cmake_parse_arguments(PARSE_ARGV 1 F "" "" "SOURCES;HEADERS;LIBS;FILES;INCLUDES")
  set(srcs ${CV_FUZZ_DIR}/fuzz_${name}.c)
  foreach(s ${F_SOURCES})
    list(APPEND srcs ${CV_LIBVMM_DIR}/src/${s})
  endforeach()
  foreach(s ${F_FILES})
    if(s MATCHES "\\.c$")
      list(APPEND srcs ${s})
    endif()
  endforeach()
  set(deps ${srcs} ${F_FILES} ${CV_FUZZ_DIR}/fuzz_require.h ${CV_FUZZ_DIR}/fuzz_ram.h)
  foreach(h ${F_HEADERS})
    list(APPEND deps ${CV_LIBVMM_DIR}/${h})
  endforeach()
  set(incs ${CV_LIBVMM_DIR}/include ${F_INCLUDES})
  list(TRANSFORM incs PREPEND -I OUTPUT_VARIABLE inc_flags)

  add_executable(fuzz_${name}_replay ${srcs} ${CV_FUZZ_DIR}/fuzz_${name}_replay.c)
  target_include_directories(fuzz_${name}_replay PRIVATE ${incs})
  target_compile_options(fuzz_${name}_replay PRIVATE ${CV_SAN_FLAGS} -g)
  target_link_options(fuzz_${name}_replay PRIVATE ${CV_SAN_FLAGS})
  target_link_libraries(fuzz_${name}_replay PRIVATE ${F_LIBS})
  add_test(NAME host.fuzz_${name}_replay COMMAND fuzz_${name}_replay 3000)
  set_tests_properties(host.fuzz_${name}_replay PROPERTIES LABELS host TIMEOUT 300)
  if(NOT CV_FUZZ_OK)
    return()
  endif()

  add_custom_command(OUTPUT fuzz_${name}
    COMMAND ${CV_CLANG} -std=c11 -g -O1 -Wall -Wextra -Werror
            -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
            ${inc_flags} ${srcs} -o fuzz_${name}
    DEPENDS ${deps}
    COMMENT "clang -fsanitize=fuzzer fuzz_${name}")
  add_custom_target(fuzz_${name}_bin ALL DEPENDS fuzz_${name})
  add_test(NAME fuzz.${name}
    COMMAND ${CMAKE_CURRENT_BINARY_DIR}/fuzz_${name} -runs=200000 -max_total_time=60
            -max_len=4096 ${CMAKE_CURRENT_BINARY_DIR}/fuzz_${name}_corpus
    WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
  file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/fuzz_${name}_corpus)
  set_tests_properties(fuzz.${name} PROPERTIES LABELS fuzz TIMEOUT 180)
endfunction()

cv_vmm_fuzz(vgic SOURCES vgic.c vgic_dist.c vgic_regs.c vgic_v3.c
  HEADERS include/vmm/vgic.h src/vgic_internal.h INCLUDES ${CV_LIBVMM_DIR}/src)
cv_vmm_fuzz(virtq SOURCES virtq.c gmem.c HEADERS include/vmm/virtq.h include/vmm/gmem.h)
cv_vmm_fuzz(pci SOURCES pci.c virtio_pci.c virtio.c virtio_console.c virtq.c gmem.c
  HEADERS include/vmm/pci.h include/vmm/virtio_pci.h include/vmm/virtio.h
  FILES ${CV_FUZZ_DIR}/fuzz_pci_rec.h)
cv_vmm_fuzz(virtio_net SOURCES virtio_net.c virtio_mmio.c virtio.c virtq.c gmem.c
  HEADERS include/vmm/virtio_net.h include/vmm/virtio.h include/vmm/virtq.h)
cv_vmm_fuzz(gunzip SOURCES gunzip.c HEADERS include/vmm/gunzip.h LIBS z)
cv_vmm_fuzz(xconn SOURCES xconn.c pci.c HEADERS include/vmm/xconn.h include/vmm/pci.h
  FILES ${CV_FUZZ_DIR}/fuzz_pci_rec.h)
