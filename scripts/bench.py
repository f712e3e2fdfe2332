#!/usr/bin/env python3
"""Run the benchmarks (user/bench.c) several times and summarise them.

Usage: scripts/bench.py [--runs N] [--cpus N] [--raw]     (make bench)

Each run boots the kernel afresh (QEMU's command line from
`make print-qemu`, on a pseudo-terminal, with fs.img as a snapshot),
measures the time from starting QEMU to the shell's first prompt, types
`bench` and collects its `bench NAME VALUE UNIT  description` lines, then
kills QEMU. The table gives, for each figure, the median over the runs,
the smallest and largest value, and the spread: (max - min) / median.

Times depend on the host and on what else it is doing; nothing checks
them. Compare figures taken on the same machine.
"""
import argparse
import os
import re
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from grade.console import PROMPT, Console          # noqa: E402  (after the path is set)
from grade.runner import SNAPSHOT_ARGS, qemu_command   # noqa: E402

LINE = re.compile(r"^bench (\S+) (\d+\.\d+) (\S+)\s+(.*?)(?: \(\d+ times\))?$", re.M)
SKIPPED = re.compile(r"^bench skipped (.*?)\r?$", re.M)
BOOT_TIMEOUT = 120
BENCH_TIMEOUT = 600


def one_run(n, cpus, raw):
    """Boot, run bench once; return ({name: (value, unit, description)},
    seconds from QEMU's start to the prompt)."""
    log = os.path.join(ROOT, "grade", "logs", f"bench-{n}.log")
    with Console(qemu_command(ROOT, cpus) + SNAPSHOT_ARGS, cwd=ROOT, log_path=log) as qemu:
        qemu.expect(PROMPT, BOOT_TIMEOUT, no=[r"panic"])
        boot = time.monotonic() - qemu.started
        out = qemu.run("bench", BENCH_TIMEOUT)
    if raw:
        print(out, end="")
    figures = {m[1]: (float(m[2]), m[3], m[4]) for m in LINE.finditer(out)}
    if not figures:
        raise SystemExit(f"bench printed no figures in run {n}; see {log}:\n{out}")
    return figures, boot, SKIPPED.findall(out)


def fmt(value, unit):
    if unit == "procs":
        return f"{value:.0f}"
    return f"{value:.3f}" if value < 10 else f"{value:.2f}" if value < 100 else f"{value:.1f}"


def main():
    parser = argparse.ArgumentParser(description="Run user/bench.c and summarise it.")
    parser.add_argument("--runs", type=int, default=5, help="boots to run it in (default 5)")
    parser.add_argument("--cpus", type=int, default=1, help="harts (default 1)")
    parser.add_argument("--raw", action="store_true", help="also print bench's own output")
    opts = parser.parse_args()

    runs = []
    for n in range(1, opts.runs + 1):
        runs.append(one_run(n, opts.cpus, opts.raw))
        print(f"bench: run {n} of {opts.runs} done", file=sys.stderr, flush=True)

    names = list(runs[0][0])
    rows = []
    for name in names:
        values = [r[0][name][0] for r in runs if name in r[0]]
        _, unit, what = runs[0][0][name]
        rows.append((f"{what} [{name}]", unit, values))
    rows.append(("QEMU start to first prompt [boot]", "s", [r[1] for r in runs]))

    print(f"bench: {opts.runs} runs, CPUS={opts.cpus}; per figure the median, "
          f"smallest, largest, and (max-min)/median")
    width = max(len(r[0]) for r in rows)
    print(f"{'figure':{width}}  {'median':>10}  {'min':>10}  {'max':>10}  unit   spread")
    for label, unit, values in rows:
        med = statistics.median(values)
        spread = (max(values) - min(values)) / med * 100 if med else 0.0
        print(f"{label:{width}}  {fmt(med, unit):>10}  {fmt(min(values), unit):>10}  "
              f"{fmt(max(values), unit):>10}  {unit:5}  {spread:5.1f}%")
    for line in runs[0][2]:
        print(f"skipped: {line}")


if __name__ == "__main__":
    main()
