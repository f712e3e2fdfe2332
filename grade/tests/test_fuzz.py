"""sysfuzz (user/sysfuzz.c), briefly: random system calls from many
short-lived children for 12 s on one hart, then what `make fuzz` checks
(grade/fuzz.py): the kernel did not panic, every page is free again, no
process outlived its SIGKILL, the shell answers. The seed is fixed, so a
failure replays: `make fuzz SECONDS=12 CPUS=1 SEED=1`, and at the shell
`sysfuzz -v -c CHILD 1 1` prints one child's calls as it makes them.

One boot runs sysfuzz once (the session's start); each case checks one
of its outcomes. Before it, grade/fuzz.py's checks meet a stand-in for
the kernel that fails each of them in turn, and must say so."""
import sys

from grade.fuzz import MARGIN, fuzz
from grade.tests.harness import Case, Session, Shared

SECONDS = 12
SEED = 1


# A stand-in for a kernel at its shell, running `free`, `sysfuzz` and
# `echo` the way this kernel does, or going wrong at sysfuzz in one way:
# ok, panic, leak (a page fewer free after), stuck (a process that would
# not die), dead (the shell is gone after).
STAND_IN = r'''
import sys
mode, free, fuzzed = sys.argv[1], 31852, False
print("init: starting sh", flush=True)
while True:
    print("$ ", end="", flush=True)
    words = sys.stdin.readline().split()
    if not words:
        continue
    if words[0] == "free":
        n = free - (mode == "leak" and fuzzed)
        print(f"total 32080 pages (128320 KiB): {n} free, {32080 - n} in use; 0 shared, "
              "7 program text", flush=True)
    elif words[0] == "sysfuzz":
        fuzzed = True
        print(f"sysfuzz: {words[1]} s from seed {words[2]}, 6 children at a time", flush=True)
        if mode == "panic":
            print("\npanic: kfree: page 0x87654000 freed twice", flush=True)
            sys.exit(1)
        if mode == "stuck":
            print("sysfuzz: child 3 (pid 9) still there 3 s after SIGKILL; replay: "
                  f"sysfuzz -v -c 3 1 {words[2]}", flush=True)
        print(f"sysfuzz: 10 children, 900 calls in {words[1]} s (900 a second), 2 killed by "
              f"watchdog, 1 crashed (faults), 6 exited, 1 signalled, seed {words[2]}", flush=True)
    elif words[0] == "echo":
        if mode == "dead":
            sys.exit(0)
        print(" ".join(words[1:]), flush=True)
'''


def checks(mode, want):
    """fuzz() at the stand-in in this mode must find want (a phrase of its
    problems), or nothing wrong if want is None."""
    def check(t):
        run = fuzz(t.shell(command=[sys.executable, "-c", STAND_IN, mode]), 1, 1)
        if want is None:
            assert not run.problems, "; ".join(run.problems)
            assert run.summary["calls"] == 900 and run.alive, run.verdict()
        else:
            assert any(want in p for p in run.problems), \
                f"want a problem about {want!r}, got {run.problems}"
    return check


def start(t):
    return Shared(run=fuzz(t.shell(cpus=1), SECONDS, SEED))


def survived(t, s):
    assert s.run.panic is None, s.run.panic
    assert s.run.summary is not None, "sysfuzz did not finish: " + "; ".join(s.run.problems)
    assert s.run.summary["calls"] > 0, f"sysfuzz made no calls: {s.run.summary}"
    t.note(f"{s.run.summary['children']} children, {s.run.summary['calls']} calls, "
           f"{s.run.summary['crashed']} crashed, {s.run.summary['watchdog']} killed by watchdog")


def pages_back(t, s):
    assert s.run.free_after is not None, "needs sysfuzz to have finished"
    assert s.run.free_after == s.run.free_before, \
        f"free pages: {s.run.free_before} before, {s.run.free_after} after"


def nothing_left(t, s):
    assert s.run.summary is not None, "needs sysfuzz to have finished"
    assert not s.run.trouble, "\n".join(s.run.trouble)


def shell_answers(t, s):
    assert s.run.alive, "; ".join(s.run.problems)


CASES = [
    Case("the checks pass a run that went well", checks("ok", None)),
    Case("the checks report a panic", checks("panic", "the kernel panicked: panic: kfree")),
    Case("the checks report pages that did not come back",
         checks("leak", "31852 before, 31851 after")),
    Case("the checks report a process that would not die", checks("stuck", "still there")),
    Case("the checks report a shell that no longer answers", checks("dead", "exited")),
    Session(f"sysfuzz for {SECONDS} s, 1 hart, seed {SEED}", start, [
        Case("the kernel survives random system calls without a panic", survived),
        Case("every page is free again afterwards", pages_back),
        Case("every process dies when killed, and no fuzzing process's own code faults",
             nothing_left),
        Case("the shell still answers", shell_answers),
    ], timeout=SECONDS + MARGIN + 60),
]
