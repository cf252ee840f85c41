#!/bin/sh
# Installs everything capvisor's build, tests and guest images need on a
# fresh Debian 12 (run as root, or with sudo available). Idempotent: a
# second run only checks. Used by the README's commands and by .ci/run.
set -eu

PACKAGES="build-essential cmake ninja-build python3 git
gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu picolibc-aarch64-linux-gnu
libfdt-dev device-tree-compiler qemu-system-arm clang-format cppcheck clang-tidy
cpio kmod"

SUDO=""
if [ "$(id -u)" != 0 ]; then
    SUDO="sudo"
fi

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done

if [ -n "$missing" ]; then
    echo "setup: installing:$missing"
    $SUDO apt-get update -q
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
else
    echo "setup: all packages present"
fi

# The Linux guest images (kernel Image + busybox initrd from Debian's arm64
# packages, cached in guest/out): does nothing when already up to date.
"$(dirname "$0")/../guest/build-images.sh"
