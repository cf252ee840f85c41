#!/usr/bin/env python3
"""Host test of mkarchive, the boot-archive packer.

    test_mkarchive.py MKARCHIVE

Checks the layout of include/capvisor/abi.h (struct cv_archive_header and
entries): entries in command-line order, each file's data at a 4 KiB-aligned
offset, total_size padded to 4 KiB; and that bad arguments give exit status
1, a `mkarchive: error: ...` message and no output file.
"""
import os
import struct
import subprocess
import sys
import tempfile

MAGIC = 0x31524143
NAME_LEN = 48
PAGE = 4096
HEADER = struct.Struct("<IIQ")
ENTRY = struct.Struct("<%dsQQ" % NAME_LEN)
failures = []


def fail(name, why):
    failures.append(name)
    print("FAIL %s: %s" % (name, why))


def run(tool, args):
    return subprocess.run([tool] + args, capture_output=True, text=True,
                          timeout=60)


def parse(blob):
    magic, count, total = HEADER.unpack_from(blob)
    entries = []
    for i in range(count):
        name, off, size = ENTRY.unpack_from(blob, HEADER.size + i * ENTRY.size)
        entries.append((name.rstrip(b"\0").decode(), off, size))
    return magic, total, entries


def check_layout(tool, tmp):
    files = [("rootloader", os.urandom(5000)), ("spec.bin", b""),
             ("hello_client", os.urandom(PAGE)), ("x" * (NAME_LEN - 1), b"!")]
    args = ["-o", os.path.join(tmp, "a.bin")]
    for name, data in files:
        path = os.path.join(tmp, "in-%d" % len(args))
        open(path, "wb").write(data)
        args.append("%s=%s" % (name, path))
    r = run(tool, args)
    if r.returncode != 0:
        return fail("layout", r.stderr)
    blob = open(os.path.join(tmp, "a.bin"), "rb").read()
    magic, total, entries = parse(blob)
    if magic != MAGIC or total != len(blob) or total % PAGE:
        return fail("layout", "magic %#x total %d file %d" %
                    (magic, total, len(blob)))
    end = HEADER.size + len(files) * ENTRY.size
    for (name, data), (ename, off, size) in zip(files, entries):
        if ename != name or size != len(data) or off % PAGE or off < end:
            return fail("layout", "entry %s: %s off %#x size %d" %
                        (name, ename, off, size))
        if blob[off:off + size] != data:
            return fail("layout", "data of %s differs" % name)
        end = off + size
    if len(entries) != len(files) or total < end or total - end >= PAGE:
        return fail("layout", "entry count or padding")
    print("ok   layout: order, 4 KiB alignment, padding, data")


def check_error(tool, tmp, name, args, text):
    out = os.path.join(tmp, "err.bin")
    r = run(tool, ["-o", out] + args)
    if r.returncode != 1 or text not in r.stderr:
        return fail(name, "status %d, stderr %r" % (r.returncode, r.stderr))
    if os.path.exists(out):
        return fail(name, "wrote an output file")
    print("ok   error: %s" % name)


def main():
    tool = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        check_layout(tool, tmp)
        one = os.path.join(tmp, "one")
        open(one, "wb").write(b"1")
        long_name = "n" * NAME_LEN
        check_error(tool, tmp, "missing file", ["a=" + one, "b=/nonexistent"],
                    "mkarchive: error: b: cannot read '/nonexistent'")
        check_error(tool, tmp, "long name", [long_name + "=" + one],
                    "mkarchive: error: name '%s' is longer than %d characters"
                    % (long_name, NAME_LEN - 1))
        check_error(tool, tmp, "duplicate", ["a=" + one, "a=" + one],
                    "mkarchive: error: name 'a' is used twice")
        check_error(tool, tmp, "no '='", [one],
                    "mkarchive: error: '%s' is not NAME=PATH" % one)
        check_error(tool, tmp, "empty name", ["=" + one],
                    "is not NAME=PATH")
        check_error(tool, tmp, "no files", [], "usage")
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
