#!/usr/bin/env python3
"""Boot a capvisor image in QEMU, drive its console, check what it prints.

Used by the system tests (ctest) and the benchmarks. QEMU always dies with
this script: on success, failure, timeout or Ctrl-C.

  qemu_run.py --image IMG [--smp N] [--mem 2G] [--machine M] [--timeout S]
              [--expect REGEX]... [--reject REGEX]... [--send TEXT]...
              [--type TEXT]...
              [--expect-exit] [--log FILE] [--qemu-arg ARG]...
  qemu_run.py --kernel Image [--initrd initrd.gz] [--append CMDLINE] ...
  qemu_run.py --efi-disk DISK [--bios U-BOOT] ...

Each --expect must match, in order, somewhere in the console output (a
--seen anywhere in it, before or after the last match); any
--reject match at any time fails the run. A --send line is typed once every
--expect before it on the command line has matched (steps run in the order
given; a --send before any --expect is typed at once).
--count N REGEX: at the end, exactly N whole lines matched REGEX.
--expect-exit: after the last match QEMU must exit by itself (status 0).
--settle S: after the last match (and the exit), keep watching for --reject
for S seconds. A capvisor system does not stop when its guest powers off,
so QEMU is killed: without a settle time, a reject printed just after the
last match would go unseen. Default: 1 s when there is a --reject.
--kernel/--initrd/--append boot a Linux guest on bare QEMU (the reference
the capvisor runs are compared with) instead of a capvisor --image.
--efi-disk boots firmware (--bios, default Debian's U-Boot for QEMU) with
DISK as a virtio-mmio disk (read-only: a snapshot), e.g. an EFI system
partition holding the image as an EFI application (scripts/mkesp.sh).
"""
import argparse
import codecs
import os
import re
import select
import signal
import subprocess
import sys
import time


def qemu_command(args):
    cmd = [
        args.qemu, "-M", args.machine,
        "-cpu", args.cpu, "-smp", str(args.smp), "-m", args.mem,
        "-nographic", "-nic", "none", "-serial", "stdio", "-monitor", "none",
    ]
    if args.efi_disk:
        cmd += ["-bios", args.bios,
                "-drive", f"if=none,id=esp,format=raw,snapshot=on,file={args.efi_disk}",
                "-device", "virtio-blk-device,drive=esp"]
    else:
        cmd += ["-kernel", args.image or args.kernel]
    if args.initrd:
        cmd += ["-initrd", args.initrd]
    if args.append is not None:
        cmd += ["-append", args.append]
    return cmd + args.qemu_arg


class Console:
    """Accumulates QEMU's console output and waits for patterns in it.

    Linear in the output: a guest may print tens of MiB. Rejects, --seen
    patterns and --count patterns are checked on new output only (with a
    line's worth of overlap), and output every check is past is dropped;
    offsets (pos, reject_pos, ...) count from the start of all output.
    """

    OVERLAP = 4096  # a match may start this far back in checked output
    KEEP = 1 << 20  # output kept before the oldest offset still needed

    def __init__(self, proc, log, seen=(), counts=(), keep_all=False):
        self.proc = proc
        self.log = log
        self.text = ""
        self.base = 0  # offset of text[0]
        self.pos = 0  # where the next --expect starts looking
        self.expect_pos = 0  # the pending --expect checked output before this
        self.reject_pos = 0  # output before this was checked for rejects
        self.seen = {p: False for p in seen}
        self.seen_regex = {p: re.compile(p, re.M) for p in seen}
        self.seen_pos = 0
        # --count: [regex, wanted, found]; whole lines only, counted once
        self.counts = [[re.compile(r, re.M), n, 0] for n, r in counts]
        self.count_pos = 0
        # QEMU writes the console a byte at a time: a read can end inside a
        # multi-byte character (the "—" of the VMM's stop line), whose
        # bytes must wait for the rest rather than become U+FFFD each.
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.keep_all = keep_all

    def tail(self, n):
        return self.text[-n:]

    def at(self, offset):
        return max(0, offset - self.base)

    def pump(self, timeout):
        fd = self.proc.stdout.fileno()
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return True
        data = os.read(fd, 1 << 20)
        if not data:
            return False
        chunk = self.decoder.decode(data).replace("\r", "")
        self.text += chunk
        if self.log:
            self.log.write(chunk)
            self.log.flush()
        self.scan()
        return True

    def scan(self):
        """Checks new output for --seen and --count, then drops what no
        check needs any more."""
        start = self.at(self.seen_pos - self.OVERLAP)
        for p, regex in self.seen_regex.items():
            if not self.seen[p] and regex.search(self.text, start):
                self.seen[p] = True
        self.seen_pos = self.base + len(self.text)
        end = self.text.rfind("\n") + 1
        if end > self.at(self.count_pos):
            for c in self.counts:
                c[2] += sum(1 for _ in c[0].finditer(self.text, self.at(self.count_pos), end))
            self.count_pos = self.base + end
        oldest = min(max(self.pos, self.expect_pos - self.OVERLAP),
                     self.reject_pos - self.OVERLAP, self.count_pos, self.seen_pos - self.OVERLAP)
        cut = oldest - self.KEEP - self.base
        if cut > self.KEEP and not self.keep_all:
            self.text = self.text[cut:]
            self.base += cut

    def check_rejects(self, rejects, everything=False):
        start = 0 if everything else self.at(self.reject_pos - self.OVERLAP)
        for r in rejects:
            m = r.search(self.text, start)
            if m:
                return "rejected output: %r" % m.group(0)
        self.reject_pos = self.base + len(self.text)
        return None

    def wait_for(self, pattern, deadline, rejects, anywhere=False):
        """Waits for pattern after the last match (anywhere: in all the
        output, the last match position left alone)."""
        regex = re.compile(pattern, re.M)
        self.expect_pos = self.pos
        while True:
            error = self.check_rejects(rejects)
            if error:
                return error
            if anywhere:
                if self.seen[pattern]:
                    return None
            else:
                m = regex.search(self.text, self.at(max(self.pos, self.expect_pos - self.OVERLAP)))
                if m:
                    self.pos = self.expect_pos = self.base + m.end()
                    return None
                self.expect_pos = self.base + len(self.text)
            left = deadline - time.monotonic()
            if left <= 0:
                return "timeout waiting for %r" % pattern
            if not self.pump(min(left, 0.5)):
                return "QEMU exited (%s) before %r" % (self.proc.poll(), pattern)

    def count_errors(self):
        for regex, wanted, found in self.counts:
            if found != wanted:
                return "%d lines matched %r, not %d" % (found, regex.pattern, wanted)
        return None

    def wait_exit(self, deadline):
        """Waits for QEMU to exit by itself with status 0 (guest power-off)."""
        while self.pump(max(0.0, min(deadline - time.monotonic(), 0.5))):
            if time.monotonic() >= deadline:
                return "timeout waiting for QEMU to exit"
        try:
            status = self.proc.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            return "timeout waiting for QEMU to exit"
        return None if status == 0 else "QEMU exited with status %d" % status


def run(args):
    log = open(args.log, "w") if args.log else None
    proc = subprocess.Popen(qemu_command(args), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    counts = [(int(n), r) for n, r in args.count]
    console = Console(proc, log, args.seen, counts, args.echo)
    rejects = [re.compile(r, re.M) for r in args.reject]
    deadline = time.monotonic() + args.timeout
    error = None
    start = time.monotonic()
    try:
        for kind, text in args.steps:
            if kind in ("send", "type"):
                data = text + "\n" if kind == "send" else \
                    codecs.decode(text, "unicode_escape")
                proc.stdin.write(data.encode())
                proc.stdin.flush()
                continue
            error = console.wait_for(text, deadline, rejects, kind == "seen")
            if error:
                break
            if args.print_times:
                print("matched %r at %.3f s" % (text, time.monotonic() - start))
        if not error and args.expect_exit:
            error = console.wait_exit(deadline)
            if not error and args.print_times:
                print("QEMU exited at %.3f s" % (time.monotonic() - start))
        settle = args.settle if args.settle is not None else (1.0 if rejects else 0.0)
        if not error and settle > 0:  # watch for late rejects
            end = min(deadline, time.monotonic() + settle)
            while time.monotonic() < end and console.pump(0.2):
                pass
            error = console.check_rejects(rejects)
        if not error:
            console.scan()
            error = console.count_errors()
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        if log:
            log.close()
    if error:
        sys.stdout.write(console.tail(6000))
        print("\nFAIL: %s" % error)
        return 1
    if args.echo:
        sys.stdout.write(console.text)
    print("PASS: %d patterns matched" % (len(args.expect) + len(args.seen)))
    return 0


class Step(argparse.Action):
    """--expect and --send: also kept, in command-line order, in args.steps."""

    def __call__(self, parser, namespace, value, option_string=None):
        getattr(namespace, self.dest).append(value)
        if not hasattr(namespace, "steps"):
            namespace.steps = []
        namespace.steps.append((self.dest, value))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--image", help="a capvisor image")
    what.add_argument("--kernel", help="a Linux Image, booted on bare QEMU")
    what.add_argument("--efi-disk", help="a disk image the firmware (--bios) boots from")
    p.add_argument("--bios", default="/usr/lib/u-boot/qemu_arm64/u-boot.bin",
                   help="with --efi-disk: the firmware")
    p.add_argument("--initrd", help="with --kernel")
    p.add_argument("--append", help="with --kernel: the kernel command line")
    p.add_argument("--qemu", default="qemu-system-aarch64")
    p.add_argument("--machine", default="virt,virtualization=on,gic-version=2",
                   help="-M value (bench/ipc/run.sh adds dtb-randomness=off)")
    p.add_argument("--cpu", default="cortex-a57")
    p.add_argument("--smp", type=int, default=1)
    p.add_argument("--mem", default="2G")
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--settle", type=float, default=None,
                   help="seconds to keep watching for --reject after the last match "
                        "(default: 1 if there is a --reject, else 0)")
    p.add_argument("--expect", action=Step, default=[])
    p.add_argument("--reject", action="append", default=[])
    p.add_argument("--send", action=Step, default=[])
    p.add_argument("--type", action=Step, default=[],
                   help="like --send, without the newline and with Python "
                        "escapes decoded: --type '\\x1d1' is Ctrl-] 1")
    p.add_argument("--seen", action=Step, default=[],
                   help="like --expect, but matched anywhere in the output "
                        "(lines of guests running side by side come in any order)")
    p.add_argument("--count", nargs=2, action="append", default=[], metavar=("N", "REGEX"),
                   help="at the end, exactly N lines of the output matched REGEX")
    p.add_argument("--qemu-arg", action="append", default=[])
    p.add_argument("--expect-exit", action="store_true",
                   help="QEMU must exit by itself (status 0) after the last match")
    p.add_argument("--log")
    p.add_argument("--echo", action="store_true", help="print the console on success")
    p.add_argument("--print-times", action="store_true")
    args = p.parse_args()
    if not hasattr(args, "steps"):
        args.steps = []
    for path in (args.image, args.kernel, args.initrd, args.efi_disk,
                 args.bios if args.efi_disk else None):
        if path and not os.path.exists(path):
            print("FAIL: no image %s" % path)
            return 1
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
