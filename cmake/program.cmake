# EL0 programs (components and the root loader), cross-compiled.

# cv_add_program(NAME SOURCES...): an EL0 component program linked with
# libcap (runtime + picolibc) at CV_COMP_IMAGE_BASE. It is put in the boot
# archive under NAME, and a description's `program = "NAME"` refers to it.
function(cv_add_program name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE cvcap)
  set_property(GLOBAL APPEND PROPERTY CV_PROGRAMS ${name})
endfunction()

# cv_app_description(FILE): the app's system description (devicetree source).
function(cv_app_description file)
  get_filename_component(abs ${file} ABSOLUTE)
  set_property(GLOBAL PROPERTY CV_DESCRIPTION ${abs})
endfunction()
