#!/usr/bin/env python3
"""Boot a capvisor image in QEMU, drive its console, check what it prints.

Used by the system tests (ctest) and the benchmarks. QEMU always dies with
this script: on success, failure, timeout or Ctrl-C.

  qemu_run.py --image IMG [--smp N] [--mem 2G] [--machine M] [--timeout S]
              [--expect REGEX]... [--reject REGEX]... [--send TEXT]...
              [--type TEXT]...
              [--expect-exit] [--log FILE] [--qemu-arg ARG]...
  qemu_run.py --kernel Image [--initrd initrd.gz] [--append CMDLINE] ...

Each --expect must match, in order, somewhere in the console output (a
--seen anywhere in it, before or after the last match); any
--reject match at any time fails the run. A --send line is typed once every
--expect before it on the command line has matched (steps run in the order
given; a --send before any --expect is typed at once).
--expect-exit: after the last match QEMU must exit by itself (status 0).
--kernel/--initrd/--append boot a Linux guest on bare QEMU (the reference
the capvisor runs are compared with) instead of a capvisor --image.
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
        "-nographic", "-nic", "none", "-kernel", args.image or args.kernel,
        "-serial", "stdio", "-monitor", "none",
    ]
    if args.initrd:
        cmd += ["-initrd", args.initrd]
    if args.append is not None:
        cmd += ["-append", args.append]
    return cmd + args.qemu_arg


class Console:
    """Accumulates QEMU's console output and waits for patterns in it."""

    def __init__(self, proc, log):
        self.proc = proc
        self.log = log
        self.text = ""
        self.pos = 0  # where the next --expect starts looking
        self.reject_pos = 0  # output before this was checked for rejects
        # QEMU writes the console a byte at a time: a read can end inside a
        # multi-byte character (the "—" of the VMM's stop line), whose
        # bytes must wait for the rest rather than become U+FFFD each.
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def pump(self, timeout):
        fd = self.proc.stdout.fileno()
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return True
        data = os.read(fd, 65536)
        if not data:
            return False
        chunk = self.decoder.decode(data).replace("\r", "")
        self.text += chunk
        if self.log:
            self.log.write(chunk)
            self.log.flush()
        return True

    def wait_for(self, pattern, deadline, rejects, anywhere=False):
        """Waits for pattern after the last match (anywhere: in all the
        output, the last match position left alone)."""
        regex = re.compile(pattern, re.M)
        while True:
            # only what is new (and a line's worth before it): a guest that
            # floods its console must not make each check cost all of it
            start = max(0, self.reject_pos - 4096)
            for r in rejects:
                m = r.search(self.text, start)
                if m:
                    return "rejected output: %r" % m.group(0)
            self.reject_pos = len(self.text)
            m = regex.search(self.text, 0 if anywhere else self.pos)
            if m:
                if not anywhere:
                    self.pos = m.end()
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                return "timeout waiting for %r" % pattern
            if not self.pump(min(left, 0.5)):
                return "QEMU exited (%s) before %r" % (self.proc.poll(), pattern)

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
    console = Console(proc, log)
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
        if not error and args.settle > 0:  # watch for late rejects
            end = min(deadline, time.monotonic() + args.settle)
            while time.monotonic() < end and console.pump(0.2):
                pass
            for r in rejects:
                m = r.search(console.text)
                if m:
                    error = "rejected output: %r" % m.group(0)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        if log:
            log.close()
    if error:
        sys.stdout.write(console.text[-6000:])
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
    p.add_argument("--initrd", help="with --kernel")
    p.add_argument("--append", help="with --kernel: the kernel command line")
    p.add_argument("--qemu", default="qemu-system-aarch64")
    p.add_argument("--machine", default="virt,virtualization=on,gic-version=2",
                   help="-M value (bench/ipc/run.sh adds dtb-randomness=off)")
    p.add_argument("--cpu", default="cortex-a57")
    p.add_argument("--smp", type=int, default=1)
    p.add_argument("--mem", default="2G")
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--settle", type=float, default=0.0,
                   help="seconds to keep watching for --reject after the last match")
    p.add_argument("--expect", action=Step, default=[])
    p.add_argument("--reject", action="append", default=[])
    p.add_argument("--send", action=Step, default=[])
    p.add_argument("--type", action=Step, default=[],
                   help="like --send, without the newline and with Python "
                        "escapes decoded: --type '\\x1d1' is Ctrl-] 1")
    p.add_argument("--seen", action=Step, default=[],
                   help="like --expect, but matched anywhere in the output "
                        "(lines of guests running side by side come in any order)")
    p.add_argument("--qemu-arg", action="append", default=[])
    p.add_argument("--expect-exit", action="store_true",
                   help="QEMU must exit by itself (status 0) after the last match")
    p.add_argument("--log")
    p.add_argument("--echo", action="store_true", help="print the console on success")
    p.add_argument("--print-times", action="store_true")
    args = p.parse_args()
    if not hasattr(args, "steps"):
        args.steps = []
    for path in (args.image, args.kernel, args.initrd):
        if path and not os.path.exists(path):
            print("FAIL: no image %s" % path)
            return 1
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
