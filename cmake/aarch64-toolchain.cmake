# Cross toolchain for everything that runs on the aarch64 target:
# Debian's gcc-aarch64-linux-gnu, freestanding, picolibc for EL0 code.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_ASM_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_OBJCOPY aarch64-linux-gnu-objcopy CACHE FILEPATH "objcopy")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CV_PICOLIBC_SPECS /usr/lib/picolibc/aarch64-linux-gnu/picolibc.specs)
