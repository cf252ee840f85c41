#!/usr/bin/env python3
"""Host test of specc, the system-description compiler.

    test_specc.py SPECC TESTDIR [APPSDIR]

bad/*.dts: each must fail with exit status 1 and print, on stderr, every
text given in its leading `// expect: ...` lines (the message in the
`FILE:LINE: error: ...` form, FILE being the basename). good/*.dts must
compile, and `specc --dump` of the result must show the expected layout.
Every APPSDIR/*/*.dts (the reference apps) must compile too.
"""
import glob
import os
import re
import struct
import subprocess
import sys
import tempfile

PROGRAMS = "hello_client,hello_server,tests"
# QEMU virt's physical memory, as plat/qemu-arm-virt/board.cmake and
# target/CMakeLists.txt give it (RAM, and the image's bound in it): what
# descriptions with ram-identity are checked against.
QEMU_MEM = ["--ram", "0x40000000:0x80000000", "--image", "0x40000000:0x08000000"]
FILES = "linux,initrd,linux.gz"
failures = []


def fail(name, why):
    failures.append(name)
    print("FAIL %s: %s" % (name, why))


def run(args, env=None):
    return subprocess.run(args, capture_output=True, text=True, env=env,
                          timeout=60)


def expectations(path):
    """The `// expect: TEXT` lines at the top of a bad file."""
    out = []
    with open(path) as f:
        for line in f:
            if not line.startswith("// expect: "):
                break
            out.append(line[len("// expect: "):].rstrip("\n"))
    return out


def check_bad(specc, path, tmp):
    name = os.path.basename(path)
    want = expectations(path)
    out = os.path.join(tmp, "bad.bin")
    if not want:
        return fail(name, "no '// expect:' line")
    r = run([specc, "--programs", PROGRAMS, "--files", FILES] + QEMU_MEM + ["-o", out, path])
    if r.returncode != 1:
        return fail(name, "exit status %d, want 1" % r.returncode)
    for text in want:
        if text not in r.stderr:
            return fail(name, "stderr lacks %r; got:\n%s" % (text, r.stderr))
    if os.path.exists(out):
        return fail(name, "wrote an output file despite the error")
    print("ok   bad/%s" % name)


def compile_dump(specc, path, tmp, programs=PROGRAMS, board=None):
    """Compile path, return the --dump lines, or None (failure reported).
    board: the plat/<board> directory the description's <board.h> is in."""
    out = os.path.join(tmp, os.path.basename(path) + ".bin")
    args = [specc] + QEMU_MEM + ["-o", out, path]
    if board:
        args[1:1] = ["-I", board]
    if programs:
        args[1:1] = ["--programs", programs, "--files", FILES]
    r = run(args)
    if r.returncode != 0:
        fail(path, "specc failed:\n" + r.stderr)
        return None
    d = run([specc, "--dump", out])
    if d.returncode != 0:
        fail(path, "--dump failed:\n" + d.stderr)
        return None
    return d.stdout.splitlines()


def fields(lines, prefix):
    """key=value pairs of the dump line starting with prefix."""
    for line in lines:
        if line.strip().startswith(prefix + " "):
            return dict(w.split("=", 1) for w in line.split() if "=" in w)
    return None


# good file -> {dump line prefix: {key: value}}
GOOD = {
    "hello.dts": {
        "spec": {"app": "hello", "components": "2", "objects": "3",
                 "ifaces": "6"},
        "component[0]": {"name": "client", "untyped_bits": "20",
                         "flags": "0x1", "fault_handler": "server",
                         "iface_first": "0", "iface_count": "3"},
        "iface[0]": {"name": "echo", "kind": "rpc_client", "badge": "0x1"},
        "iface[2]": {"kind": "dataport", "vaddr": "0x10000000",
                     "rights": "0x3"},
        "iface[3]": {"name": "echo", "kind": "rpc_server", "badge": "0x0"},
        "iface[4]": {"name": "done", "kind": "ntfn_emit", "badge": "0x1"},
    },
    "full.dts": {
        "spec": {"app": "full", "components": "4", "objects": "8",
                 "ifaces": "15"},
        "component[0]": {"priority": "120", "affinity": "1",
                         "iface_count": "4"},
        "component[2]": {"stack_size": "0x8000", "heap_size": "0x0",
                         "cnode_radix": "5", "iface_first": "5"},
        "component[3]": {"flags": "0x1", "untyped_bits": "20"},
        "iface[4]": {"name": "echo", "kind": "rpc_client", "badge": "0x2"},
        "iface[3]": {"name": "big", "vaddr": "0x10200000"},
        "iface[6]": {"kind": "ntfn_emit", "badge": "0x1"},
        "iface[10]": {"kind": "ntfn_emit", "badge": "0x2"},
        "iface[11]": {"name": "rtc_irq_ntfn", "kind": "ntfn_consume"},
        "iface[12]": {"name": "rtc", "kind": "device",
                      "vaddr": "0x10000000"},
        "iface[13]": {"name": "rtc_irq", "kind": "irq", "ntfn_iface": "11"},
        "iface[14]": {"name": "uart", "vaddr": "0x10200000"},
        "object[5]": {"name": "rtc", "kind": "device", "paddr": "0x9010000",
                      "size": "0x1000"},
        "object[6]": {"name": "rtc_irq", "kind": "irq", "irq": "34"},
    },
    "vm.dts": {
        "spec": {"app": "vm", "components": "2", "objects": "4",
                 "ifaces": "6", "vms": "2"},
        "component[0]": {"name": "vm0", "untyped_bits": "30",
                         "flags": "0x2", "cnode_radix": "5",
                         "iface_count": "4", "vm": "0"},
        "component[1]": {"iface_first": "4", "vm": "1"},
        "iface[0]": {"name": "linux", "kind": "file", "object": "linux",
                     "vaddr": "0x0", "rights": "0x1"},
        "iface[1]": {"name": "initrd", "kind": "file"},
        "iface[2]": {"name": "gicv", "kind": "frames", "vaddr": "0x0"},
        "iface[3]": {"name": "ram", "kind": "frames", "object": "ram"},
        "iface[4]": {"name": "linux", "kind": "file", "object": "linux"},
        "iface[5]": {"name": "ram", "kind": "dataport",
                     "vaddr": "0x10000000"},
        "object[0]": {"name": "linux", "kind": "file"},
        "object[2]": {"name": "gicv", "kind": "device",
                      "paddr": "0x8040000", "size": "0x2000"},
        "vm[0]": {"ram_base": "0x40000000", "ram_size": "0x20000000",
                  "vcpus": "2", "flags": "0x2", "kernel": "linux",
                  "initrd": "initrd", "kernel_gz": "none",
                  "bootargs": '"console=ttyAMA0'},
        "vm[0].vcpu_affinity": {"cores": "3,1"},
        "vm[0].device[0]": {"name": "console0", "kind": "3", "transport": "1",
                            "address": "0x0", "interrupt": "0"},
        "vm[0].device[1]": {"name": "hvc1", "address": "0xa001000",
                            "interrupt": "90"},
        "vm[0].device[2]": {"name": "console2", "address": "0x0"},
        "vm[0].device[3]": {"name": "pci0", "kind": "3", "transport": "2",
                            "address": "0x0", "interrupt": "0",
                            "mac": "00:00:00:00:00:00"},
        "vm[0].device[4]": {"name": "net0", "kind": "1", "transport": "1",
                            "mac": "02:00:00:00:00:01"},
        "vm[0].device[5]": {"name": "net1", "kind": "1", "transport": "2",
                            "mac": "52:54:00:12:34:56"},
        "vm[1].device[0]": {"name": "net0", "kind": "1",
                            "mac": "02:00:00:00:00:02"},
        "vm[1]": {"ram_base": "0x100000000", "ram_size": "0x200000",
                  "vcpus": "1", "flags": "0x1", "initrd": "none",
                  "bootargs": '""'},
    },
    "vm_gz.dts": {
        "iface[0]": {"name": "linux", "kind": "file", "rights": "0x3"},
        "iface[1]": {"name": "linux.gz", "kind": "file", "rights": "0x1"},
        "iface[2]": {"name": "initrd", "kind": "file", "rights": "0x1"},
        "iface[3]": {"name": "initrd", "kind": "file", "rights": "0x1"},
        "vm[0]": {"kernel": "linux", "kernel_gz": "linux.gz",
                  "initrd": "initrd"},
    },
    "include.dts": {
        "spec": {"app": "include"},
        "component[0]": {"priority": "7", "affinity": "2"},
    },
}


def check_good(specc, path, tmp):
    name = os.path.basename(path)
    lines = compile_dump(specc, path, tmp)
    if lines is None:
        return
    for prefix, want in GOOD.get(name, {}).items():
        got = fields(lines, prefix)
        if got is None:
            return fail(name, "dump has no line %s" % prefix)
        for key, value in want.items():
            if got.get(key) != value:
                return fail(name, "%s %s=%s, want %s" %
                            (prefix, key, got.get(key), value))
    print("ok   good/%s" % name)


def check_binary(specc, tmp, good_dir):
    """The blob itself: header fields and little-endian layout."""
    out = os.path.join(tmp, "hello.bin")
    r = run([specc, "-o", out, os.path.join(good_dir, "hello.dts")])
    if r.returncode != 0:
        return fail("binary", r.stderr)
    blob = open(out, "rb").read()
    # Header: 10 words, app name (32), vm_count, reserved = 80 bytes;
    # component 112, object 56, iface 64, vm 896 bytes.
    head = struct.unpack_from("<10I", blob)
    want = (0x50535643, 7, len(blob), 2, 3, 6, 80, 80 + 2 * 112,
            80 + 2 * 112 + 3 * 56, 80 + 2 * 112 + 3 * 56 + 6 * 64)
    if head != want:
        return fail("binary", "header %r, want %r" % (head, want))
    vm_count, = struct.unpack_from("<I", blob, 72)
    if blob[40:46] != b"hello\0" or vm_count != 0 or head[2] != head[9]:
        return fail("binary", "app name, vm_count or size")
    # vm_index of a component without a vm (offset 104 in the component).
    if struct.unpack_from("<I", blob, 80 + 104)[0] != 0xffffffff:
        return fail("binary", "vm_index of a component without vm")
    # Corrupt the magic: --dump must refuse it.
    bad = os.path.join(tmp, "corrupt.bin")
    open(bad, "wb").write(b"XXXX" + blob[4:])
    d = run([specc, "--dump", bad])
    if d.returncode != 1 or "malformed spec" not in d.stderr:
        return fail("binary", "--dump accepted a corrupt blob")
    print("ok   binary layout, corrupt blob rejected")


def check_misc(specc, tmp, good_dir):
    hello = os.path.join(good_dir, "hello.dts")
    r = run([specc, "-o", os.path.join(tmp, "x.bin"), "/nonexistent.dts"])
    if r.returncode != 1 or "cannot read '/nonexistent.dts'" not in r.stderr:
        return fail("misc", "missing input: %r" % r.stderr)
    env = dict(os.environ, CV_DTC="/nonexistent/dtc")
    r = run([specc, "-o", os.path.join(tmp, "x.bin"), hello], env=env)
    if r.returncode != 1 or "cannot run '/nonexistent/dtc'" not in r.stderr:
        return fail("misc", "CV_DTC override: %r" % r.stderr)
    r = run([specc, hello])
    if r.returncode != 1 or "usage" not in r.stderr:
        return fail("misc", "no -o must be a usage error")
    print("ok   missing input, CV_DTC, usage")


def check_app(specc, path, tmp, board_h, apps):
    """An app description compiled with board_h's directory as -I: the
    spec must hold that board's GICV (BOARD_GICV) where the app maps it."""
    board = os.path.dirname(board_h)
    lines = compile_dump(specc, path, tmp, None, board)
    if lines is None:
        return
    with open(board_h) as f:
        m = re.search(r"#define BOARD_GICV 0x0 (0x[0-9a-fA-F]+)", f.read())
    with open(path) as f:
        uses_gicv = "BOARD_GICV" in f.read() or path.endswith("vm_multi_split.dts")
    if not m:
        return fail(board_h, "no BOARD_GICV")
    want = "paddr=0x%x" % int(m.group(1), 16)  # the device object's address, whole
    if uses_gicv and not any(l.strip().startswith("object[") and " name=gicv " in l and
                             want in l.split() for l in lines):
        return fail(path, "%s's GICV %s not in the spec" % (board, m.group(1)))
    print("ok   %s (%s)" % (os.path.relpath(path, apps), os.path.basename(board)))


def check_app_needs_board(specc, apps, tmp, boards):
    """The apps' descriptions exist for each board: without -I they fail."""
    if len(boards) < 3:
        return fail("suite", "fewer than 3 plat/*/board.h")
    path = os.path.join(apps, "vm_minimal", "vm_minimal.dts")
    r = run([specc, "-o", os.path.join(tmp, "x.bin"), path])
    if r.returncode == 0 or "board.h" not in r.stderr:
        return fail(path, "compiled without a board's -I: %r" % r.stderr)
    print("ok   vm_minimal needs -I plat/<board>")


def main():
    specc, testdir = sys.argv[1], sys.argv[2]
    apps = sys.argv[3] if len(sys.argv) > 3 else None
    # the apps include <board.h>: compile them for every board
    boards = sorted(glob.glob(os.path.join(apps or "/-", "..", "plat", "*", "board.h")))
    bad = sorted(glob.glob(os.path.join(testdir, "bad", "*.dts")))
    good_dir = os.path.join(testdir, "good")
    good = sorted(glob.glob(os.path.join(good_dir, "*.dts")))
    with tempfile.TemporaryDirectory() as tmp:
        for path in bad:
            check_bad(specc, path, tmp)
        for path in good:
            check_good(specc, path, tmp)
        check_binary(specc, tmp, good_dir)
        check_misc(specc, tmp, good_dir)
        for path in sorted(glob.glob(os.path.join(apps or "/-", "*",
                                                  "*.dts"))):
            for board in boards:
                check_app(specc, path, tmp, board, apps)
        if apps:
            check_app_needs_board(specc, apps, tmp, boards)
    print("%d bad, %d good files; %d failures" %
          (len(bad), len(good), len(failures)))
    if len(bad) < 12:
        fail("suite", "fewer than 12 bad files")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
