# cv_target_image(APP NODES OUT_VAR)
#
# Adds target `target-<APP>-<NODES>`: a cross build (target/CMakeLists.txt,
# toolchain cmake/aarch64-toolchain.cmake) of the kernel, runtime, loader and
# the app's components into a bootable image. OUT_VAR receives the path of
# its ELF form; the raw arm64 Image form is image.bin beside it, the EFI
# application form image.efi (boot/efi/).
function(cv_target_image app nodes out_var)
  set(name target-${app}-${nodes})
  if(NOT TARGET ${name})
    ExternalProject_Add(${name}
      SOURCE_DIR ${PROJECT_SOURCE_DIR}/target
      BINARY_DIR ${CMAKE_BINARY_DIR}/${name}
      CMAKE_GENERATOR ${CMAKE_GENERATOR}
      CMAKE_ARGS
        -DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/cmake/aarch64-toolchain.cmake
        -DCMAKE_BUILD_TYPE=Release
        -DCV_APP=${app}
        -DCV_NUM_NODES=${nodes}
        -DCV_PLATFORM=${PLATFORM}
        -DCV_SPECC=$<TARGET_FILE:specc>
        -DCV_MKARCHIVE=$<TARGET_FILE:mkarchive>
      INSTALL_COMMAND ""
      BUILD_ALWAYS ON
      USES_TERMINAL_BUILD ON
      BUILD_BYPRODUCTS ${CMAKE_BINARY_DIR}/${name}/image.elf ${CMAKE_BINARY_DIR}/${name}/image.bin
                       ${CMAKE_BINARY_DIR}/${name}/image.efi
      DEPENDS specc mkarchive)
  endif()
  set(${out_var} ${CMAKE_BINARY_DIR}/${name}/image.elf PARENT_SCOPE)
endfunction()
