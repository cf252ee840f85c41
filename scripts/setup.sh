#!/bin/sh
# Installs everything capvisor's build, tests and guest images need on a
# fresh Debian 12 (run as root, or with sudo available). Idempotent: a
# second run only checks. Used by the README's commands and by .ci/run.
set -eu

NATIVE=$(dpkg --print-architecture)
# libfdt-dev is named with its architecture: once arm64 is a foreign
# architecture (guest images), the bare name may match the arm64 package.
# u-boot-qemu, qemu-efi-aarch64 and mtools: the EFI boot (the two
# firmwares, and the disk with its EFI system partition, scripts/mkesp.sh).
PACKAGES="build-essential cmake ninja-build python3 git
gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross picolibc-aarch64-linux-gnu
libfdt-dev:$NATIVE device-tree-compiler qemu-system-arm clang-format cppcheck clang-tidy
cpio kmod clang libclang-rt-14-dev u-boot-qemu qemu-efi-aarch64 mtools"

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

# libfdt for the aarch64 side (libvmm). libfdt-dev is not Multi-Arch: same in
# Debian 12, so installing libfdt-dev:arm64 would remove the host's
# libfdt-dev: download the arm64 package and unpack it aside instead.
LIBFDT_ARM64=/opt/capvisor/libfdt-arm64
if [ ! -f "$LIBFDT_ARM64/usr/lib/aarch64-linux-gnu/libfdt.a" ]; then
    echo "setup: unpacking libfdt-dev:arm64 into $LIBFDT_ARM64"
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        $SUDO dpkg --add-architecture arm64
        $SUDO apt-get update -q
    fi
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download libfdt-dev:arm64)
    $SUDO mkdir -p "$LIBFDT_ARM64"
    $SUDO dpkg-deb -x "$tmp"/libfdt-dev_*_arm64.deb "$LIBFDT_ARM64"
    rm -rf "$tmp"
fi

# lwIP 2.1.3 for components/netstack, from Debian's source package `lwip`
# (liblwip-dev is only a Linux shared library): `apt-get source` needs a
# deb-src entry, added for the Debian archive apt already uses (the first
# deb822 stanza of debian.sources, or deb.debian.org) if there is none.
# Unpacked in LWIP_DIR, outside the repo; the build finds it there.
LWIP_DIR=/opt/capvisor/lwip
if [ ! -f "$LWIP_DIR/src/include/lwip/init.h" ]; then
    echo "setup: fetching lwIP's source package into $LWIP_DIR"
    if ! apt-cache showsrc lwip >/dev/null 2>&1; then
        src=/etc/apt/sources.list.d/capvisor-deb-src.sources
        deb822=/etc/apt/sources.list.d/debian.sources
        uri=http://deb.debian.org/debian
        suites=bookworm
        keyring=/usr/share/keyrings/debian-archive-keyring.gpg
        if [ -f "$deb822" ]; then
            uri=$(awk '/^URIs:/ {print $2; exit}' "$deb822")
            suites=$(awk '/^Suites:/ {print $2; exit}' "$deb822")
        fi
        printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
            "$uri" "$suites" "$keyring" | $SUDO tee "$src" >/dev/null
        $SUDO apt-get update -q
    fi
    if ! command -v dpkg-source >/dev/null; then
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends dpkg-dev
    fi
    tmp=$(mktemp -d)
    chmod 755 "$tmp" # apt downloads as _apt where it can
    (cd "$tmp" && apt-get source -q lwip)
    $SUDO rm -rf "$LWIP_DIR"
    $SUDO mkdir -p "$(dirname "$LWIP_DIR")"
    $SUDO mv "$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'lwip-*' | head -n 1)" "$LWIP_DIR"
    rm -rf "$tmp"
fi

# The Jetson TX1's DTB, which the host tests of the tx1 board read
# (plat/tx1/board.cmake, docs/build.md): Debian ships it in its generic
# arm64 kernel package (not the cloud one the guest uses). The .deb stays
# in a cache, one file per version; only the DTB is extracted from it.
BOARD_DTBS=/opt/capvisor/dtbs
TX1_DTB=tegra210-p2371-2180.dtb
if [ ! -s "$BOARD_DTBS/$TX1_DTB" ]; then
    pkg=$(apt-cache depends linux-image-arm64:arm64 |
        sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n 1)
    [ -n "$pkg" ] || { echo "setup: no linux-image-arm64:arm64 package" >&2; exit 1; }
    echo "setup: extracting $TX1_DTB from $pkg into $BOARD_DTBS"
    cache=/opt/capvisor/cache
    $SUDO mkdir -p "$cache" "$BOARD_DTBS"
    if [ -z "$(find "$cache" -name "${pkg%:arm64}_*.deb" | head -n 1)" ]; then
        tmp=$(mktemp -d)
        chmod 777 "$tmp" # apt's _apt user writes here when we are root
        (cd "$tmp" && apt-get download -q "$pkg")
        $SUDO mv "$tmp"/*.deb "$cache/"
        rm -rf "$tmp"
    fi
    deb=$(find "$cache" -name "${pkg%:arm64}_*.deb" | head -n 1)
    dpkg-deb --fsys-tarfile "$deb" |
        tar -x -O --wildcards "./usr/lib/linux-image-*/nvidia/$TX1_DTB" >"/tmp/$TX1_DTB.$$"
    [ -s "/tmp/$TX1_DTB.$$" ] || { echo "setup: no $TX1_DTB in $deb" >&2; exit 1; }
    $SUDO mv "/tmp/$TX1_DTB.$$" "$BOARD_DTBS/$TX1_DTB"
    $SUDO chmod 644 "$BOARD_DTBS/$TX1_DTB"
fi
