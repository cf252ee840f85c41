# EL0 programs (components and the root loader), cross-compiled.

# cv_whole_program(TARGET): link-time optimisation for an EL0 program or
# library: a VMM's exit crosses a dozen small functions of the VMM, libvmm
# and libcap (docs/vmm.md "Costs"). Guest images are left alone:
# bench/vcpu compares them with themselves on bare QEMU.
function(cv_whole_program target)
  set_property(TARGET ${target} PROPERTY INTERPROCEDURAL_OPTIMIZATION TRUE)
endfunction()

# cv_add_program(NAME SOURCES...): an EL0 component program linked with
# libcap (runtime + picolibc) at CV_COMP_IMAGE_BASE. It is put in the boot
# archive under NAME, and a description's `program = "NAME"` refers to it.
function(cv_add_program name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE cvcap)
  cv_whole_program(${name})
  set_property(GLOBAL APPEND PROPERTY CV_PROGRAMS ${name})
endfunction()

# cv_app_description(FILE): the app's system description (devicetree source).
function(cv_app_description file)
  get_filename_component(abs ${file} ABSOLUTE)
  set_property(GLOBAL PROPERTY CV_DESCRIPTION ${abs})
endfunction()

# cv_app_description_vcpus(FILE N): the description FILE, whose one VM
# says `vcpus = <1>;`, with N vCPUs instead (a copy in the build
# directory; FILE itself if N is 1): apps whose guest follows NUM_NODES.
function(cv_app_description_vcpus file n)
  get_filename_component(src ${file} ABSOLUTE)
  if(n GREATER 1)
    get_filename_component(base ${file} NAME)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${src})
    file(READ ${src} dts)
    string(REPLACE "vcpus = <1>;" "vcpus = <${n}>;" dts "${dts}")
    file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/${base} "${dts}")
    cv_app_description(${CMAKE_CURRENT_BINARY_DIR}/${base})
  else()
    cv_app_description(${src})
  endif()
endfunction()

# cv_app_file(NAME PATH): put the file PATH (a guest kernel, an initrd) in
# the boot archive under NAME; a component's `files = "NAME"` refers to it.
# PATH must exist when the build is configured: the guest images are built
# by scripts/setup.sh (guest/build-images.sh), not by this build.
function(cv_app_file name path)
  get_filename_component(abs ${path} ABSOLUTE)
  if(NOT EXISTS ${abs})
    message(FATAL_ERROR "cv_app_file(${name}): guest image ${abs} missing: run "
                        "scripts/setup.sh (it runs guest/build-images.sh)")
  endif()
  set_property(GLOBAL APPEND PROPERTY CV_FILES "${name}=${abs}")
endfunction()

# cv_app_built_file(NAME TARGET PATH): like cv_app_file for a file this
# build makes: PATH is produced by TARGET (e.g. guest/attacker's image).
function(cv_app_built_file name target path)
  set_property(GLOBAL APPEND PROPERTY CV_FILES "${name}=${path}")
  set_property(GLOBAL APPEND PROPERTY CV_FILE_TARGETS ${target})
endfunction()
