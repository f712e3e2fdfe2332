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
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

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
                                stderr=subprocess.STDOUT, text=True)

    def run(self, script, *args, timeout=600):
        p = self.start(script, *args)
        out, _ = p.communicate(timeout=timeout)
        return p.pid, p.returncode, out

    def logs(self):
        d = os.path.join(self.dir, "logs")
        return sorted(os.listdir(d)) if os.path.isdir(d) else []


def block(out, name):
    """What the run printed for test name, from its result line on."""
    m = re.search(rf"^{re.escape(name)}: (OK|FAIL) \(.*?\)\n((?:    .*\n)*)", out, re.M)
    return (m[1], m[2]) if m else (None, "")


def run(report):
    s = Scripts()
    try:
        fake_cases(s, report)
        command_line_cases(s, report)
        signal_case(s, report)
        mi_parser_cases(report)
        qemu_cases(s, report)
    finally:
        s.tmp.cleanup()


def fake_cases(s, report):
    results = os.path.join(s.dir, "results.json")
    _, status, out = s.run("fake_grader.py", "--results", results)
    detail = f"the run printed:\n{out[-2500:]}"

    def case(name, ok):
        report(name, ok, detail)

    verdicts = {n: block(out, n) for n in ["passes", "wrong output", "forbidden output",
                                           "times out", "exits early", "script bug",
                                           "child of a passing parent",
                                           "child of a failing parent"]}
    case("each test is announced with == Test NAME ==",
         all(f"== Test {n} ==\n" in out for n in verdicts))
    case("a passing test prints NAME: OK (time) and its notes",
         verdicts["passes"][0] == "OK" and "a note from the test" in verdicts["passes"][1])
    case("output that does not match fails, quoting the pattern and the console",
         verdicts["wrong output"][0] == "FAIL"
         and "/^goodbye$/" in verdicts["wrong output"][1]
         and "| $ echo hello" in verdicts["wrong output"][1])
    case("a no= pattern in the output fails the test",
         verdicts["forbidden output"][0] == "FAIL"
         and "panic: something broke" in verdicts["forbidden output"][1])
    case("a test past its timeout fails as timed out",
         verdicts["times out"][0] == "FAIL" and "ran out of time" in verdicts["times out"][1])
    case("a console that exits early fails the wait, with its status",
         verdicts["exits early"][0] == "FAIL" and "exited" in verdicts["exits early"][1])
    case("an exception in the script fails that test only, with the traceback",
         verdicts["script bug"][0] == "FAIL" and "ZeroDivisionError" in verdicts["script bug"][1]
         and verdicts["child of a passing parent"][0] == "OK")
    case("a child gets its parent's value; a failed parent fails its children",
         verdicts["child of a passing parent"][0] == "OK"
         and verdicts["child of a failing parent"][0] == "FAIL"
         and "wrong output" in verdicts["child of a failing parent"][1])
    case("Score: N/M and a non-zero exit for a partial score",
         "\nScore: 4/13\n" in out and status == 1)

    try:
        with open(results) as f:
            res = json.load(f)
        shape = (res["score"] == 4 and res["max_score"] == 13 and len(res["tests"]) == 8
                 and all(set(t) >= {"name", "score", "max_score", "output"} for t in res["tests"]))
        by_name = {t["name"]: t for t in res["tests"]}
        content = (by_name["passes"]["score"] == 3 and by_name["wrong output"]["score"] == 0
                   and "/^goodbye$/" in by_name["wrong output"]["output"])
    except (OSError, ValueError, KeyError) as e:
        shape = content = False
        detail = f"results.json: {e}"
    case("--results writes Gradescope's results.json", shape and content)

    logs = s.logs()
    case("failing tests keep their console logs, passing tests do not",
         "wrong-output.log" in logs and "times-out.log" in logs and "passes.log" not in logs)
    pids = [int(p) for p in re.findall(r"fake: pid (\d+) helper (\d+)",
                                       "".join(open(os.path.join(s.dir, "logs", f)).read()
                                               for f in logs))
            for p in p]
    left = [p for p in pids if alive(p)]
    case("every stand-in and what it started are gone after the run",
         len(pids) >= 10 and not left)


def command_line_cases(s, report):
    _, status, out = s.run("fake_grader.py", "--list")
    report("--list lists every test with its points and does not run them",
           status == 0 and re.search(r"^\s+3\s+passes\s+The stand-in echoes\.$", out, re.M)
           and "== Test" not in out, out)

    _, status, out = s.run("fake_grader.py", "passes")
    report("a test chosen by name runs alone; a full score exits 0",
           status == 0 and "\nScore: 3/3\n" in out and "wrong output" not in out, out)

    _, status, out = s.run("fake_grader.py", "good_child")
    report("a test chosen by function name brings its parent along",
           status == 0 and "== Test passes ==" in out and "\nScore: 4/4\n" in out, out)

    _, status, out = s.run("fake_grader.py", "no such test")
    report("an unknown test name is a usage error (exit 2)", status == 2, out)


def signal_case(s, report):
    """SIGTERM to the grader while a test waits: the console is killed."""
    p = s.start("fake_grader.py", "times out", "--timeout-scale", "100")
    pids = []
    deadline = time.monotonic() + 60
    while not pids and time.monotonic() < deadline:
        time.sleep(0.2)
        for pid in os.listdir("/proc"):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    argv = f.read().split(b"\0")
                with open(f"/proc/{pid}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError):
                continue
            if ppid == p.pid and any(a.endswith(b"fake_shell.py") for a in argv):
                pids.append(int(pid))
    time.sleep(1)   # let it reach `hang`
    p.send_signal(signal.SIGTERM)
    out, _ = p.communicate(timeout=60)
    time.sleep(0.5)
    report("SIGTERM to the grader kills the console it was waiting on",
           bool(pids) and not any(alive(x) for x in pids),
           f"stand-in pids {pids}; output:\n{out[-1500:]}")


def mi_parser_cases(report):
    from grade.gdb import parse_results
    rec = parse_results('reason="breakpoint-hit",frame={addr="0x1",func="syscall",'
                        'args=[]},stack=[frame={level="0"},frame={level="1"}],'
                        'value="\\"init\\", \'\\\\000\' <repeats 11 times>"')
    report("gdb's machine-interface records parse into dicts and lists",
           rec["frame"]["func"] == "syscall" and rec["frame"]["args"] == []
           and [f["frame"]["level"] for f in rec["stack"]] == ["0", "1"]
           and rec["value"] == "\"init\", '\\000' <repeats 11 times>", repr(rec))


def qemu_cases(s, report):
    pid, status, out = s.run("qemu_grader.py", "--cpus", "1", timeout=900)
    detail = f"the run printed:\n{out[-2500:]}"
    verdicts = {n: block(out, n)[0] for n in ["qemu passes", "qemu wrong output",
                                               "qemu times out", "qemu stops at a breakpoint",
                                               "qemu gdb times out"]}
    report("with QEMU: a passing test passes", verdicts["qemu passes"] == "OK", detail)
    report("with QEMU: wrong output fails", verdicts["qemu wrong output"] == "FAIL", detail)
    report("with QEMU: a console wait past the test's timeout fails",
           verdicts["qemu times out"] == "FAIL" and "ran out of time" in out, detail)
    report("with QEMU: a kernel breakpoint through the gdb stub",
           verdicts["qemu stops at a breakpoint"] == "OK", detail)
    report("with QEMU: a gdb wait past the test's timeout fails",
           verdicts["qemu gdb times out"] == "FAIL", detail)
    report("with QEMU: Score 2/5, exit status 1", "\nScore: 2/5\n" in out and status == 1,
           detail)
    time.sleep(0.5)
    left = qemus_of(pid)
    report("with QEMU: no QEMU of the run is left, after failures and timeouts",
           not left, f"still running: {left}")
