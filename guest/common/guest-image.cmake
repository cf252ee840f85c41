# cv_guest_image(NAME LDSCRIPT SOURCES...): a bare-metal EL1 guest kernel
# (guest/attacker, guest/conform, guest/vbench) from SOURCES and
# guest/common's start, console, GICv2 (gic.c), PSCI call and counter,
# linked by LDSCRIPT, in arm64 Image format:
# ${CMAKE_CURRENT_BINARY_DIR}/NAME.img and its gzip NAME.img.gz (a VM's
# kernel-gz, if it wants one). Built by the target build (cross gcc, no C
# library), not by setup.
set(CV_GUEST_COMMON ${CMAKE_CURRENT_LIST_DIR})
function(cv_guest_image name ldscript)
  add_executable(${name} ${ARGN} ${CV_GUEST_COMMON}/uart.c ${CV_GUEST_COMMON}/gic.c
                 ${CV_GUEST_COMMON}/psci.S ${CV_GUEST_COMMON}/counter.S)
  target_include_directories(${name} PRIVATE ${CV_GUEST_COMMON})
  target_compile_options(${name} PRIVATE -ffreestanding -fno-stack-protector -mstrict-align)
  target_link_options(${name} PRIVATE
    -nostdlib -nostartfiles -static -Wl,--build-id=none -Wl,--no-warn-rwx-segments
    -T ${ldscript})
  set_target_properties(${name} PROPERTIES LINK_DEPENDS ${ldscript})
  set(img ${CMAKE_CURRENT_BINARY_DIR}/${name}.img)
  add_custom_command(TARGET ${name} POST_BUILD
    COMMAND ${CMAKE_OBJCOPY} -O binary $<TARGET_FILE:${name}> ${img}
    COMMAND gzip -9 -n -k -f ${img}
    BYPRODUCTS ${img} ${img}.gz)
endfunction()
