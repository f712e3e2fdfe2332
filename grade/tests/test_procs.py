"""A thousand processes, as a user sees them at the console: ps and top
list them all with the right counts, Ctrl-P too, a kill of their group
ends them, and a fork bomb typed at the shell fills the process table,
gets EAGAIN, and ends with Ctrl-C, giving every page back.

One boot with three harts serves the cases, in order; after a failed case
Ctrl-C and a marker line bring the shell back. usertests' manyflat and
manytree (run by the usertests group) check the same from inside, with
waitpid and group signals among the thousand."""
import re
import time

from grade.tests.harness import Case, Session, Shared, fresh_prompt
from grade.tests.test_memory import FREE

CTRL_C, CTRL_P = "\x03", "\x10"
MANY = 1000
# top's summary line and its last line when it shows only a screenful.
TOP_SUMMARY = re.compile(r"top - up \S+, (\d+) processes: (\d+) running, (\d+) sleeping, "
                         r"(\d+) stopped, (\d+) zombie")
TOP_MORE = re.compile(r"^\((\d+) more processes\)$", re.M)
TOP_ROWS = 30


def start(t):
    sh = t.shell(cpus=3)
    return Shared(sh=sh, baseline=pages_not_held(sh))


def pages_not_held(sh):
    """Free pages, with the cached text of running programs counted as
    free: the shell's text grows as it runs code it had not run before,
    but a process that is gone must hold nothing."""
    out = sh.run("free")
    m = FREE.search(out)
    assert m, f"free printed {out!r}"
    return int(m[2]) + int(m[5])


def process_rows(out):
    """{pid: (state letter, name)} from ps's output."""
    rows = {}
    for line in out.splitlines()[1:]:
        f = line.split()
        if len(f) >= 7 and f[0].isdigit():
            rows[int(f[0])] = (f[3], f[-1])
    return rows


def until_only_shell(sh, timeout=30):
    """Wait until ps lists only init, sh and ps itself; return the rows."""
    deadline = time.monotonic() + timeout
    while True:
        rows = process_rows(sh.run("ps", timeout=60))
        if sorted(name for _, name in rows.values()) == ["init", "ps", "sh"]:
            return rows
        assert time.monotonic() < deadline, f"processes left after {timeout} s: {len(rows)}"
        time.sleep(1)


def until_free(sh, want, timeout=30):
    deadline = time.monotonic() + timeout
    while (now := pages_not_held(sh)) != want:
        assert time.monotonic() < deadline, f"{now} pages free (text included), {want} at boot"
        time.sleep(1)


def start_sleepers(t, s):
    s.sh.sendline(f"sleepers {MANY} &")
    m = s.sh.expect(r"^\[1\] (\d+)$", 10)
    s.group = int(m[1])
    s.sh.expect(r"\$ ", 10)
    s.sh.expect(rf"sleepers: {MANY} asleep", 60)


def ps_lists_all(t, s):
    rows = process_rows(s.sh.run("ps", timeout=60))
    sleepers = [pid for pid, (state, name) in rows.items() if name == "sleepers"]
    assert len(sleepers) == MANY + 1, f"ps lists {len(sleepers)} sleepers, want {MANY + 1}"
    assert all(rows[pid][0] == "S" for pid in sleepers), "a sleeper is not asleep"
    assert len(rows) == MANY + 4, f"ps lists {len(rows)} processes, want {MANY + 4}"
    pids = list(rows)
    assert pids == sorted(pids), "ps is not in pid order"


def top_counts_all(t, s):
    out = s.sh.run("top -n 1", timeout=60)
    m = TOP_SUMMARY.search(out)
    assert m, f"no summary line in top's output:\n{out[:500]}"
    total, running, sleeping = int(m[1]), int(m[2]), int(m[3])
    # init, sh, sleepers and its children, top.
    assert total == MANY + 4, f"top counts {total} processes, want {MANY + 4}"
    assert running >= 1 and sleeping >= MANY + 1, m[0]
    more = TOP_MORE.search(out)
    assert more and int(more[1]) == total - TOP_ROWS, f"top's last line: {out[-200:]!r}"


def ctrl_p_lists_all(t, s):
    s.sh.send(CTRL_P)
    lines = s.sh.wait_for(
        lambda text: text.count(" sleepers\n") >= MANY + 1 and text, 30,
        f"Ctrl-P to list {MANY + 1} sleepers")
    assert lines.count(" sleeping sleepers\n") == MANY + 1, "Ctrl-P's sleepers are not all asleep"
    assert s.sh.run("echo alive") == "alive\n"


def group_kill_ends_all(t, s):
    group = s.need("group", "the sleepers job")
    out = s.sh.run(f"kill -TERM -{group}")
    # The shell may tell of the job's end at once.
    assert out in ("", "[1]  Killed (signal 15)  sleepers 1000\n"), f"kill printed {out!r}"
    until_only_shell(s.sh)
    until_free(s.sh, s.baseline)


def fork_bomb(t, s):
    sh = s.sh
    sh.sendline("forkbomb")
    m = sh.expect(r"forkbomb: the process table is full at (\d+) processes \(fork: (.*)\)\n", 60)
    assert int(m[1]) >= MANY, f"the table was full at {m[1]} processes"
    assert m[2] == "try again", f"fork failed with {m[2]!r}, want EAGAIN's 'try again'"
    time.sleep(1)
    sh.send(CTRL_C)
    sh.expect(r"\$ ", 60)
    assert sh.run("echo alive", timeout=60) == "alive\n"
    until_only_shell(sh)
    until_free(sh, s.baseline)


def slots_come_back(t, s):
    # After the bomb, the table holds as many as before: fill it again.
    s.sh.sendline("sleepers 1100")
    m = s.sh.expect(r"sleepers: fork (\d+) of 1100: try again\n", 60)
    assert int(m[1]) > MANY, f"only {m[1]} forks after the fork bomb"
    s.sh.expect(r"sleepers: \d+ asleep\n", 10)
    s.sh.send(CTRL_C)
    s.sh.expect(r"\$ ", 60)
    until_only_shell(s.sh)
    until_free(s.sh, s.baseline)


CASES = [
    Session("a thousand processes at the console, 3 harts", start, [
        Case(f"sleepers {MANY} & makes {MANY} sleeping processes", start_sleepers),
        Case("ps lists every one, in pid order", ps_lists_all),
        Case("top counts every one and shows a screenful", top_counts_all),
        Case("Ctrl-P lists every one", ctrl_p_lists_all),
        Case("a kill of their group ends them all; every page comes back", group_kill_ends_all),
        Case("a fork bomb gets EAGAIN, Ctrl-C ends it, every page comes back", fork_bomb),
        Case("after it, the process table holds as many as before", slots_come_back),
    ], resync=lambda s: fresh_prompt(s.sh)),
]
