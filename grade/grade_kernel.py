"""The grading script for this kernel's own features (`make grade`).

    python3 -m grade.grade_kernel [--list] [--cpus N] [--results FILE] [TEST...]

Sections, in order: booting; the shell (commands, pipelines, redirection);
the process API as seen from the shell (fork/exec/wait, background jobs,
orphans, kill); the kernel under gdb; and usertests, the in-kernel
suite, run once at the shell and scored area by area.

To add a shell check, add a row to SHELL_CASES. To add a process-API
check (job control, when the shell has it), write a @test function in
that section; ctrl_p() and the other helpers are there for it.
"""
import re

from grade import test, main

# -- helpers ---------------------------------------------------------------

PS_LINE = re.compile(r"^(\d+) (\S+) (\S+)(?: on hart \d+)?$", re.M)
END_MARK = "end-of-listing"


def ctrl_p(sh):
    """Press Ctrl-P at an idle shell; return the processes it lists as
    {pid: (state, name)}."""
    start = sh.pos
    sh.send("\x10")
    sh.sendline(f"echo {END_MARK}")
    m = sh.expect(rf"^{END_MARK}\n\$ ", 10)
    return {int(pid): (state, name)
            for pid, state, name in PS_LINE.findall(sh.output[start:m.start()])}


def settled(t, sh, ok, what, tries=20):
    """Ctrl-P until ok(listing) holds (processes that just exited may not
    be reaped yet); fail with the last listing if it never does."""
    for _ in range(tries):
        procs = ctrl_p(sh)
        if ok(procs):
            return procs
    listing = "\n".join(f"{pid} {st} {name}" for pid, (st, name) in sorted(procs.items()))
    t.check(False, f"{what}; Ctrl-P still shows:\n{listing}")


def zombies(procs):
    return [pid for pid, (state, _) in procs.items() if state == "zombie"]


# -- booting ---------------------------------------------------------------

def check_boot(t, cpus, mem=None):
    sh = t.boot(cpus=cpus, mem=mem)
    banner = sh.expect(r"(\d+) harts?, (\d+) MiB RAM", 60, no=[r"panic"])
    if cpus:
        t.check(int(banner[1]) == cpus, f"the kernel saw {banner[1]} harts, QEMU has {cpus}")
    sh.expect(r"init: starting sh\n\$ ", 60, no=[r"panic"])
    t.check("$ " not in sh.output[:sh.pos - 2], "a boot message contains '$ '")
    t.match(sh.run("echo alive"), r"^alive$")


@test(5, "boot: shell prompt")
def boot_default(t):
    """Boots (CPUS as given to the grader) to init and the shell prompt."""
    check_boot(t, t.cpus)


@test(3, "boot: one hart")
def boot_one(t):
    """Boots with a single hart."""
    check_boot(t, 1)


@test(3, "boot: eight harts, 512 MiB", timeout=120)
def boot_eight(t):
    """Boots with eight harts and 512 MiB, and sees them all."""
    check_boot(t, 8, "512M")


# -- the shell -------------------------------------------------------------

# (test name, points, [(command line, regular expressions its output must
# match), ...]): each test boots a fresh kernel and types its lines in
# order. Every output is also checked against FORBIDDEN.
SHELL_CASES = [
    ("shell: echo", 2, [
        ("echo hello world", [r"\Ahello world\n\Z"]),
    ]),
    ("shell: unknown command", 2, [
        ("nosuchcommand arg", [r"nosuchcommand", r"not found"]),
        ("echo still here", [r"^still here$"]),
    ]),
    ("shell: two-stage pipeline", 3, [
        ("echo one two three | wc", [r"^1 3 14\b"]),
    ]),
    ("shell: four-stage pipeline", 3, [
        ("cat README | grep make | grep qemu | wc", [r"^[1-9]\d* "]),
    ]),
    ("shell: output redirection", 3, [
        ("echo saved text > out1", []),
        ("cat out1", [r"\Asaved text\n\Z"]),
        ("echo more >> out1", []),
        ("cat out1", [r"\Asaved text\nmore\n\Z"]),
    ]),
    ("shell: input redirection", 3, [
        ("echo a b c > in1", []),
        ("wc < in1", [r"^1 3 6\b"]),
        ("cat < in1 | wc > count1", []),
        ("cat count1", [r"^1 3 6\b"]),
    ]),
    ("shell: lists and subshells", 3, [
        ("echo a ; echo b ; (echo c ; echo d) | wc", [r"\Aa\nb\n2 2 4\b"]),
    ]),
    ("shell: directories", 2, [
        ("mkdir dir1", []),
        ("cd dir1", []),
        ("echo x > inner", []),
        ("ls /dir1", [r"^inner\s"]),
        ("cd ..", []),
        ("cat dir1/inner", [r"\Ax\n\Z"]),
    ]),
]
FORBIDDEN = [r"panic", r"usertrap", r"killed"]


def shell_test(name, points, steps):
    def check(t):
        sh = t.shell()
        for line, patterns in steps:
            t.match(sh.run(line), *patterns, no=FORBIDDEN)
    check.__name__ = re.sub(r"\W+", "_", name)
    check.__doc__ = "; ".join(line for line, _ in steps)
    test(points, name)(check)


for _name, _points, _steps in SHELL_CASES:
    shell_test(_name, _points, _steps)


# -- the process API at the shell ------------------------------------------

@test(3, "process API: fork, exec and wait")
def fork_exec_wait(t):
    """Commands run one after another, each waited for; forktest fills the
    process table and reaps every child."""
    sh = t.shell()
    t.match(sh.run("echo first ; echo second ; echo third"), r"\Afirst\nsecond\nthird\n\Z")
    t.match(sh.run("forktest", timeout=60), r"fork test OK", no=FORBIDDEN)
    settled(t, sh, lambda procs: not zombies(procs), "zombies left after forktest")


@test(3, "process API: background job")
def background(t):
    """`cmd &` runs cmd without waiting; the shell takes the next command,
    and the finished job is reaped."""
    sh = t.shell()
    sh.sendline("echo from the background &")
    sh.expect(r"from the background\n", 10)   # maybe after the next prompt
    t.match(sh.run("echo foreground"), r"^foreground$")
    settled(t, sh, lambda procs: not zombies(procs), "the background job was never reaped")


@test(3, "process API: orphans are reaped by init")
def orphans(t):
    """zombie's child exits while its parent sleeps; when the parent exits
    too, init reaps the orphan: no zombie stays."""
    sh = t.shell()
    sh.run("zombie", timeout=20)
    settled(t, sh, lambda procs: not zombies(procs), "the orphaned zombie was never reaped")


@test(4, "process API: kill")
def kill_shell(t):
    """kill PID ends a sleeping process (a second shell, waiting for kill
    itself), its parent shell carries on, and bad pids are refused."""
    sh = t.shell()
    t.match(sh.run("kill 4000"), r"4000", no=FORBIDDEN)
    t.match(sh.run("kill"), r"usage", no=FORBIDDEN)
    before = ctrl_p(sh)
    sh.run("sh")                        # a child shell, now at its prompt
    after = ctrl_p(sh)
    new = [pid for pid, (_, name) in after.items() if name == "sh" and pid not in before]
    t.check(len(new) == 1, f"expected one new sh in Ctrl-P's listing, got {after}")
    child = new[0]
    sh.run(f"kill {child}")             # typed at the child: it kills itself
    t.match(sh.run("echo back in the first shell"), r"^back in the first shell$")
    settled(t, sh, lambda procs: child not in procs, f"the killed shell (pid {child}) is still there")


# -- the kernel under gdb --------------------------------------------------

@test(5, "gdb: breakpoint in the first system call", timeout=120)
def gdb_syscall(t):
    """make qemu-gdb waits for gdb; `break syscall` stops in init's first
    system call, with the trap path from user mode on the stack."""
    t.boot(gdb=True)
    g = t.gdb()
    g.break_at("syscall")
    stop = g.cont(timeout=60)
    t.check(stop.func == "syscall", f"stopped in {stop.func}, not in syscall")
    frames = g.backtrace()
    t.check("usertrap" in frames, f"backtrace {frames} has no usertrap")
    hart = stop.thread - 1             # QEMU's gdb thread N is hart N-1
    t.check(g.eval_int(f"cpus[{hart}].proc->pid") == 1,
            "the first system call is not made by init (pid 1)")


# -- usertests, the in-kernel suite ----------------------------------------

@test(5, "usertests: the quick suite runs to its end", timeout=900)
def usertests_run(t):
    """usertests -q, typed at the shell, runs every quick test and prints
    its summary; the parts below score its results area by area."""
    sh = t.shell()
    out = sh.run("usertests -q", timeout=840)
    results = dict(re.findall(r"^test (\S+): (OK|FAIL.*)$", out, re.M))
    summary = re.search(r"^usertests: (\d+) passed, (\d+) failed$", out, re.M)
    t.check(summary is not None and results, "usertests did not print its summary")
    t.note(f"usertests: {summary[1]} passed, {summary[2]} failed")
    return results


# (test name, points, regular expression for the usertests names in the
# area, fewest tests the area must have)
USERTESTS_PARTS = [
    ("usertests: fork, exit and wait", 5, r"^(exit|wait|fork|orphan|zombie|getpid|manychildren)", 5),
    ("usertests: kill", 4, r"^kill", 3),
    ("usertests: memory and faults", 5,
     r"^(sbrk|pastbreak|guardpage|textwrite|kernelmem|maxva|badjump|badinstr|badsyscall)", 5),
    ("usertests: floating point", 3, r"^fp", 1),
    ("usertests: bad user pointers", 4, r"^bad(read|write|pipe|fstat|wait|path|argv|count)$", 4),
    ("usertests: exec", 4, r"^exec", 3),
    ("usertests: pipes", 4, r"^pipe|^pingpong$", 3),
    ("usertests: files and directories", 4,
     r"^(file|open|unlink|inode|links|dir|longname|bigfile|disk|nfile|conc|readdir|dup|fstat|devnode|irefs)",
     5),
    ("usertests: scheduling and time", 4, r"^(preempt|sleep|uptime|fair)", 2),
]


def usertests_part(name, points, names, fewest):
    def check(t):
        area = {n: r for n, r in t.parent.items() if re.search(names, n) and n != "freemem"}
        t.check(len(area) >= fewest,
                f"only {len(area)} usertests match /{names}/ (expected {fewest} or more)")
        failed = [f"{n}: {r}" for n, r in sorted(area.items()) if r != "OK"]
        t.check(not failed, "failed:\n" + "\n".join(failed))
        t.note(f"{len(area)} tests passed: {' '.join(sorted(area))}")
    check.__name__ = re.sub(r"\W+", "_", name)
    check.__doc__ = f"every usertests test matching /{names}/ passes"
    test(points, name, parent=usertests_run)(check)


for _part in USERTESTS_PARTS:
    usertests_part(*_part)


@test(5, "usertests: every quick test passes, no page leaks", parent=usertests_run)
def usertests_all(t):
    """The whole quick suite passes, including freemem (no pages lost)."""
    failed = [f"{n}: {r}" for n, r in sorted(t.parent.items()) if r != "OK"]
    t.check("freemem" in t.parent, "usertests did not report freemem")
    t.check(not failed, "failed:\n" + "\n".join(failed))


if __name__ == "__main__":
    raise SystemExit(main(description="Grade this kernel's own features."))
