#!/bin/sh
# Builds APP for BOARD in BUILD_DIR (the target side only, as
# cmake/target-image.cmake configures it, with given host tools) and
# checks its image: images/capdl-loader-image-arm-BOARD, linked at LOAD.
#   build_board.sh SRC BUILD_DIR BOARD APP NODES SPECC MKARCHIVE LOAD
set -eu
src=$1 dir=$2 board=$3 app=$4 nodes=$5 specc=$6 mkarchive=$7 load=$8
cmake -G Ninja -S "$src/target" -B "$dir" \
    -DCMAKE_TOOLCHAIN_FILE="$src/cmake/aarch64-toolchain.cmake" -DCMAKE_BUILD_TYPE=Release \
    -DCV_APP="$app" -DCV_NUM_NODES="$nodes" -DCV_PLATFORM="$board" \
    -DCV_SPECC="$specc" -DCV_MKARCHIVE="$mkarchive" >"$dir.configure.log" 2>&1 ||
    { cat "$dir.configure.log"; exit 1; }
ninja -C "$dir" >"$dir.build.log" 2>&1 || { tail -n 40 "$dir.build.log"; exit 1; }
mkdir -p "$dir/images"
cp "$dir/image.elf" "$dir/images/capdl-loader-image-arm-$board"
"${CV_PYTHON:-python3}" "$(dirname "$0")/check_image.py" \
    "$dir/images/capdl-loader-image-arm-$board" "$dir/image.bin" "$load"
