#!/usr/bin/env python3
"""Fuzz the kernel's system calls for a while and say whether it survived.

Usage: scripts/fuzz.py [--seconds N] [--cpus N] [--seed N] [--mem SIZE] [-v]
       (make fuzz SECONDS=600 CPUS=3 SEED=42)

Boots the kernel (QEMU's command line from `make print-qemu`, on a
pseudo-terminal, fs.img as a snapshot) to its shell, and runs
grade.fuzz.fuzz(): `free`, `sysfuzz SECONDS SEED`, `free` again and an
`echo`. The verdict line says PASS with sysfuzz's figures, or FAIL with
what went wrong: a panic, a shell that no longer answers, free pages that
did not come back, processes that would not die. Exit status 0 on PASS,
1 on FAIL. The console log stays in grade/logs/fuzz.log; -v shows it as
it comes.
"""
import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from grade.console import PROMPT, SHELL_START, Console    # noqa: E402  (after the path is set)
from grade.errors import Fail                             # noqa: E402
from grade.fuzz import fuzz                               # noqa: E402
from grade.runner import SNAPSHOT_ARGS, qemu_command      # noqa: E402

BOOT_TIMEOUT = 120


def main():
    parser = argparse.ArgumentParser(description="Run sysfuzz on the kernel and check it survived.")
    parser.add_argument("--seconds", type=int, default=60, help="how long to fuzz (default 60)")
    parser.add_argument("--cpus", type=int, default=3, help="harts (default 3)")
    parser.add_argument("--seed", type=int, default=None,
                        help="sysfuzz's seed (default: from the clock, printed)")
    parser.add_argument("--mem", default=None, help="QEMU memory (default: the Makefile's)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the console")
    opts = parser.parse_args()
    seed = opts.seed if opts.seed is not None else int(time.time()) % 1000000

    log = os.path.join(ROOT, "grade", "logs", "fuzz.log")
    print(f"fuzz: {opts.seconds} s, CPUS={opts.cpus}, seed {seed}; console log {log}",
          flush=True)
    with Console(qemu_command(ROOT, opts.cpus, opts.mem) + SNAPSHOT_ARGS, cwd=ROOT, log_path=log,
                 echo=opts.verbose) as qemu:
        try:
            qemu.expect(SHELL_START + PROMPT, BOOT_TIMEOUT, no=[r"^panic: "])
        except Fail as e:
            print(f"fuzz: FAIL: the kernel did not boot to its shell: {e}")
            return 1
        run = fuzz(qemu, opts.seconds, seed)
    for line in run.output.splitlines():
        if line.startswith("sysfuzz: ") and "children at a time" not in line:
            print(line)
    print(f"fuzz: {run.verdict()}")
    return 1 if run.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
