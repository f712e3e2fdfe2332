"""What the suite's cases know about the kernel tree, in one place, so
that a change in the tree is one change here: numbers read from the
kernel's headers (never copied into a test), the power-off codes QEMU
exits with and the checks of them, the files of fs.img that cases name,
and the inputs fs.img is built from.
"""
import glob
import os
import re

from grade.errors import Fail
from grade.runner import ROOT

# The README as the cases find it in fs.img (cat it, grep it, damage its
# inode), and the file of the tree that the Makefile installs under that
# name.
README = "README"
README_SOURCE = "README.md"

POWER_HEADER = "riscv/power.h"   # POWEROFF_*: QEMU's exit status for each way down

# init, run as `init autotest` (the kernel command line), powers off with
# 0 when usertests passes and with this when it reports a failure
# (user/init.c).
AUTOTEST_FAILED = 1


def header_constant(header, name):
    """The integer value of a plain `#define NAME number` in kernel/header."""
    path = os.path.join(ROOT, "kernel", header)
    try:
        with open(path) as f:
            text = f.read()
    except OSError as e:
        raise Fail(f"cannot read kernel/{header}: {e}")
    m = re.search(r"^#define\s+%s\s+(0x[0-9a-fA-F]+|\d+)\b" % name, text, re.M)
    if not m:
        raise Fail(f"kernel/{header} does not #define {name} as a number")
    return int(m.group(1), 0)


def poweroff_code(name):
    """The exit status QEMU gives for power-off reason name (POWEROFF_NODISK, ...)."""
    return header_constant(POWER_HEADER, name)


def fs_inputs():
    """mkfs's arguments for the files fs.img is made from, in the order the
    Makefile's fs.img rule gives them: the README (as NAME=FILE), then
    every user program, ours and then user/xv6's."""
    bindir = os.path.join(ROOT, "user", "bin")
    programs = (sorted(glob.glob(os.path.join(bindir, "_*"))) +
                sorted(glob.glob(os.path.join(bindir, "xv6", "_*"))))
    return [f"{README}={os.path.join(ROOT, README_SOURCE)}"] + programs


def expect_exit(console, want, what, timeout=30):
    """Wait until QEMU exits by itself and fail unless its status is want;
    what names that status in the message ("POWEROFF_NODISK (4)"). The
    console must run QEMU itself (t.boot(direct=True)): through make, any
    failure is make's status 2."""
    if os.path.basename(console.argv[0]) == "make":
        raise Fail("expect_exit: this boot runs through make, which hides QEMU's status; "
                   "boot it with direct=True")
    status = console.wait_exit(timeout)
    if status != want:
        raise Fail(f"QEMU exited with status {status}, expected {what}")


def expect_poweroff(console, name, timeout=30):
    """Wait until QEMU exits; fail unless with the power-off code name."""
    code = poweroff_code(name)
    expect_exit(console, code, f"{name} ({code})", timeout)


def expect_halt(console, timeout=30):
    """Wait until QEMU exits; fail unless with status 0, a clean power-off."""
    expect_exit(console, 0, "0 (a clean power-off)", timeout)

