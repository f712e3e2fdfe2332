"""How the kernel's test suite declares and runs its cases, on the grade
library: grade/runner.py boots, times and cleans up, grade/console.py and
grade/gdb.py drive QEMU's console and gdb. This file only decides what a
case is and how one case's failure is kept from reaching the next.

A group is a module grade/tests/test_NAME.py with a list CASES, read as
a specification: each entry states one intent. An entry is either

  Case(name, fn, timeout)
      An independent case: fn(t) gets a grade Run of its own (t.boot(),
      t.shell(), t.gdb(), t.check(), t.note(); see grade/runner.py).
      Whatever it starts is killed when it returns, and its console logs
      are kept only if it fails.

  Session(name, start, cases, resync, timeout)
      Cases that share one boot (or one long run), in order. start(t)
      boots with the session's Run and returns a Shared, which every
      case's fn gets as fn(t, shared). cases may be a function of that
      Shared instead of a list, for a run whose cases are known only once
      it is over (usertests); it gets None if start failed. After a case
      fails, resync(shared) (if given) brings the boot back to a known
      state, a fresh prompt: see fresh_prompt().

A case passes by returning and fails by raising Fail, by an assert that
does not hold, or by running out of its timeout (seconds, for every wait
and for the case as a whole; --timeout-scale multiplies them); any other
exception fails it with its traceback. Whatever happens, the next case
runs. In a session, if start fails, if resync cannot recover, or if a
QEMU the session booted is gone, each remaining case fails with that
reason instead of running. A case that relies on what an earlier one
set up (the pid of a background job, say) takes it with Shared.need(),
which fails clearly when the earlier case did not get that far.

Console logs go to grade/tests/logs/, one per case or per session, and
stay only when something in them failed.
"""
import itertools
import os

from grade.console import PROMPT, tail
from grade.errors import Fail
from grade.runner import ALARM_GRACE, Run, Test, call_limited, old_logs, run_one

CASE_TIMEOUT = 30       # seconds, for a case that does not say
SESSION_TIMEOUT = 120   # seconds for a session's start
RESYNC_TIMEOUT = 30     # seconds to get a shell back to its prompt

# Where a line that another process prints while the shell prompts may
# begin: at the start of a line, or just after a prompt that came first.
AFTER_PROMPT = r"(?:^|(?<=" + PROMPT.removeprefix("^") + "))"


class Case:
    """One case: its name (the one-line statement of its intent), the
    function that checks it, and its time limit in seconds."""

    def __init__(self, name, fn, timeout=CASE_TIMEOUT):
        self.name = name
        self.fn = fn
        self.timeout = timeout


class Session:
    """Cases run in order on what start(t) made; see the module comment."""

    def __init__(self, name, start, cases, resync=None, timeout=SESSION_TIMEOUT):
        self.name = name
        self.start = start
        self.cases = cases
        self.resync = resync
        self.timeout = timeout


class Shared:
    """What the cases of a session share: the things start() made (as
    attributes: sh, gdb, ...) and what earlier cases set up for later
    ones (plain attributes too, read back with need())."""

    def __init__(self, **things):
        self.__dict__.update(things)

    def need(self, name, what=None):
        """The attribute name, set by an earlier case; Fail if it is not."""
        if name not in self.__dict__:
            raise Fail(f"needs {what or name}, which an earlier case should have set up "
                       "(that case failed or did not run)")
        return self.__dict__[name]


_markers = itertools.count(1)


def fresh_prompt(sh, timeout=RESYNC_TIMEOUT):
    """Bring a shell back to an idle prompt, whatever a failed case left:
    skip what is unread, press Ctrl-C (it ends the foreground job; at a
    prompt it just gives a new one), wait for a prompt, then echo a fresh
    marker and wait for it and the prompt after it. Typed too early, the
    marker line comes right after a prompt rather than at a line's start:
    either counts."""
    marker = f"resync-{next(_markers)}"
    sh.pos = len(sh.output)
    sh.send("\x03")
    sh.expect(PROMPT, timeout)
    sh.sendline(f"echo {marker}")
    sh.expect(AFTER_PROMPT + marker + "$", timeout)
    sh.expect(PROMPT, timeout)


def _indent(text, prefix="    "):
    return "\n".join(prefix + line for line in text.rstrip("\n").split("\n"))


def run_case(group, case, settings, report):
    """An independent case, run as the grade runner runs a test."""
    test = Test(case.fn, 1, f"{group}/{case.name}", case.timeout, None)
    run_one(test, settings)
    # run_one's output is the notes, then (on failure) the reason and the
    # console's last lines.
    report(case.name, test.ok, test.output)


def run_session(group, session, settings, report):
    """The cases of a session, in order, on one boot."""
    test = Test(session.start, 0, f"{group}/{session.name}", session.timeout, None)
    for path in old_logs(settings.logdir, test.slug):
        os.remove(path)
    t = Run(test, settings)
    any_failed = False
    broken = None    # once the remaining cases cannot run: why
    try:
        ok, shared, reason = _limited(settings, session.timeout, lambda: session.start(t))
        if not ok:
            shared = None
            broken = f"not run: the session's start failed: {reason}"
            show = True    # the first case reported broken shows the console
        cases = session.cases(shared) if callable(session.cases) else session.cases
        live = [c for c in t.consoles if c.running()]
        for case in cases:
            if broken is None:
                broken = _gone(live, "the case before")
                show = True
            if broken is not None:
                any_failed = True
                report(case.name, False, broken + (_console_tail(t) if show else ""))
                show = False
                continue
            marks = [len(c.output) for c in t.consoles]
            t.notes = []
            t.set_timeout(case.timeout)
            ok, _, reason = _limited(settings, case.timeout, lambda: case.fn(t, shared))
            if ok:
                report(case.name, True, "\n".join(t.notes))
                continue
            any_failed = True
            report(case.name, False, "\n".join(t.notes + [reason]) + _console_tail(t, marks))
            broken, show = _gone(live, f"{case.name!r} failed"), False
            if broken is None and session.resync is not None:
                t.set_timeout(RESYNC_TIMEOUT)
                ok, _, why = _limited(settings, RESYNC_TIMEOUT, lambda: session.resync(shared))
                if not ok:
                    broken = (f"not run: after {case.name!r} failed, the session could not "
                              f"get back to a known state: {why}")
    finally:
        t.close()
        if not any_failed:
            for path in t.log_paths:
                if os.path.exists(path):
                    os.remove(path)
    if t.leftover:
        report("every process of the session is gone", False,
               f"could not kill processes {t.leftover}")


def _limited(settings, seconds, fn):
    """call_limited, with the backstop a little after the waits' own limit."""
    return call_limited(fn, seconds * settings.timeout_scale + ALARM_GRACE)


def _gone(consoles, since):
    """Why the session cannot go on, if one of consoles has ended."""
    for c in consoles:
        if not c.running():
            return (f"not run: {c.name()} is gone (exit status {c.proc.returncode}) "
                    f"since {since}")
    return None


def _console_tail(t, marks=()):
    """The consoles' output since marks (a position in each console's
    output; all of it for a console without one), for a failure message."""
    lines = []
    for i, c in enumerate(t.consoles):
        start = marks[i] if i < len(marks) else 0
        text = c.output[start:]
        if start and not text.strip():
            continue
        what = "during the case" if start else "last lines"
        lines.append(f"console {what} ({os.path.relpath(c.log_path)}):")
        lines.append(_indent(tail(text) or "(nothing)", "| "))
    for g in t.debuggers:
        lines.append(f"gdb's side of the conversation: {os.path.relpath(g.log_path)}")
    return "\n" + "\n".join(lines) if lines else ""


def run_group(group, cases, settings, report):
    """Every entry of a group's CASES, in order; report(name, ok, detail)
    once per case."""
    for entry in cases:
        if isinstance(entry, Session):
            run_session(group, entry, settings, report)
        else:
            run_case(group, entry, settings, report)

