"""Fuzzing a kernel with sysfuzz (user/sysfuzz.c), for `make fuzz`
(scripts/fuzz.py), the test suite's fuzz group and grading scripts.

    from grade import test, main
    from grade.fuzz import fuzz

    @test(10, "the kernel survives 30 s of random system calls", timeout=120)
    def survives(t):
        run = fuzz(t.shell(cpus=3), 30, seed=7)
        t.check(not run.problems, "; ".join(run.problems))

fuzz(sh, seconds, seed) takes a shell at its prompt and
  - reads `free` twice (the page counts must agree: a machine at rest),
  - runs `sysfuzz SECONDS SEED` and waits for its summary line,
  - reads `free` again: every page must be back (see FREE_RETRIES),
  - types `echo` of a fresh word and waits for it and the prompt after,
and returns a FuzzRun: .summary (sysfuzz's figures: children, calls,
seconds, rate, watchdog, crashed, exited, signalled, seed; None if it
did not finish), .free_before, .free_after, .alive (the shell answered),
.panic (the kernel's panic line, or None), .trouble (sysfuzz's lines
about processes that would not die or a scratch directory it could not
remove, and the kernel's about a fuzzing process's own code faulting),
and .problems, one sentence per thing that went wrong (none: it passed).

A panic powers the machine off, so it shows as a "panic: " line at the
start of a line and the console's end; fuzz() stops there and reports it.
Nothing sysfuzz's children do reaches the console but the kernel's own
lines about them ("pid 9 elf: segmentation fault ..."), whose program
names sysfuzz keeps printable, and those never start a line with the
shell's prompt or "panic: ".
"""
import re
import time

from grade.console import PROMPT
from grade.errors import Fail, TimedOut

FREE = re.compile(r"^total (\d+) pages \(\d+ KiB\): (\d+) free, (\d+) in use; (\d+) shared, "
                  r"(\d+) program text$", re.M)
SUMMARY = re.compile(r"^sysfuzz: (?P<children>\d+) children, (?P<calls>\d+) calls in "
                     r"(?P<seconds>\d+) s \((?P<rate>\d+) a second\), (?P<watchdog>\d+) killed by "
                     r"watchdog, (?P<crashed>\d+) crashed \(faults\), (?P<exited>\d+) exited, "
                     r"(?P<signalled>\d+) signalled, seed (?P<seed>\d+)$", re.M)
PANIC = re.compile(r"^panic: .*$", re.M)
# Lines in which sysfuzz says the kernel did something wrong.
TROUBLE = re.compile(r"^sysfuzz: .*(?:still there|would not die|could not remove).*$", re.M)
# The kernel's line for a fuzzing process whose own code faulted (not one
# it killed for want of memory, which a child may meet while another takes
# most of it): the kernel wrote where it should not have, or sysfuzz has a
# bug. The programs children exec are named otherwise ("elf", ...).
OWN_FAULT = re.compile(r"pid \d+ sysfuzz: (?:segmentation fault|killed: (?!out of memory)).*$",
                       re.M)
# After the fuzzing, `free` is read up to this many times, a second apart,
# until it shows the pages of before: only to say, when they do not come
# back at once, whether they came back later (pages freed late) or never
# (a leak). Either way the check fails: nothing is freed asynchronously
# once sysfuzz has reaped every process it made, so the first reading
# must already agree.
FREE_RETRIES = 5
MARGIN = 60   # seconds beyond SECONDS for sysfuzz to finish (watchdog, cleanup)

_words = iter(range(1, 1 << 30))


class FuzzRun:
    def __init__(self):
        self.summary = None
        self.free_before = None
        self.free_after = None
        self.alive = False
        self.panic = None
        self.trouble = []
        self.problems = []
        self.output = ""    # what sysfuzz printed, summary included

    def verdict(self):
        """One line: PASS with the figures, or FAIL with every problem."""
        if self.problems:
            return "FAIL: " + "; ".join(self.problems)
        s = self.summary
        return (f"PASS: {s['children']} children, {s['calls']} calls in {s['seconds']} s "
                f"({s['rate']} a second), {s['watchdog']} killed by watchdog, {s['crashed']} "
                f"crashed, seed {s['seed']}; free pages {self.free_before} before and after; "
                f"the shell answers")


def free_pages(sh, timeout=30):
    """The free page count `free` prints."""
    out = sh.run("free", timeout)
    m = FREE.search(out)
    if not m:
        raise Fail(f"free printed {out!r}")
    return int(m[2])


def fuzz(sh, seconds, seed, options=""):
    """Run sysfuzz for seconds at shell sh (at its prompt); see the module
    comment. options go before SECONDS (say, "-j 4")."""
    run = FuzzRun()
    try:
        _fuzz(sh, seconds, seed, options, run)
    except (Fail, TimedOut) as e:
        m = PANIC.search(sh.output)
        if m:
            run.panic = m[0]
            run.problems.append(f"the kernel panicked: {m[0]}")
        else:
            run.problems.append(str(e))
    return run


def _fuzz(sh, seconds, seed, options, run):
    first, second = free_pages(sh), free_pages(sh)
    if first != second:
        raise Fail(f"free pages moved at rest, before fuzzing: {first}, then {second}")
    run.free_before = first

    command = " ".join(w for w in ["sysfuzz", options, str(seconds), str(seed)] if w)
    start = sh.pos
    sh.sendline(command)
    m = sh.expect(SUMMARY.pattern, seconds + MARGIN, no=[PANIC.pattern])
    run.summary = {k: int(v) for k, v in m.groupdict().items()}
    sh.expect(PROMPT, 30, no=[PANIC.pattern])
    run.output = sh.output[start:sh.pos]
    run.trouble = TROUBLE.findall(run.output) + OWN_FAULT.findall(run.output)
    run.problems += [f"sysfuzz said: {line}" for line in TROUBLE.findall(run.output)]
    run.problems += [f"a fuzzing process's own code faulted: {line}"
                     for line in OWN_FAULT.findall(run.output)]

    after = free_pages(sh)
    run.free_after = after
    if after != run.free_before:
        later = []
        for _ in range(FREE_RETRIES):
            time.sleep(1)
            later.append(free_pages(sh))
            if later[-1] == run.free_before:
                break
        how = ("they came back only later" if later[-1] == run.free_before
               else "they did not come back")
        run.problems.append(f"free pages: {run.free_before} before, {after} after; read again "
                            f"a second apart: {', '.join(map(str, later))} ({how})")

    word = f"alive-{next(_words)}"
    sh.sendline(f"echo {word}")
    sh.expect(r"(?:^|(?<=\$ ))" + word + "$", 30, no=[PANIC.pattern])
    sh.expect(PROMPT, 30)
    run.alive = True
