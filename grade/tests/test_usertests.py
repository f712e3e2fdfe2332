"""usertests, the in-kernel suite, booted headless with the test list on
the kernel command line (init runs it instead of sh and powers off with
its result). Each in-kernel test is reported as its own case, once with
one hart and once with three; then whether the suite ran to its summary
line, and whether QEMU's exit status says what the summary says.

Each configuration is a Session (harness.py) whose start boots QEMU
directly (so that its exit status is its own) and waits for it to power
off; its cases are the `test NAME: OK|FAIL` lines the run printed, known
only once it is over. A run that hangs still reports the tests it got
through, and fails `suite finished` with the reason. The two main runs
write to a copy of fs.img rather than a throw-away overlay, and mkfs/fsck
then checks what the whole suite left on it."""
import atexit
import os
import re
import shutil
import subprocess
import tempfile

from grade.errors import TimedOut
from grade.tests.harness import Case, Session, Shared
from grade.tests.tree import AUTOTEST_FAILED, ROOT

CONFIGS = [("cpus1", 1), ("cpus3", 3)]
TIMEOUT = 600      # seconds for a whole run
RESULT = re.compile(r"^test (\S+): (OK|FAIL.*)$", re.M)
SUMMARY = re.compile(r"^usertests: (\d+) passed, (\d+) failed$", re.M)


def start(cpus, mem=None, tests=(), on_copy=False):
    """A Session start: boot headless running usertests (the named tests,
    or all) and wait for QEMU to exit. on_copy: on a copy of fs.img that
    the run writes to (Shared.image), not on a throw-away overlay."""
    def boot_and_wait(t):
        image = None
        if on_copy:
            tmp = tempfile.mkdtemp()
            atexit.register(shutil.rmtree, tmp, ignore_errors=True)
            image = os.path.join(tmp, "fs.img")
            shutil.copy(os.path.join(ROOT, "fs.img"), image)
        sh = t.boot(cpus=cpus, mem=mem, append=" ".join(["autotest", *tests]), direct=True,
                    image=image, snapshot=image is None)
        try:
            status, unfinished = sh.wait_exit(TIMEOUT), None
        except TimedOut as e:
            status, unfinished = None, str(e)
        return Shared(output=sh.output, status=status, unfinished=unfinished,
                      summary=SUMMARY.search(sh.output), image=image)
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


def disk_clean(t, run):
    assert run.unfinished is None, "needs a finished run: QEMU may still be writing the disk"
    done = subprocess.run([os.path.join(ROOT, "mkfs", "fsck"), "-n", run.image],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    assert done.returncode == 0, f"fsck -n on the disk usertests left:\n{done.stdout}"


def cases(label):
    def listed(run):
        tests = RESULT.findall(run.output) if run is not None else []
        return [Case(f"{label}: {name}", in_kernel(result)) for name, result in tests] + [
            Case(f"{label}: suite finished", finished),
            Case(f"{label}: QEMU exit status reports the result", exit_status),
            Case(f"{label}: fsck finds the disk it left clean", disk_clean),
        ]
    return listed


CASES = [Session(f"usertests, {label}", start(cpus, on_copy=True), cases(label),
                 timeout=TIMEOUT + 60)
         for label, cpus in CONFIGS]
