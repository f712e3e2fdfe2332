#!/usr/bin/env python3
"""Run every test of the project and print `N passed, N failed`.

Usage: grade/tests/run.py [GROUP...]     (default: every group, in order)

Each group is a module in grade/tests/ that either has CASES, a list of
(name, function) where the function raises AssertionError on failure, or
run(report), which calls report(name, ok, detail) once per case it ran
(usertests reports one case per in-kernel test). Exit status is 1 if any
case failed.
"""
import importlib
import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
os.chdir(os.path.dirname(os.path.dirname(HERE)))

GROUPS = ["test_host", "test_mkfs", "test_boot", "test_corrupt", "test_shell", "test_jobs", "test_gdb", "test_grade", "test_usertests"]


def main():
    wanted = sys.argv[1:] or GROUPS
    passed = failed = 0
    failures = []
    started = time.monotonic()

    for group in wanted:
        mod = importlib.import_module(group if group.startswith("test_") else "test_" + group)
        label = mod.__name__.replace("test_", "")

        def report(name, ok, detail=""):
            nonlocal passed, failed
            if ok:
                passed += 1
                print(f"PASS {label}/{name}", flush=True)
            else:
                failed += 1
                failures.append(f"{label}/{name}")
                print(f"FAIL {label}/{name}: {detail}", flush=True)

        t0 = time.monotonic()
        if hasattr(mod, "run"):
            try:
                mod.run(report)
            except Exception:
                report("group did not complete", False, traceback.format_exc())
        else:
            for name, fn in mod.CASES:
                try:
                    fn()
                    report(name, True)
                except Exception as e:
                    detail = str(e) if isinstance(e, AssertionError) else traceback.format_exc()
                    report(name, False, detail)
        print(f"-- {label}: {time.monotonic() - t0:.1f}s", flush=True)

    print(f"-- total time {time.monotonic() - started:.1f}s")
    if failures:
        print("failed: " + ", ".join(failures))
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
