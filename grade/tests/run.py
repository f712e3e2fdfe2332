#!/usr/bin/env python3
"""Run the kernel's test suite and print `N passed, N failed`.

Usage: python3 -m grade.tests [-v] [--timeout-scale X] [GROUP...]
       (from the top of the tree; grade/tests/run.py works from anywhere;
       make test builds, then runs every group in order)

A GROUP is a module grade/tests/test_GROUP.py; its CASES are declared as
harness.py describes, on the grade library. Each case prints one line,
PASS or FAIL GROUP/NAME (with the reason and the console's last lines
below a failure), each group its time, and the run ends with the one line
`N passed, N failed` counting every case. Exit status is 1 if any case
failed, 2 for an unknown group. Console logs of failed cases stay in
grade/tests/logs/. The cases run in the top of the tree and expect its
build outputs to be there.
"""
import argparse
import importlib
import os
import signal
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
if __package__ in (None, ""):   # run as a script, not with -m
    sys.path.insert(0, ROOT)

from grade.console import close_all          # noqa: E402  (after the path is set)
from grade.runner import Settings            # noqa: E402
from grade.tests.harness import run_group    # noqa: E402

# The order groups run in: quick host checks first, the long usertests
# last. A test_NAME.py not named here runs too, after these, so adding a
# group is adding its file.
ORDER = ["host", "mkfs", "fsck", "boot", "corrupt", "diskerr", "shell", "jobs", "procs", "xv6", "sched", "trace", "profile", "gdb", "grade", "fuzz", "usertests"]


def all_groups():
    """Every group there is a grade/tests/test_NAME.py for, in ORDER."""
    found = sorted(f[len("test_"):-len(".py")] for f in os.listdir(HERE)
                   if f.startswith("test_") and f.endswith(".py"))
    return [g for g in ORDER if g in found] + [g for g in found if g not in ORDER]


GROUPS = all_groups()
LOGDIR = os.path.join(HERE, "logs")


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m grade.tests",
                                     description="Run the kernel's test suite.")
    parser.add_argument("groups", nargs="*", metavar="GROUP",
                        help=f"run only these groups (default: all of {' '.join(GROUPS)})")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="copy console output to the terminal as it comes")
    parser.add_argument("--timeout-scale", type=float, default=1.0, metavar="X",
                        help="multiply every timeout by X (slow machines)")
    opts = parser.parse_args(argv)
    wanted = [g[len("test_"):] if g.startswith("test_") else g for g in opts.groups] or GROUPS
    unknown = [g for g in wanted if g not in GROUPS]
    if unknown:
        print(f"no such group: {' '.join(unknown)}; the groups are {' '.join(GROUPS)}",
              file=sys.stderr)
        return 2

    os.chdir(ROOT)
    settings = Settings(root=ROOT, logdir=LOGDIR, verbose=opts.verbose,
                        timeout_scale=opts.timeout_scale)
    passed = failed = 0
    failures = []
    started = time.monotonic()
    old_term = signal.signal(signal.SIGTERM, _terminate)
    try:
        for group in wanted:
            def report(name, ok, detail=""):
                nonlocal passed, failed
                if ok:
                    passed += 1
                    print(f"PASS {group}/{name}", flush=True)
                    if detail:
                        print(_indent(detail), flush=True)
                    return
                failed += 1
                failures.append(f"{group}/{name}")
                first, _, rest = (detail or "(no reason given)").partition("\n")
                print(f"FAIL {group}/{name}: {first}", flush=True)
                if rest.strip():
                    print(_indent(rest), flush=True)

            t0 = time.monotonic()
            try:
                module = importlib.import_module(f"grade.tests.test_{group}")
            except Exception:
                report("the group's module loads", False, traceback.format_exc())
            else:
                run_group(group, module.CASES, settings, report)
            print(f"-- {group}: {time.monotonic() - t0:.1f}s", flush=True)
    finally:
        close_all()
        signal.signal(signal.SIGTERM, old_term)

    print(f"-- total time {time.monotonic() - started:.1f}s")
    if failures:
        print("failed: " + ", ".join(failures))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def _indent(text, prefix="    "):
    return "\n".join(prefix + line for line in text.rstrip("\n").split("\n"))


if __name__ == "__main__":
    raise SystemExit(main())
