#!/usr/bin/env python3
"""Run qemu_run.py with a disk for a passed-through virtio-blk-device.

    passthrough_run.py WORKDIR QEMU_RUN_ARGS...

Makes WORKDIR/disk.img at each run: a 16 MiB ext2 file system (mkfs.ext2
-d, e2fsprogs) holding data.bin, 4 MiB of random bytes. Then runs
qemu_run.py (beside this script) with the disk as a virtio-blk-device,
which QEMU virt puts in its last virtio-mmio slot (0x0a003e00, SPI 47),
and with @FILE_MD5@ and @DISK_MD5@ in the arguments replaced by the md5
of data.bin and of the whole disk image, as computed here.
"""
import hashlib
import os
import subprocess
import sys


def md5(path):
    h = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def make_disk(work):
    root = os.path.join(work, "root")
    os.makedirs(root, exist_ok=True)
    data = os.path.join(root, "data.bin")
    with open(data, "wb") as f:
        f.write(os.urandom(4 << 20))
    disk = os.path.join(work, "disk.img")
    if os.path.exists(disk):
        os.remove(disk)
    mkfs = "/usr/sbin/mkfs.ext2" if os.path.exists("/usr/sbin/mkfs.ext2") else "mkfs.ext2"
    subprocess.run([mkfs, "-q", "-F", "-b", "4096", "-d", root, disk, "16M"], check=True)
    return md5(data), md5(disk), disk


def main():
    work = sys.argv[1]
    os.makedirs(work, exist_ok=True)
    file_md5, disk_md5, disk = make_disk(work)
    args = [a.replace("@FILE_MD5@", file_md5).replace("@DISK_MD5@", disk_md5)
            for a in sys.argv[2:]]
    run = os.path.join(os.path.dirname(os.path.abspath(__file__)), "qemu_run.py")
    qemu = ["--qemu-arg=-device", "--qemu-arg=virtio-blk-device,drive=d0",
            "--qemu-arg=-drive", "--qemu-arg=if=none,id=d0,format=raw,file=" + disk]
    print("passthrough_run: data.bin %s, disk %s" % (file_md5, disk_md5), flush=True)
    return subprocess.call([sys.executable, run] + args + qemu)


if __name__ == "__main__":
    sys.exit(main())
