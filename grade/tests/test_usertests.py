"""usertests, the in-kernel suite, booted headless with the test list on
the kernel command line (init runs it instead of sh and powers off with
its result). Each in-kernel test is reported as its own case, once with
one hart and once with three."""
import re

from machine import Machine

CONFIGS = [("cpus1", 1), ("cpus3", 3)]
TIMEOUT = 600


def run(report):
    for label, cpus in CONFIGS:
        with Machine(f"usertests-{label}", cpus=cpus, append="autotest") as m:
            try:
                status = m.wait_exit(TIMEOUT)
                finished = True
            except AssertionError as e:
                status, finished = None, False
                report(f"{label}: suite finished", False, str(e))
        seen = 0
        for name, result in re.findall(r"^test (\S+): (OK|FAIL.*)$", m.output, re.M):
            seen += 1
            report(f"{label}: {name}", result == "OK", result)
        if not finished:
            continue
        summary = re.search(r"^usertests: (\d+) passed, (\d+) failed$", m.output, re.M)
        ok = summary is not None and seen > 0
        report(f"{label}: suite finished", ok,
               f"no summary line (QEMU status {status}); see grade/tests/logs/usertests-{label}.log")
        if ok:
            want = 0 if summary[2] == "0" else 1
            report(f"{label}: QEMU exit status reports the result", status == want,
                   f"QEMU exited {status}, expected {want}")
