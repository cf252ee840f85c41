# kernel/src/fdt.c on the Jetson boards' DTBs (plat/<board>/board.cmake
# CV_BOARD_DTB): the TX1's from Debian's kernel package, which
# scripts/setup.sh extracts (the test fails, not skips, when it is missing),
# and the TX2's compiled here from plat/tx2/tx2.dts. The board data that
# repeats a DTB fact (RAM base, console UART, BOARD_GICV in board.h) is
# passed in and checked against what the reader finds.

# cv_board_facts(BOARD): appends BOARD's facts to CV_BOARD_DTB_DEFS; its
# board.cmake is read in the function's scope (the top level has PLATFORM's).
function(cv_board_facts board)
  include(${PROJECT_SOURCE_DIR}/plat/${board}/board.cmake)
  file(STRINGS ${PROJECT_SOURCE_DIR}/plat/${board}/board.h gicv REGEX "^#define BOARD_GICV ")
  string(REGEX REPLACE ".* 0x0 (0x[0-9a-fA-F]+).*" "\\1" gicv "${gicv}")
  string(TOUPPER ${board} up)
  set(dtb ${CV_BOARD_DTB})
  if(dtb MATCHES "\\.dts$")
    set(dtb ${CMAKE_CURRENT_BINARY_DIR}/${board}.dtb)
    add_custom_command(OUTPUT ${dtb}
      COMMAND dtc -q -I dts -O dtb -o ${dtb} ${CV_BOARD_DTB}
      DEPENDS ${CV_BOARD_DTB} COMMENT "dtc ${board}.dts")
    add_custom_target(board_dtb_${board} DEPENDS ${dtb})
  endif()
  set(CV_BOARD_DTB_DEFS ${CV_BOARD_DTB_DEFS} CV_${up}_DTB="${dtb}"
      CV_${up}_RAM_BASE=${CV_BOARD_RAM_BASE}ull CV_${up}_UART=${CV_BOARD_UART}ull
      CV_${up}_GICV=${gicv}ull PARENT_SCOPE)
endfunction()
set(CV_BOARD_DTB_DEFS "")
cv_board_facts(tx1)
cv_board_facts(tx2)
cv_host_test(test_board_dtb ${CMAKE_CURRENT_SOURCE_DIR}/test_board_dtb.c
             ${PROJECT_SOURCE_DIR}/kernel/src/fdt.c)
target_include_directories(test_board_dtb PRIVATE ${PROJECT_SOURCE_DIR}/kernel/include
                           ${PROJECT_SOURCE_DIR}/kernel/arch/aarch64/include)
target_compile_definitions(test_board_dtb PRIVATE ${CV_BOARD_DTB_DEFS})
add_dependencies(test_board_dtb board_dtb_tx2)
