# Helpers for host-side (x86) code: tools and unit tests.

# cv_host_test(NAME SOURCES...) : a host unit test under ASan/UBSan, run by ctest.
function(cv_host_test name)
  add_executable(${name} ${ARGN})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/include)
  target_compile_options(${name} PRIVATE ${CV_SAN_FLAGS} -g)
  target_link_options(${name} PRIVATE ${CV_SAN_FLAGS})
  add_test(NAME host.${name} COMMAND ${name})
  set_tests_properties(host.${name} PROPERTIES LABELS host TIMEOUT 120)
endfunction()
