#!/usr/bin/env python3
"""How much host CPU an idle kernel costs: boot to the shell's prompt, wait
two seconds, then read QEMU's user + system time from /proc over a window
(10 s by default) and print it as a share of one host core.

Usage: scripts/idle_cpu.py [--cpus N] [--seconds S]   (from the top of the tree, after make)
"""
import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from grade import PROMPT  # noqa: E402
from grade.console import Console  # noqa: E402
from grade.runner import qemu_command  # noqa: E402


def cpu_seconds(pid):
    """User + system CPU time of process pid, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cpus", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=10)
    args = ap.parse_args()
    console = Console(qemu_command(ROOT, args.cpus) + ["-snapshot"], cwd=ROOT)
    try:
        console.expect(PROMPT, 60)
        time.sleep(2)
        pid = console.proc.pid
        t0, w0 = cpu_seconds(pid), time.monotonic()
        time.sleep(args.seconds)
        t1, w1 = cpu_seconds(pid), time.monotonic()
    finally:
        console.close()
    print(f"idle, CPUS={args.cpus}: {100 * (t1 - t0) / (w1 - w0):.2f} % of a host core "
          f"over {w1 - w0:.1f} s")


if __name__ == "__main__":
    main()
