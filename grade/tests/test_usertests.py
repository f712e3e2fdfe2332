"""usertests, the in-kernel suite, booted headless with the test list on
the kernel command line (init runs it instead of sh and powers off with
its result). Each in-kernel test is reported as its own case, once with
one hart and once with three; then whether the suite ran to its summary
line, and whether QEMU's exit status says what the summary says.

Each configuration is a Session (harness.py) whose start boots QEMU
directly (so that its exit status is its own) and waits for it to power
off; its cases are the `test NAME: OK|FAIL` lines the run printed, known
only once it is over. A run that hangs still reports the tests it got
through, and fails `suite finished` with the reason."""
import re

from grade.errors import TimedOut
from grade.tests.harness import Case, Session, Shared
from grade.tests.tree import AUTOTEST_FAILED

CONFIGS = [("cpus1", 1), ("cpus3", 3)]
TIMEOUT = 600      # seconds for a whole run
RESULT = re.compile(r"^test (\S+): (OK|FAIL.*)$", re.M)
SUMMARY = re.compile(r"^usertests: (\d+) passed, (\d+) failed$", re.M)


def start(cpus, mem=None, tests=()):
    """A Session start: boot headless running usertests (the named tests,
    or all) and wait for QEMU to exit."""
    def boot_and_wait(t):
        sh = t.boot(cpus=cpus, mem=mem, append=" ".join(["autotest", *tests]), direct=True)
        try:
            status, unfinished = sh.wait_exit(TIMEOUT), None
        except TimedOut as e:
            status, unfinished = None, str(e)
        return Shared(output=sh.output, status=status, unfinished=unfinished,
                      summary=SUMMARY.search(sh.output))
    return boot_and_wait


def in_kernel(result):
    def check(t, run):
        assert result == "OK", result
    return check


def finished(t, run):
    assert run.unfinished is None, f"the suite did not finish: {run.unfinished}"
    assert run.summary is not None, f"no summary line (QEMU exit status {run.status})"
    assert RESULT.search(run.output), "the summary came without any test result"


def exit_status(t, run):
    assert run.summary is not None, "needs the suite's summary line, which it did not print"
    want = 0 if run.summary[2] == "0" else AUTOTEST_FAILED
    assert run.status == want, \
        f"QEMU exited {run.status}; usertests said {run.summary[0]!r}, so expected {want}"


def cases(label):
    def listed(run):
        tests = RESULT.findall(run.output) if run is not None else []
        return [Case(f"{label}: {name}", in_kernel(result)) for name, result in tests] + [
            Case(f"{label}: suite finished", finished),
            Case(f"{label}: QEMU exit status reports the result", exit_status),
        ]
    return listed


CASES = [Session(f"usertests, {label}", start(cpus), cases(label), timeout=TIMEOUT + 60)
         for label, cpus in CONFIGS]
