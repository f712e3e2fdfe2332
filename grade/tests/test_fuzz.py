"""sysfuzz (user/sysfuzz.c), briefly: random system calls from many
short-lived children for 12 s on one hart, then what `make fuzz` checks
(grade/fuzz.py): the kernel did not panic, every page is free again, no
process outlived its SIGKILL, the shell answers. The seed is fixed, so a
failure replays: `make fuzz SECONDS=12 CPUS=1 SEED=1`, and at the shell
`sysfuzz -v -c CHILD 1 1` prints one child's calls as it makes them.

One boot runs sysfuzz once (the session's start); each case checks one
of its outcomes."""
from grade.fuzz import MARGIN, fuzz
from grade.tests.harness import Case, Session, Shared

SECONDS = 12
SEED = 1


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
    Session(f"sysfuzz for {SECONDS} s, 1 hart, seed {SEED}", start, [
        Case("the kernel survives random system calls without a panic", survived),
        Case("every page is free again afterwards", pages_back),
        Case("every process dies when killed, and no fuzzing process's own code faults",
             nothing_left),
        Case("the shell still answers", shell_answers),
    ], timeout=SECONDS + MARGIN + 60),
]
