#!/bin/sh
# Builds the Linux guest images the tests boot, from Debian's arm64 packages:
#   OUTDIR/Image           uncompressed arm64 kernel Image (linux-image-*-cloud-arm64)
#   OUTDIR/Image.gz        the same, gzip'd: what a VM whose kernel runs in
#                          place reboots from (`kernel-gz`, docs/vmm.md)
#   OUTDIR/initrd.gz       busybox initramfs: /init (guest/init), busybox
#                          applets, the virtio/uio modules (not loaded)
#   OUTDIR/kernel-version  the kernel's release string (uname -r)
#
#   guest/build-images.sh [OUTDIR [EXTRA_DIR]]      (or GUEST_EXTRA=EXTRA_DIR)
#
# OUTDIR defaults to guest/out. Everything in EXTRA_DIR is copied into the
# initramfs root (tests add their own static guest programs that way).
# Downloaded .debs are cached in OUTDIR/cache, one file per package version.
# The initrd is reproducible (fixed mtimes, owners, order; gzip -n). A run
# whose outputs are newer than every input does nothing.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/out}
EXTRA=${2:-${GUEST_EXTRA:-}}
CACHE=$OUT/cache
# 2024-01-01T00:00:00Z: every file in the initrd gets this mtime.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1704067200}
export SOURCE_DATE_EPOCH LC_ALL=C

KERNEL_META="linux-image-cloud-arm64:arm64"
BUSYBOX_PKG="busybox-static:arm64"
# In a load order that works (each after what it needs).
MODULES="virtio_ring virtio virtio_mmio virtio_pci_legacy_dev
virtio_pci_modern_dev virtio_pci virtio_console failover net_failover
virtio_net virtio_blk uio uio_pci_generic"
# Links to /bin/busybox: what the tests and a person at the shell use.
APPLETS="sh ash mount umount echo cat uname md5sum sha256sum dd head tail
poweroff reboot halt sleep insmod rmmod modprobe lsmod depmod ls ip ifconfig
route ping setsid cttyhack grep dmesg sync mkdir rm cp mv ln chmod touch
mknod ps kill true false test printf hexdump od wc sed awk cut tr sort
date hostname stty tty env which free top time seq nc wget udhcpc
devmem watch mdev clear reset nproc taskset"

SUDO=""
if [ "$(id -u)" != 0 ]; then
    SUDO="sudo"
fi

log() {
    echo "guest: $*"
}

die() {
    echo "guest: error: $*" >&2
    exit 1
}

APT_LISTS=/var/lib/apt/lists

# The arm64 package lists apt has (none on a fresh machine).
arm64_lists() {
    ls "$APT_LISTS"/*_binary-arm64_Packages* 2>/dev/null || true
}

# Makes apt know arm64 packages; updates the lists only when arm64 ones
# are missing (a foreign architecture just added, or a fresh machine).
apt_arm64_ready() {
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        log "adding dpkg architecture arm64"
        $SUDO dpkg --add-architecture arm64
    fi
    if [ -z "$(arm64_lists)" ]; then
        apt_update
    fi
}

# apt-get update; a failing third-party source (no internet beyond
# Debian's archive) must not stop us if Debian's lists arrived.
apt_update() {
    log "apt-get update (arm64 package lists)"
    $SUDO apt-get update -q || true
    apt-cache show "$KERNEL_META" >/dev/null 2>&1 ||
        die "no $KERNEL_META after apt-get update"
}

# Prints the candidate versions of packages $1 and $2, one a line.
# (Each apt-cache run costs ~0.7 s here: Debian's images keep no pkgcache.)
pkg_versions() {
    apt-cache policy "$1" "$2" | sed -n 's/^ *Candidate: //p'
}

# Prints the kernel package the meta-package depends on (drifts weekly).
kernel_package() {
    apt-cache depends "$KERNEL_META" |
        sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n 1
}

# Downloads package $1 at version $2 into the cache unless already there;
# prints the .deb's path. Retries once after apt-get update (stale lists).
fetch() {
    deb="$CACHE/$(echo "${1%:arm64}_$2" | tr ':' '+')_arm64.deb"
    if [ ! -s "$deb" ]; then
        tmp="$CACHE/download.$$"
        rm -rf "$tmp" && mkdir -p "$tmp"
        chmod 777 "$tmp"  # apt's _apt user writes here when we are root
        if ! (cd "$tmp" && apt-get download -q "$1=$2" >&2); then
            apt_update >&2
            (cd "$tmp" && apt-get download -q "$1=$2" >&2) ||
                die "cannot download $1=$2"
        fi
        mv "$tmp"/*.deb "$deb"
        rm -rf "$tmp"
    fi
    echo "$deb"
}

# Prints the file in $1 (recursively) newer than $2, if any.
newer_than() {
    find "$1" -newer "$2" -print 2>/dev/null | head -n 1
}

# True when the outputs exist and OUT/inputs (the stamp, written after a
# build) says they were built from inputs $1 and is newer than files $2...
built_from() {
    stamp="$OUT/inputs"
    [ -s "$OUT/Image" ] && [ -s "$OUT/Image.gz" ] && [ -s "$OUT/initrd.gz" ] &&
        [ -s "$OUT/kernel-version" ] && [ -f "$stamp" ] || return 1
    [ "$(cat "$stamp")" = "$1" ] || return 1
    shift
    for f in "$HERE/build-images.sh" "$HERE/init" "$HERE/probe/cvprobe.c" "$HERE/xconn/xconn.c" \
        "$HERE/../apps/vm_cross_connector/xconn_proto.h" $EXTRA "$@"; do
        [ -z "$(newer_than "$f" "$stamp")" ] || return 1
    done
}

# The fast check, before asking apt anything: if no package list changed
# since the last build, the candidate versions did not change either.
fresh() {
    [ -f "$OUT/inputs" ] || return 1
    # shellcheck disable=SC2046 # one word per list file
    built_from "$SETTINGS
$(sed -n 2p "$OUT/inputs")" "$CACHE" $(arm64_lists)
}

# Extracts the kernel Image and the listed modules into $1; prints the
# kernel release. Only the needed members are taken out of the .deb.
extract_kernel() {
    patterns=$(for m in $MODULES; do echo "*/$m.ko*"; done)
    (
        set -f  # the patterns are for tar, not for the shell
        # shellcheck disable=SC2086 # one pattern a word
        dpkg-deb --fsys-tarfile "$KERNEL_DEB" |
            tar -x -C "$1" --wildcards './boot/vmlinuz-*' \
                './lib/modules/*/modules.builtin*' './lib/modules/*/modules.order' \
                $patterns
    )
    set -- "$1"/boot/vmlinuz-*
    [ -f "$1" ] || die "no boot/vmlinuz-* in $KERNEL_DEB"
    basename "$1" | sed 's/^vmlinuz-//'
}

# Writes the uncompressed Image from vmlinuz $1 to $2 (Debian's arm64
# vmlinuz is already an Image; other kernels gzip it), and its gzip to $2.gz.
write_image() {
    if [ "$(head -c 2 "$1" | od -An -tx1 | tr -d ' ')" = "1f8b" ]; then
        gzip -dc "$1" >"$2.tmp"
    else
        cp "$1" "$2.tmp"
    fi
    # Linux arm64 boot protocol: "ARM\x64" at offset 56.
    [ "$(dd if="$2.tmp" bs=1 skip=56 count=4 2>/dev/null)" = "$(printf 'ARM\144')" ] ||
        die "$1 is not an arm64 Image"
    gzip -9 -n -c "$2.tmp" >"$2.gz.tmp"
    mv "$2.gz.tmp" "$2.gz"
    mv "$2.tmp" "$2"
}

# Fills the initramfs tree $1 from the extracted packages in $2.
populate_root() {
    root=$1 ver=$3
    mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" \
        "$root/proc" "$root/sys" "$root/tmp" "$root/root" "$root/etc" \
        "$root/lib/modules/$ver/kernel"
    cp "$2/busybox/bin/busybox" "$root/bin/busybox"
    for a in $APPLETS; do
        ln -s busybox "$root/bin/$a"
    done
    cp "$HERE/init" "$root/init"
    echo "capvisor-guest" >"$root/etc/hostname"
    printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
    printf 'root:x:0:\n' >"$root/etc/group"
    kdir="$2/kernel/lib/modules/$ver"
    for m in $MODULES; do
        src=$(find "$kdir/kernel" -name "$m.ko*" | head -n 1)
        [ -n "$src" ] || die "module $m not in the kernel package"
        dst="$root/lib/modules/$ver/${src#"$kdir"/}"
        mkdir -p "$(dirname "$dst")"
        case $src in
        *.ko.xz) xz -dc "$src" >"${dst%.xz}" ;;
        *.ko.zst) zstd -qdc "$src" >"${dst%.zst}" ;;
        *) cp "$src" "$dst" ;;
        esac
    done
    cp "$kdir"/modules.builtin* "$kdir/modules.order" "$root/lib/modules/$ver/" 2>/dev/null || true
    depmod -b "$root" "$ver"
    # capvisor's own guest-side probe (hostile accesses, exit benchmark)
    mkdir -p "$root/usr/bin"
    aarch64-linux-gnu-gcc -static -O2 -s -Wall -Wextra -Werror \
        -o "$root/usr/bin/cvprobe" "$HERE/probe/cvprobe.c"
    # the cross-connector's guest program (apps/vm_cross_connector)
    aarch64-linux-gnu-gcc -static -O2 -s -Wall -Wextra -Werror \
        -o "$root/usr/bin/xconn" "$HERE/xconn/xconn.c"
    if [ -n "$EXTRA" ]; then
        cp -R "$EXTRA"/. "$root/"
    fi
}

# One newc entry (header + name) for a file with no data: $1 name,
# $2 mode, $3 rdev major, $4 rdev minor (newc: 13 8-digit hex fields).
newc_entry() {
    namesize=$((${#1} + 1))
    printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
        0 "$2" 0 0 1 "$SOURCE_DATE_EPOCH" 0 0 0 "$3" "$4" "$namesize" 0 "$1"
    pad=$(((4 - (110 + namesize) % 4) % 4))
    head -c "$pad" /dev/zero
}

# The device nodes the kernel needs before /init runs, as a cpio archive
# of its own (the kernel reads concatenated archives): no mknod, no root.
dev_archive() {
    newc_entry dev $((0040755)) 0 0
    newc_entry dev/console $((0020600)) 5 1
    newc_entry TRAILER!!! 0 0 0
}

# Packs tree $1 into the gzip'd newc archive $2, reproducibly.
pack_initrd() {
    find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
    {
        dev_archive
        (cd "$1" && find . -mindepth 1 | sort |
            cpio -o -H newc -R 0:0 --reproducible --quiet)
    } | gzip -n -9 >"$2.tmp"
    mv "$2.tmp" "$2"
}

main() {
    for tool in dpkg-deb apt-get cpio depmod gzip; do
        command -v "$tool" >/dev/null || die "$tool missing (run scripts/setup.sh)"
    done
    if [ -n "$EXTRA" ]; then
        [ -d "$EXTRA" ] || die "extra directory $EXTRA does not exist"
        EXTRA=$(cd "$EXTRA" && pwd)
    fi
    SETTINGS="extra=$EXTRA epoch=$SOURCE_DATE_EPOCH"
    if fresh; then
        log "up to date: $OUT ($(cat "$OUT/kernel-version"))"
        return 0
    fi
    mkdir -p "$OUT" "$CACHE"
    apt_arm64_ready
    kpkg=$(kernel_package)
    if [ -z "$kpkg" ]; then  # lists present but stale or partial
        apt_update
        kpkg=$(kernel_package)
    fi
    [ -n "$kpkg" ] || die "cannot resolve the kernel package from $KERNEL_META"
    versions=$(pkg_versions "$kpkg" "$BUSYBOX_PKG")
    kver=$(echo "$versions" | sed -n 1p)
    bver=$(echo "$versions" | sed -n 2p)
    for v in "$kver" "$bver"; do
        if [ -z "$v" ] || [ "$v" = "(none)" ]; then
            die "no candidate version for $kpkg or $BUSYBOX_PKG"
        fi
    done
    KERNEL_DEB=$(fetch "$kpkg" "$kver")
    BUSYBOX_DEB=$(fetch "$BUSYBOX_PKG" "$bver")
    inputs="$SETTINGS
$kpkg=$kver $BUSYBOX_PKG=$bver"
    if built_from "$inputs" "$KERNEL_DEB" "$BUSYBOX_DEB"; then
        touch "$OUT/inputs"  # the lists changed, the versions did not
        log "up to date: $OUT ($kpkg $kver)"
        return 0
    fi
    log "building from $kpkg $kver, $BUSYBOX_PKG $bver"
    rm -f "$OUT/inputs"
    work="$OUT/work"
    rm -rf "$work" && mkdir -p "$work/kernel" "$work/busybox" "$work/root"
    release=$(extract_kernel "$work/kernel")
    dpkg-deb -x "$BUSYBOX_DEB" "$work/busybox"
    write_image "$work/kernel/boot/vmlinuz-$release" "$OUT/Image"
    (umask 022 && populate_root "$work/root" "$work" "$release")
    pack_initrd "$work/root" "$OUT/initrd.gz"
    echo "$release" >"$OUT/kernel-version"
    rm -rf "$work"
    echo "$inputs" >"$OUT/inputs"
    log "built $OUT: Image $(wc -c <"$OUT/Image") bytes, initrd.gz" \
        "$(wc -c <"$OUT/initrd.gz") bytes, kernel $release"
}

main
