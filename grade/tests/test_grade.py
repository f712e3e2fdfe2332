"""The autograder library (grade/) grades what it should, and never leaves
a QEMU behind.

Grading scripts are written to a temporary directory and run as a staff
member would run them, in a process of their own. Most use a stand-in for
QEMU (FAKE_SHELL, a small shell on the same pseudo-terminal) so that
passing, failing, forbidden output, timeouts, bugs in the script, parent
tests, the command line and results.json are checked in seconds. One
script boots the real kernel, with a test that fails, one that times out
and one that stops at a kernel breakpoint, and afterwards no QEMU it
started may be alive. Every stand-in and every QEMU prints or carries its
identity, so the check looks for exactly the processes the run started.

A whole run of a script is a Session (harness.py): its start runs the
script, and each case checks one thing about what the run printed. Runs
that check one thing only are Cases of their own.
"""
import atexit
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

from grade.gdb import parse_results
from grade.runner import ROOT
from grade.tests.harness import Case, Session, Shared

# A stand-in for a kernel at its shell prompt. It announces its pid and
# the pid of a helper it starts (to show that the whole process group is
# killed), then answers: `echo X`, `panic` (prints a panic), `hang` (never
# answers), `exit N`.
FAKE_SHELL = r'''
import os, subprocess, sys, time
helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"],
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
print(f"fake: pid {os.getpid()} helper {helper.pid}", flush=True)
print("init: starting sh", flush=True)
while True:
    print("$ ", end="", flush=True)
    line = sys.stdin.readline()
    if not line:
        sys.exit(0)
    words = line.split()
    if not words:
        continue
    if words[0] == "echo":
        print(" ".join(words[1:]), flush=True)
    elif words[0] == "panic":
        print("panic: something broke", flush=True)
    elif words[0] == "hang":
        time.sleep(600)
    elif words[0] == "exit":
        sys.exit(int(words[1]))
    else:
        print(f"{words[0]}: not found", flush=True)
'''

FAKE_SCRIPT = r'''
import sys
from grade import test, main

FAKE = [sys.executable, FAKE_SHELL_PATH]

@test(3, "passes")
def passes(t):
    """The stand-in echoes."""
    sh = t.shell(command=FAKE)
    t.match(sh.run("echo hello world"), r"^hello world$", no=[r"panic"])
    t.note("a note from the test")
    return "value for children"

@test(2, "wrong output")
def wrong_output(t):
    sh = t.shell(command=FAKE)
    t.match(sh.run("echo hello"), r"^goodbye$")

@test(2, "forbidden output")
def forbidden(t):
    sh = t.shell(command=FAKE)
    sh.run("panic", no=[r"panic"])

@test(2, "times out", timeout=3)
def times_out(t):
    sh = t.shell(command=FAKE)
    sh.run("hang", timeout=60)

@test(1, "exits early")
def exits_early(t):
    sh = t.shell(command=FAKE)
    sh.sendline("exit 7")
    sh.expect("never printed")

@test(1, "script bug")
def script_bug(t):
    t.shell(command=FAKE)
    return 1 // 0

@test(1, "plain assert")
def plain_assert(t):
    sh = t.shell(command=FAKE)
    assert sh.run("echo 1") == "2\n", "echo 1 did not print 2"

@test(1, "child of a passing parent", parent=passes)
def good_child(t):
    t.check(t.parent == "value for children", f"parent gave {t.parent!r}")

@test(1, "child of a failing parent", parent=wrong_output)
def orphan_child(t):
    pass

if __name__ == "__main__":
    raise SystemExit(main())
'''

QEMU_SCRIPT = r'''
from grade import test, main

@test(1, "qemu passes")
def qemu_passes(t):
    sh = t.shell()
    t.match(sh.run("echo alive"), r"^alive$")

@test(1, "qemu wrong output")
def qemu_fails(t):
    sh = t.shell()
    t.match(sh.run("echo alive"), r"^dead$")

@test(1, "qemu times out", timeout=10)
def qemu_times_out(t):
    sh = t.shell()
    sh.expect(r"a line the kernel never prints", timeout=300)

@test(1, "qemu stops at a breakpoint", timeout=120)
def qemu_breakpoint(t):
    t.boot(gdb=True)
    g = t.gdb()
    g.break_at("syscall")
    stop = g.cont(timeout=60)
    t.check(stop.func == "syscall", f"stopped in {stop.func}")
    t.check("usertrap" in g.backtrace(), "no usertrap in the backtrace")

@test(1, "qemu gdb times out", timeout=10)
def qemu_gdb_times_out(t):
    t.boot(gdb=True)
    g = t.gdb()
    g.break_at("panic")
    g.cont(timeout=300)

if __name__ == "__main__":
    raise SystemExit(main())
'''


def alive(pid):
    """Is pid a process that still runs (not gone, not a zombie)?"""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def qemus_of(grader_pid):
    """Live QEMUs started by the grading process grader_pid (the library
    names each one grade.PID.N)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if (argv and argv[0].endswith(b"qemu-system-riscv64")
                and any(a.startswith(f"grade.{grader_pid}.".encode()) for a in argv)
                and alive(int(entry))):
            found.append(int(entry))
    return found


class Scripts:
    """A temporary directory holding grading scripts and their logs."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory()
        atexit.register(self.tmp.cleanup)
        self.dir = self.tmp.name
        self.fake_shell = self.write("fake_shell.py", FAKE_SHELL)
        self.write("fake_grader.py",
                   FAKE_SCRIPT.replace("FAKE_SHELL_PATH", repr(self.fake_shell)))
        self.write("qemu_grader.py", QEMU_SCRIPT)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def start(self, script, *args):
        env = dict(os.environ, PYTHONPATH=ROOT)
        logdir = os.path.join(self.dir, "logs")
        return subprocess.Popen([sys.executable, os.path.join(self.dir, script), "--no-build",
                                 "--logdir", logdir, *args],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)

    def run(self, script, *args, timeout=600):
        """Run a script to its end; return (its pid, exit status, output)."""
        p = self.start(script, *args)
        try:
            out, _ = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGTERM)
            out, _ = p.communicate(timeout=60)
            raise AssertionError(f"{script} {' '.join(args)} ran for more than {timeout}s; "
                                 f"it printed:\n{out[-2500:]}")
        return p.pid, p.returncode, out

    def logs(self):
        d = os.path.join(self.dir, "logs")
        return sorted(os.listdir(d)) if os.path.isdir(d) else []


_scripts = []


def scripts():
    """The directory of scripts, made once for the whole group."""
    if not _scripts:
        _scripts.append(Scripts())
    return _scripts[0]


def block(out, name):
    """What the run printed for test name: (OK or FAIL, the lines below)."""
    m = re.search(rf"^{re.escape(name)}: (OK|FAIL) \(.*?\)\n((?:    .*\n)*)", out, re.M)
    return (m[1], m[2]) if m else (None, "")


def printed(out):
    return f"the run printed:\n{out[-2500:]}"


# ---- A run of the fake grader -----------------------------------------------

FAKE_TESTS = ["passes", "wrong output", "forbidden output", "times out", "exits early",
              "script bug", "plain assert", "child of a passing parent",
              "child of a failing parent"]


def fake_run(t):
    s = scripts()
    results = os.path.join(s.dir, "results.json")
    _, status, out = s.run("fake_grader.py", "--results", results)
    return Shared(scripts=s, status=status, out=out, results=results,
                  verdicts={n: block(out, n) for n in FAKE_TESTS})


def announced(t, r):
    missing = [n for n in r.verdicts if f"== Test {n} ==\n" not in r.out]
    assert not missing, f"not announced: {missing}; {printed(r.out)}"


def verdict(r, name, want, *phrases):
    """Fail unless test name ended want (OK or FAIL) with each phrase in
    the lines below its result."""
    got, below = r.verdicts[name]
    assert got == want, f"{name!r} gave {got}, expected {want}; {printed(r.out)}"
    for p in phrases:
        assert p in below, f"{name!r}'s report lacks {p!r}; {printed(r.out)}"


def passing_notes(t, r):
    verdict(r, "passes", "OK", "a note from the test")


def wrong_output(t, r):
    verdict(r, "wrong output", "FAIL", "/^goodbye$/", "| $ echo hello")


def forbidden_output(t, r):
    verdict(r, "forbidden output", "FAIL", "panic: something broke")


def timed_out(t, r):
    verdict(r, "times out", "FAIL", "ran out of time")


def exited_early(t, r):
    verdict(r, "exits early", "FAIL", "exited")


def script_bug(t, r):
    verdict(r, "script bug", "FAIL", "ZeroDivisionError")
    verdict(r, "child of a passing parent", "OK")


def plain_assert(t, r):
    verdict(r, "plain assert", "FAIL", "echo 1 did not print 2")
    _, below = r.verdicts["plain assert"]
    assert "raised an exception" not in below, f"reported as a bug in the script: {below}"


def parents(t, r):
    verdict(r, "child of a passing parent", "OK")
    verdict(r, "child of a failing parent", "FAIL", "wrong output")


def score(t, r):
    assert "\nScore: 4/14\n" in r.out and r.status == 1, \
        f"exit status {r.status}; {printed(r.out)}"


def results_json(t, r):
    try:
        with open(r.results) as f:
            res = json.load(f)
    except (OSError, ValueError) as e:
        raise AssertionError(f"results.json: {e}")
    assert res.get("score") == 4 and res.get("max_score") == 14, \
        f"score {res.get('score')}/{res.get('max_score')}"
    assert len(res.get("tests", [])) == 9, f"{len(res.get('tests', []))} tests in results.json"
    assert all(set(x) >= {"name", "score", "max_score", "output"} for x in res["tests"]), res
    by_name = {x["name"]: x for x in res["tests"]}
    assert by_name["passes"]["score"] == 3 and by_name["wrong output"]["score"] == 0, by_name
    assert "/^goodbye$/" in by_name["wrong output"]["output"], by_name["wrong output"]


def kept_logs(t, r):
    logs = r.scripts.logs()
    assert "wrong-output.log" in logs and "times-out.log" in logs and "passes.log" not in logs, \
        f"logs left: {logs}"


def nothing_left(t, r):
    s = r.scripts
    text = "".join(open(os.path.join(s.dir, "logs", f)).read() for f in s.logs())
    pids = [int(p) for pair in re.findall(r"fake: pid (\d+) helper (\d+)", text) for p in pair]
    left = [p for p in pids if alive(p)]
    assert len(pids) >= 10, f"only {len(pids)} stand-in pids in the logs"
    assert not left, f"still running: {left}"


# ---- The command line ---------------------------------------------------------

def lists_tests(t):
    _, status, out = scripts().run("fake_grader.py", "--list")
    assert status == 0, f"exit status {status}: {out}"
    assert re.search(r"^\s+3\s+passes\s+The stand-in echoes\.$", out, re.M), out
    assert "== Test" not in out, f"--list ran tests: {out}"


def one_by_name(t):
    _, status, out = scripts().run("fake_grader.py", "passes")
    assert status == 0 and "\nScore: 3/3\n" in out and "wrong output" not in out, \
        f"exit status {status}: {out}"


def brings_parent(t):
    _, status, out = scripts().run("fake_grader.py", "good_child")
    assert status == 0 and "== Test passes ==" in out and "\nScore: 4/4\n" in out, \
        f"exit status {status}: {out}"


def unknown_name(t):
    _, status, out = scripts().run("fake_grader.py", "no such test")
    assert status == 2, f"exit status {status}: {out}"


def sigterm_kills_console(t):
    """SIGTERM to the grader while a test waits: the console is killed."""
    p = scripts().start("fake_grader.py", "times out", "--timeout-scale", "100")
    try:
        pids = []
        deadline = time.monotonic() + 60
        while not pids and time.monotonic() < deadline:
            time.sleep(0.2)
            pids = [pid for pid in children(p.pid) if cmdline_ends(pid, b"fake_shell.py")]
        assert pids, "the grader never started its stand-in"
        time.sleep(1)   # let it reach `hang`
        p.send_signal(signal.SIGTERM)
        out, _ = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
    time.sleep(0.5)
    left = [x for x in pids if alive(x)]
    assert not left, f"stand-in pids {left} still running; output:\n{out[-1500:]}"


def children(ppid):
    """Pids whose parent is ppid."""
    found = []
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/stat") as f:
                if int(f.read().rsplit(")", 1)[1].split()[1]) == ppid:
                    found.append(int(pid))
        except (OSError, ValueError):
            continue
    return found


def cmdline_ends(pid, suffix):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return any(a.endswith(suffix) for a in f.read().split(b"\0"))
    except OSError:
        return False


def mi_parser(t):
    rec = parse_results('reason="breakpoint-hit",frame={addr="0x1",func="syscall",'
                        'args=[]},stack=[frame={level="0"},frame={level="1"}],'
                        'value="\\"init\\", \'\\\\000\' <repeats 11 times>"')
    assert (rec["frame"]["func"] == "syscall" and rec["frame"]["args"] == []
            and [f["frame"]["level"] for f in rec["stack"]] == ["0", "1"]
            and rec["value"] == "\"init\", '\\000' <repeats 11 times>"), repr(rec)


# ---- A run that boots the real kernel -------------------------------------------

QEMU_TESTS = ["qemu passes", "qemu wrong output", "qemu times out",
              "qemu stops at a breakpoint", "qemu gdb times out"]


def qemu_run(t):
    pid, status, out = scripts().run("qemu_grader.py", "--cpus", "1", timeout=900)
    time.sleep(0.5)
    return Shared(pid=pid, status=status, out=out, left=qemus_of(pid),
                  verdicts={n: block(out, n) for n in QEMU_TESTS})


def qemu_verdict(name, want, phrase=None):
    def check(t, r):
        verdict(r, name, want, *([phrase] if phrase else []))
    return check


def qemu_score(t, r):
    assert "\nScore: 2/5\n" in r.out and r.status == 1, \
        f"exit status {r.status}; {printed(r.out)}"


def no_qemu_left(t, r):
    assert not r.left, f"still running: {r.left}"


CASES = [
    Session("a run of the fake grader", fake_run, [
        Case("each test is announced with == Test NAME ==", announced),
        Case("a passing test prints NAME: OK (time) and its notes", passing_notes),
        Case("output that does not match fails, quoting the pattern and the console",
             wrong_output),
        Case("a no= pattern in the output fails the test", forbidden_output),
        Case("a test past its timeout fails as timed out", timed_out),
        Case("a console that exits early fails the wait, with its status", exited_early),
        Case("an exception in the script fails that test only, with the traceback", script_bug),
        Case("a plain assert that fails is a failed check, with its message", plain_assert),
        Case("a child gets its parent's value; a failed parent fails its children", parents),
        Case("Score: N/M and a non-zero exit for a partial score", score),
        Case("--results writes Gradescope's results.json", results_json),
        Case("failing tests keep their console logs, passing tests do not", kept_logs),
        Case("every stand-in and what it started are gone after the run", nothing_left),
    ], timeout=300),
    Case("--list lists every test with its points and does not run them", lists_tests),
    Case("a test chosen by name runs alone; a full score exits 0", one_by_name),
    Case("a test chosen by function name brings its parent along", brings_parent),
    Case("an unknown test name is a usage error (exit 2)", unknown_name),
    Case("SIGTERM to the grader kills the console it was waiting on", sigterm_kills_console,
         timeout=120),
    Case("gdb's machine-interface records parse into dicts and lists", mi_parser),
    Session("a run of a grader that boots QEMU", qemu_run, [
        Case("with QEMU: a passing test passes", qemu_verdict("qemu passes", "OK")),
        Case("with QEMU: wrong output fails", qemu_verdict("qemu wrong output", "FAIL")),
        Case("with QEMU: a console wait past the test's timeout fails",
             qemu_verdict("qemu times out", "FAIL", "ran out of time")),
        Case("with QEMU: a kernel breakpoint through the gdb stub",
             qemu_verdict("qemu stops at a breakpoint", "OK")),
        Case("with QEMU: a gdb wait past the test's timeout fails",
             qemu_verdict("qemu gdb times out", "FAIL")),
        Case("with QEMU: Score 2/5, exit status 1", qemu_score),
        Case("with QEMU: no QEMU of the run is left, after failures and timeouts",
             no_qemu_left),
    ], timeout=960),
]
