"""Declaring tests, running them, scoring them.

A grading script declares each test with the @test decorator and ends by
calling main(). main() reads the command line, builds the kernel once,
runs the chosen tests in the order they were declared, and prints

    == Test NAME ==
    NAME: OK (1.2s)                      or   NAME: FAIL (1.2s)
                                                  the reason
                                                  last console lines
    Score: N/M

It exits with status 0 only if the score is full. Each test function
gets a Run, which opens consoles and debuggers for it and is the only way
a test should start QEMU: when the test ends, however it ends (a failed
check, its time running out, a bug in the script, Ctrl-C), the Run kills
everything it started and checks that nothing is left. A failing test's
console log stays in the log directory; a passing test's is removed.

A test may name a parent test: the parent runs first (once, even if only
the child was asked for), its return value is the child's `t.parent`, and
if it fails the child fails without running. This is how one long boot
(say, a whole usertests run) is scored as several parts.

A test fails by raising Fail (t.match, t.check and every wait do), or by
a plain `assert` that does not hold: its message, or else the line of the
assert, is the reason. Any other exception is a bug in the script and is
reported with its traceback. call_limited() is that rule, with the time
limit, for code that runs steps of its own (grade/tests/ does, for cases
that share one boot).

Booting. Run.boot() runs `make qemu`, with what the test adds in
QEMUEXTRA, as an xv6 autograder does. A boot that must change the
Makefile's command line rather than add to it (no disk at all) runs QEMU
itself, with the command line `make print-qemu` prints (qemu_command()),
so there is still one source for it. So does a boot that asks for
direct=True: its wait_exit() is QEMU's own exit status, where through
make any failure is make's 2.
"""
import argparse
import fnmatch
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

from grade.console import PROMPT, SHELL_START, Console, close_all, tail
from grade.errors import Fail, TimedOut
from grade.gdb import Gdb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_TIMEOUT = 60     # seconds a test may take, unless it says otherwise
ALARM_GRACE = 5          # the backstop alarm fires this long after a deadline
BUILD_TIMEOUT = 900

# The disk's drive id in the Makefile's QEMU command line: `-drive
# file=fs.img,...,id=x0` and the `-device virtio-blk-device,drive=x0` that
# attaches it. The options below name the disk by it.
DISK_ID = "x0"

# QEMU arguments that make a boot leave its disk image alone: writes go to
# a temporary overlay, and the image is not locked, so a boot works while
# another QEMU (a student's `make qemu`, another grader) has fs.img open.
SNAPSHOT_ARGS = ["-snapshot", "-set", f"drive.{DISK_ID}.file.locking=off"]


def image_args(path):
    """QEMU arguments that make the disk the image file at path, not fs.img."""
    return ["-set", f"drive.{DISK_ID}.file={os.path.abspath(path)}"]


def make_settings(cpus=None, mem=None, append=None, deterministic=False):
    """The Makefile variables (CPUS=, MEM=, APPEND=, DETERMINISTIC=) that
    give QEMU these settings; None or False leaves the Makefile's own."""
    settings = []
    if cpus:
        settings.append(f"CPUS={cpus}")
    if mem:
        settings.append(f"MEM={mem}")
    if append is not None:
        settings.append(f"APPEND={append}")
    if deterministic:
        settings.append("DETERMINISTIC=1")
    return settings


def qemu_command(root=ROOT, cpus=None, mem=None, disk=True, append=None, deterministic=False):
    """QEMU's command line as the Makefile has it (`make print-qemu`), as a
    list of arguments; without the disk if not disk. cpus and mem set
    CPUS and MEM; QEMUEXTRA is left empty, whatever the environment says,
    so that the caller adds its own arguments as a list."""
    argv = ["make", "-s", "--no-print-directory", "print-qemu", "QEMUEXTRA="]
    argv += make_settings(cpus, mem, append, deterministic)
    try:
        done = subprocess.run(argv, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, timeout=60)
    except subprocess.TimeoutExpired:
        raise Fail("make print-qemu did not finish in 60s")
    if done.returncode != 0 or not done.stdout.strip():
        raise Fail(f"make print-qemu failed (status {done.returncode}): {done.stderr.strip()}")
    command = shlex.split(done.stdout.strip())
    return command if disk else without_disk(command)


def without_disk(command):
    """A QEMU command line without its disk: the -drive option whose id is
    DISK_ID and the -device option that attaches that drive."""
    def names_disk(option, value):
        fields = dict(f.split("=", 1) for f in value.split(",") if "=" in f)
        key = "id" if option == "-drive" else "drive"
        return fields.get(key) == DISK_ID

    kept, dropped = [], 0
    i = 0
    while i < len(command):
        if (command[i] in ("-drive", "-device") and i + 1 < len(command)
                and names_disk(command[i], command[i + 1])):
            dropped += 1
            i += 2
            continue
        kept.append(command[i])
        i += 1
    if dropped != 2:
        raise Fail(f"expected a -drive and a -device for disk {DISK_ID} in the QEMU "
                   f"command line, found {dropped}: {' '.join(command)}")
    return kept


class Test:
    """One declared test and, after a run, its outcome."""

    def __init__(self, fn, points, name, timeout, parent):
        self.fn = fn
        self.points = points
        self.name = name or fn.__name__
        self.timeout = timeout
        self.parent = parent
        self.doc = " ".join((fn.__doc__ or "").strip().split("\n\n")[0].split())
        self.slug = re.sub(r"[^A-Za-z0-9]+", "-", self.name).strip("-").lower() or "test"
        self.ok = None         # True, False, or None while not run
        self.reason = ""
        self.elapsed = 0.0
        self.value = None      # what the test function returned
        self.output = ""       # what the run printed about it


_TESTS = []     # in declaration order


def test(points, name=None, timeout=DEFAULT_TIMEOUT, parent=None):
    """Declare a test worth points. The function takes one argument, the
    Run; it passes by returning and fails by raising Fail (t.match and
    t.check do that for you). timeout is the seconds the whole test may
    take; parent is another test function (see the module comment)."""
    def register(fn):
        parent_test = getattr(parent, "grade_test", None) if parent else None
        if parent is not None and parent_test is None:
            raise TypeError(f"parent of {fn.__name__} is not a @test function")
        t = Test(fn, points, name, timeout, parent_test)
        if any(other.name == t.name for other in _TESTS):
            raise ValueError(f"two tests are named {t.name!r}")
        fn.grade_test = t
        _TESTS.append(t)
        return fn
    return register


def registered():
    return list(_TESTS)


class Settings:
    """What the command line chose; shared by every Run."""

    def __init__(self, root=ROOT, cpus=None, mem=None, logdir=None, verbose=False,
                 timeout_scale=1.0):
        self.root = root
        self.cpus = cpus
        self.mem = mem
        self.logdir = logdir or os.path.join(os.path.dirname(os.path.abspath(__file__)), "logs")
        self.verbose = verbose
        self.timeout_scale = timeout_scale


def free_port():
    """A TCP port nobody listens on now (for QEMU's gdb stub), so that
    graders running side by side do not meet on the same port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_boot_count = 0


class Run:
    """What a test function gets: the means to boot the kernel and check
    what it does. Attributes: name, cpus (the default number of harts),
    parent (the parent test's return value), root (the kernel tree)."""

    def __init__(self, test, settings, parent_value=None):
        self.name = test.name
        self.settings = settings
        self.root = settings.root
        self.cpus = settings.cpus
        self.parent = parent_value
        self.deadline = time.monotonic() + test.timeout * settings.timeout_scale
        self.notes = []
        self.consoles = []
        self.debuggers = []
        self.log_paths = []
        self.temp_files = []    # removed by close()
        self._log_counts = {}   # suffix -> logs of that kind so far
        self._slug = test.slug
        self.leftover = []

    # -- starting things ----------------------------------------------------

    def _log_path(self, suffix):
        """grade/logs/SLUG.log for the first console, SLUG.2.log for a
        second; SLUG.gdb.log and so on for debuggers."""
        n = self._log_counts[suffix] = self._log_counts.get(suffix, 0) + 1
        base = self._slug if n == 1 else f"{self._slug}.{n}"
        path = os.path.join(self.settings.logdir, base + suffix)
        self.log_paths.append(path)
        return path

    def _adopt(self, thing):
        thing.deadline = self.deadline
        thing.scale = self.settings.timeout_scale
        return thing

    def boot(self, cpus=None, mem=None, append=None, gdb=False, extra=(), snapshot=True,
             image=None, disk=True, direct=False, deterministic=False, command=None):
        """Start the kernel with `make qemu` (or `make qemu-gdb` if gdb) on
        a pseudo-terminal and return its Console. cpus defaults to the
        --cpus option (else the Makefile's default), mem to --mem. append
        is the kernel command line (the Makefile's APPEND: init's arguments,
        and sched=NAME for the boot policy); extra, more QEMU arguments.
        deterministic runs QEMU on its instruction-count clock (the
        Makefile's DETERMINISTIC=1), so that a run on one hart replays.
        image is a disk image file to boot from instead of fs.img; disk=False
        boots with no disk at all. With snapshot (the default) QEMU writes
        to a throw-away overlay of the disk, so every boot starts from the
        same file system and boots do not lock each other out (see
        SNAPSHOT_ARGS); with snapshot=False the kernel's writes land in the
        image, for a test that looks at it afterwards. direct runs QEMU
        itself with the Makefile's command line (qemu_command()) rather
        than through make (so it does not build first; main() has), and
        wait_exit() returns QEMU's own exit status; disk=False implies it. command replaces the whole thing
        with another program (for testing a script against a stand-in)."""
        global _boot_count
        _boot_count += 1
        gdbport = None
        if not disk and image is not None:
            raise ValueError("boot(): image= needs a disk")
        direct = direct or not disk
        if gdb and direct:
            raise ValueError("boot(): a gdb boot goes through make qemu-gdb, with its disk")
        if command is None:
            qemu_name = f"grade.{os.getpid()}.{_boot_count}"
            qemu_args = ["-name", qemu_name]
            if disk and snapshot:
                qemu_args += SNAPSHOT_ARGS
            if image is not None:
                qemu_args += image_args(image)
            qemu_args += list(extra)
            cpus = cpus or self.cpus
            mem = mem or self.settings.mem
            if direct:
                command = qemu_command(self.root, cpus, mem, disk, append, deterministic) + qemu_args
            else:
                command = ["make", "-s", "--no-print-directory", "qemu-gdb" if gdb else "qemu"]
                command += make_settings(cpus, mem, append, deterministic)
                command.append("QEMUEXTRA=" + " ".join(shlex.quote(a) for a in qemu_args))
                if gdb:
                    gdbport = free_port()
                    command.append(f"GDBPORT={gdbport}")
        else:
            qemu_name = None
        console = Console(command, cwd=self.root, log_path=self._log_path(".log"),
                          echo=self.settings.verbose)
        console.qemu_name = qemu_name
        console.gdbport = gdbport
        self.consoles.append(self._adopt(console))
        if gdb:
            console.expect(r"Now run 'gdb' in another window", 120)
        return console

    def shell(self, **boot_args):
        """Boot (as boot() does) and wait for the shell's first prompt."""
        console = self.boot(**boot_args)
        console.expect(SHELL_START + PROMPT, 60, no=[r"panic"])
        return console

    def gdb(self, console=None, symbols="kernel/kernel", gdbinit=False):
        """Attach gdb to a console booted with gdb=True (the latest one by
        default) and return the Gdb; the kernel is still halted. With
        gdbinit, gdb is set up by the tree's .gdbinit, as `make gdb` sets
        it up (its symbols, settings and helper commands), pointed at this
        boot's port, instead of by the library."""
        if console is None:
            candidates = [c for c in self.consoles if c.gdbport]
            if not candidates:
                raise Fail("t.gdb(): no console was booted with gdb=True")
            console = candidates[-1]
        init = self._gdbinit_copy(console.gdbport) if gdbinit else None
        g = Gdb(console.gdbport, symbols=symbols, cwd=self.root,
                log_path=self._log_path(".gdb.log"), deadline=self.deadline,
                scale=self.settings.timeout_scale, init=init)
        self.debuggers.append(self._adopt(g))
        return g

    def _gdbinit_copy(self, port):
        """A copy of the tree's .gdbinit whose `target remote` is port;
        removed when the test ends."""
        path = os.path.join(self.root, ".gdbinit")
        try:
            with open(path) as f:
                text = f.read()
        except OSError as e:
            raise Fail(f"cannot read .gdbinit (make builds it): {e}")
        text, n = re.subn(r"^(\s*target\s+remote\s+)\S+", rf"\g<1>127.0.0.1:{port}", text,
                          flags=re.M)
        if n != 1:
            raise Fail(f".gdbinit should have one `target remote` line, it has {n}")
        fd, copy = tempfile.mkstemp(prefix="grade-", suffix=".gdbinit")
        with os.fdopen(fd, "w") as f:
            f.write(text)
        self.temp_files.append(copy)
        return copy

    def set_timeout(self, seconds):
        """From now on the test has seconds left (times --timeout-scale),
        and so has every wait of the consoles and debuggers it opened: for
        a script that runs several steps in one boot, each with its own
        limit."""
        self.deadline = time.monotonic() + seconds * self.settings.timeout_scale
        for thing in self.consoles + self.debuggers:
            thing.deadline = self.deadline

    # -- checking -----------------------------------------------------------

    def match(self, text, *patterns, no=()):
        """Fail unless every regular expression in patterns matches
        somewhere in text (multi-line: ^ and $ match at each line), or if
        any in no does."""
        for p in patterns:
            if not re.search(p, text, re.M):
                raise Fail(f"expected /{p}/ in:\n{tail(text, 12)}")
        Console.refuse(no, text)

    def check(self, condition, message):
        """Fail with message unless condition holds."""
        if not condition:
            raise Fail(message)

    def note(self, message):
        """Add a line to the test's report (printed, and kept in results)."""
        self.notes.append(str(message))

    def remaining(self):
        """Seconds left before this test's deadline."""
        return max(self.deadline - time.monotonic(), 0.0)

    # -- ending -------------------------------------------------------------

    def close(self):
        """Kill every debugger and QEMU this test started; remember any
        process that would not die. Remove the test's temporary files."""
        for thing in self.debuggers + self.consoles:
            self.leftover += thing.close() or []
        for path in self.temp_files:
            try:
                os.remove(path)
            except OSError:
                pass
        self.temp_files = []

    def last_console(self):
        return self.consoles[-1] if self.consoles else None


# -- running ----------------------------------------------------------------

def _indent(text, prefix="    "):
    return "\n".join(prefix + line for line in text.rstrip("\n").split("\n"))


def _alarm(signum, frame):
    raise TimedOut("the test ran out of time")


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def _assert_reason(error):
    """The reason a plain assert gives: its message, or where it is."""
    if str(error):
        return str(error)
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "an assertion failed"
    where = frames[-1]
    return f"assertion failed at {os.path.relpath(where.filename)}:{where.lineno}: {where.line}"


def call_limited(fn, seconds):
    """Call fn() as the runner calls a test function; return (ok, value,
    reason). A Fail or a failed assert makes ok false with its message as
    the reason; any other exception, with its traceback. In the main
    thread an alarm after seconds raises TimedOut inside fn, a backstop
    for code that waits other than through a Console or Gdb."""
    use_alarm = threading.current_thread() is threading.main_thread()
    try:
        if use_alarm:
            old_handler = signal.signal(signal.SIGALRM, _alarm)
            signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.01))
        try:
            return True, fn(), ""
        finally:
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, old_handler)
    except Fail as e:
        return False, None, str(e)
    except AssertionError as e:
        return False, None, _assert_reason(e)
    except Exception:
        return False, None, ("the grading script raised an exception:\n"
                             + traceback.format_exc().rstrip())


def run_one(test, settings, parent_value=None):
    """Run one test; fill in test.ok, reason, elapsed, value and output."""
    run = Run(test, settings, parent_value)
    for path in old_logs(settings.logdir, test.slug):
        os.remove(path)
    started = time.monotonic()
    try:
        test.ok, test.value, test.reason = call_limited(
            lambda: test.fn(run), test.timeout * settings.timeout_scale + ALARM_GRACE)
    finally:
        run.close()
        close_all()   # anything started but not yet handed to the Run
    test.elapsed = time.monotonic() - started

    lines = list(run.notes)
    if run.leftover:
        lines.append(f"WARNING: could not kill processes {run.leftover}")
    if not test.ok:
        lines.append(test.reason)
        console = run.last_console()
        if console is not None:
            lines.append(f"last console lines ({os.path.relpath(console.log_path)}):")
            lines.append(_indent(tail(console.output) or "(nothing)", "| "))
        for g in run.debuggers:
            lines.append(f"gdb's side of the conversation: {os.path.relpath(g.log_path)}")
    else:
        for path in run.log_paths:
            if os.path.exists(path):
                os.remove(path)
    test.output = "\n".join(lines)
    return test


def old_logs(logdir, slug):
    """The logs an earlier run of the test with this slug left in logdir."""
    if not os.path.isdir(logdir):
        return []
    pattern = re.compile(re.escape(slug) + r"(\.\d+)?(\.gdb)?\.log$")
    return [os.path.join(logdir, f) for f in os.listdir(logdir) if pattern.match(f)]


def build(root, verbose=False):
    """Run `make` in root. Returns (ok, its output)."""
    try:
        done = subprocess.run(["make", "--no-print-directory"], cwd=root,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=BUILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        return False, f"make took more than {BUILD_TIMEOUT}s"
    if verbose:
        print(done.stdout, end="")
    return done.returncode == 0, done.stdout


def select(tests, names):
    """The tests named (by name or function name; shell wildcards work),
    with the parents they need, in declaration order."""
    if not names:
        chosen = set(tests)
    else:
        chosen = set()
        for want in names:
            hits = [t for t in tests
                    if fnmatch.fnmatch(t.name.lower(), want.lower())
                    or fnmatch.fnmatch(t.fn.__name__.lower(), want.lower())]
            if not hits:
                raise KeyError(want)
            chosen.update(hits)
    for t in list(chosen):
        while t.parent is not None:
            chosen.add(t.parent)
            t = t.parent
    return [t for t in tests if t in chosen]


def results_json(tests, elapsed):
    """The Gradescope results.json structure for a finished run."""
    return {
        "score": sum(t.points for t in tests if t.ok),
        "max_score": sum(t.points for t in tests),
        "execution_time": round(elapsed, 1),
        "tests": [{
            "name": t.name,
            "score": t.points if t.ok else 0,
            "max_score": t.points,
            "status": "passed" if t.ok else "failed",
            "output": ("OK" if t.ok else "FAIL") + f" ({t.elapsed:.1f}s)"
                      + ("\n" + t.output if t.output else ""),
        } for t in tests],
    }


def main(argv=None, tests=None, description=None):
    """The command line of a grading script. Exits: 0 for a full score,
    1 otherwise, 2 for a usage error."""
    parser = argparse.ArgumentParser(description=description or "Grade the kernel.")
    parser.add_argument("names", nargs="*", metavar="TEST",
                        help="run only these tests (name or function name; wildcards work)")
    parser.add_argument("-l", "--list", action="store_true", help="list the tests and exit")
    parser.add_argument("--cpus", type=int, help="harts for boots that do not choose (CPUS)")
    parser.add_argument("--mem", help="QEMU memory for boots that do not choose (MEM)")
    parser.add_argument("--results", metavar="FILE",
                        help="write a Gradescope-style results.json to FILE")
    parser.add_argument("--logdir", help="where failing tests' console logs go "
                        "(default: grade/logs)")
    parser.add_argument("--timeout-scale", type=float, default=1.0, metavar="X",
                        help="multiply every timeout by X (slow machines)")
    parser.add_argument("--no-build", action="store_true", help="do not run make first")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="copy console output to the terminal as it comes")
    opts = parser.parse_args(argv)

    tests = registered() if tests is None else tests
    try:
        chosen = select(tests, opts.names)
    except KeyError as e:
        print(f"no test matches {e.args[0]!r}; --list shows them", file=sys.stderr)
        return 2
    if opts.list:
        width = max((len(t.name) for t in tests), default=0)
        for t in tests:
            print(f"{t.points:4}  {t.name:{width}}  {t.doc}")
        return 0

    settings = Settings(cpus=opts.cpus, mem=opts.mem, logdir=opts.logdir,
                        verbose=opts.verbose, timeout_scale=opts.timeout_scale)
    old_term = signal.signal(signal.SIGTERM, _terminate)
    started = time.monotonic()
    try:
        ok, log = (True, "") if opts.no_build else build(settings.root, opts.verbose)
        if not ok:
            print("make failed:\n" + _indent(tail(log, 40)))
        for t in chosen:
            print(f"== Test {t.name} ==", flush=True)
            if not ok:
                t.ok, t.reason, t.output = False, "make failed", "make failed"
            elif t.parent is not None and not t.parent.ok:
                t.ok = False
                t.reason = t.output = f"needs test {t.parent.name!r}, which failed"
            else:
                run_one(t, settings, t.parent.value if t.parent else None)
            print(f"{t.name}: {'OK' if t.ok else 'FAIL'} ({t.elapsed:.1f}s)")
            if t.output:
                print(_indent(t.output), flush=True)
    finally:
        close_all()
        signal.signal(signal.SIGTERM, old_term)

    report = results_json(chosen, time.monotonic() - started)
    print(f"Score: {report['score']}/{report['max_score']}")
    if opts.results:
        with open(opts.results, "w") as f:
            json.dump(report, f, indent=2)
            f.write("\n")
    return 0 if report["score"] == report["max_score"] else 1
