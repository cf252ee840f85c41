# vm_multi's programs and files, for its own description and for
# vm_multi_split's (which includes and amends it): included by both apps'
# CMakeLists.txt, which then name their description.
if(NOT TARGET vmm)
  add_subdirectory(${CV_SRC}/components/vmm vmm)
endif()
add_subdirectory(${CV_SRC}/components/serial serial)
add_subdirectory(${CV_SRC}/components/vswitch vswitch)
cv_app_file(linux ${CV_SRC}/guest/out/Image)
cv_app_file(initrd ${CV_SRC}/guest/out/initrd.gz)
cv_app_file(ports ${CV_SRC}/apps/vm_multi/ports)
