# Host unit tests of the root loader's portable parts (loader/elf.c,
# loader/spec.c, loader/archive.c). Included from tests/host/CMakeLists.txt;
# needs cv_host_test() from cmake/host.cmake.
set(CV_LOADER_DIR ${CMAKE_CURRENT_LIST_DIR}/../../loader)

cv_host_test(test_loader_elf
  ${CMAKE_CURRENT_LIST_DIR}/test_loader_elf.c
  ${CV_LOADER_DIR}/elf.c)
target_include_directories(test_loader_elf PRIVATE ${CV_LOADER_DIR})

cv_host_test(test_loader_spec
  ${CMAKE_CURRENT_LIST_DIR}/test_loader_spec.c
  ${CV_LOADER_DIR}/spec.c
  ${CV_LOADER_DIR}/archive.c)
target_include_directories(test_loader_spec PRIVATE ${CV_LOADER_DIR}
  ${CMAKE_CURRENT_LIST_DIR}/../../include)
