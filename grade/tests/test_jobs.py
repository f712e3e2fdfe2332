"""The process API at the console, typed as a user would: ps and its
state letters, kill with signal names, job control (&, jobs, fg, bg,
Ctrl-Z, Ctrl-C), top leaving the terminal usable, time and sleep.

One boot with three harts serves most cases, in order; a second boot with
one hart repeats the Ctrl-Z / bg / fg / Ctrl-C sequence with the spinning
job and the shell sharing that hart (two Sessions, see harness.py). A
case that needs a job an earlier case started (the pid of `spin &`) gets
it from the session's Shared, and fails saying so if that case did not
get as far. After a failed case, Ctrl-C and a marker line bring the shell
back to a fresh prompt.

No case depends on how fast anything runs. A key that acts on the
foreground job (Ctrl-Z, Ctrl-C) is pressed only once Ctrl-P lists the job
running under its own name and the shell waiting for it: the shell hands
the console to a job's group before it waits (user/sh.c), so from then on
the key reaches the job. A state that a process passes through only briefly
(a sleeper is runnable for a moment each tick; a zombie lasts until the
shell's next prompt) is looked for a few times before a case fails. A
background job that the shell's own lines could race on the console
writes to a file instead."""
import re
import time

from grade import PROMPT
from grade.errors import Fail, TimedOut
from grade.tests.harness import Case, Session, Shared, fresh_prompt

TRIES = 5            # looks at a state that comes and goes, a second apart
LISTINGS = 40        # Ctrl-P listings to wait for a job to run
CTRL_C, CTRL_P, CTRL_Z, DEL = "\x03", "\x10", "\x1a", "\x7f"

PS_ROW = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S)\s+(\S+)\s+(\S+)\s+(\S+)$", re.M)


# ---- Reading what the shell shows -------------------------------------------

def ps(sh):
    """ps's rows as {pid: (state letter, name)}."""
    return {int(r[1]): (r[4], r[7]) for r in PS_ROW.finditer(sh.run("ps"))}


def started(out):
    """The pid in the shell's `[N] PID` line for a background job."""
    found = re.search(r"^\[\d+\] (\d+)$", out, re.M)
    assert found, f"no [job] pid line in {out!r}"
    return int(found[1])


def until(sh, what, check):
    """Runs ps up to TRIES times, a second apart, until check(rows)."""
    for _ in range(TRIES):
        rows = ps(sh)
        if check(rows):
            return rows
        time.sleep(1)
    raise Fail(f"ps never showed {what}; last rows: {rows}")


def job_in_foreground(sh, name, states=("running", "runnable")):
    """Press Ctrl-P until one listing shows the shell waiting (sleeping)
    and, after it, a process called name in one of states. The shell
    gives the console to a job's group before it waits for the job
    (user/sh.c: enter_job, builtin_fg, wait_foreground), so from then on
    Ctrl-C and Ctrl-Z reach the job. (The listing goes in process-table
    order, and a job's slot comes after its shell's.)"""
    listing = (rf"^\d+ sleeping sh\n(?:\d+ .*\n)*"
               rf"\d+ (?:{'|'.join(states)}) {re.escape(name)}(?: on hart \d+)?$")
    for _ in range(LISTINGS):
        sh.send(CTRL_P)
        try:
            sh.expect(listing, 1)
            return
        except TimedOut:
            continue   # this listing did not show it yet
    raise Fail(f"Ctrl-P never listed the shell waiting for {name} ({' or '.join(states)})")


def stop_foreground(sh, text):
    """Ctrl-Z on the foreground job: the Stopped line, then the prompt."""
    sh.send(CTRL_Z)
    sh.expect(r"\^Z\n", 10)
    sh.expect(rf"^\[\d+\]  Stopped  {re.escape(text)}\n" + PROMPT, 10)


def check_line_editing(sh):
    """The console is cooked again: DEL erases, and the line is echoed."""
    sh.send(f"echo abX{DEL}c\n")
    sh.expect(r"^abc$", 10)
    sh.expect(PROMPT, 10)


# ---- Three harts ----------------------------------------------------------------

def ps_columns(t, s):
    out = s.sh.run("ps")
    assert re.search(r"^\s*PID\s+PPID\s+PGID\s+S\s+TIME\s+MEM\s+NAME$", out, re.M), out
    rows = ps(s.sh)
    assert rows.get(1, ("", ""))[1] == "init", f"no init in {rows}"
    assert rows[1][0] == "S", f"init is {rows[1][0]}, not sleeping"
    assert any(name == "sh" for _, name in rows.values()), f"no sh in {rows}"
    assert any(r == ("R", "ps") for r in rows.values()), f"ps is not R in {rows}"


def ps_long(t, s):
    out = s.sh.run("ps -l")
    assert re.search(r"USER\s+SYS\s+AGE\s+SCHED\s+CPU", out), out


def spin_is_running(t, s):
    s.spin_pid = pid = started(s.sh.run("spin &"))
    # Until its exec is done, the child is still called sh.
    until(s.sh, f"spin {pid} as R", lambda rows: rows.get(pid) == ("R", "spin"))


def sleep_is_sleeping(t, s):
    s.sleep_pid = pid = started(s.sh.run("sleep 100 &"))
    until(s.sh, f"sleep {pid} as S", lambda rows: rows.get(pid) == ("S", "sleep"))


def jobs_lists_both(t, s):
    out = s.sh.run("jobs")
    assert re.search(r"^\[1\]  Running  spin &$", out, re.M), out
    assert re.search(r"^\[2\]  Running  sleep 100 &$", out, re.M), out


def kill_stop(t, s):
    pid = s.need("sleep_pid", "the pid of `sleep 100 &`")
    out = s.sh.run(f"kill -STOP {pid}")
    assert "kill" not in out, f"kill -STOP said {out!r}"
    until(s.sh, f"sleep {pid} as T", lambda rows: rows.get(pid) == ("T", "sleep"))
    out = s.sh.run("jobs")
    assert re.search(r"^\[2\]  Stopped  sleep 100$", out, re.M), out


def kill_cont(t, s):
    pid = s.need("sleep_pid", "the pid of `sleep 100 &`")
    out = s.sh.run(f"kill -CONT {pid}")
    assert "kill" not in out, f"kill -CONT said {out!r}"
    until(s.sh, f"sleep {pid} continued", lambda rows: rows.get(pid, ("T",))[0] in "SR")
    out = s.sh.run("jobs")
    assert re.search(r"^\[2\]  Running  sleep 100 &$", out, re.M), out


def kill_errors(t, s):
    sh = s.sh
    out = sh.run("kill 9999")
    assert out == "kill: (9999): no such process\n", f"kill 9999 said {out!r}"
    out = sh.run("kill -NOSUCH 1")
    assert "invalid signal" in out, f"kill -NOSUCH said {out!r}"
    out = sh.run("kill")
    assert out.startswith("usage: kill"), f"kill said {out!r}"
    out = sh.run("kill -l")
    assert re.search(r"^19 STOP$", out, re.M), f"kill -l said {out!r}"


def kill_ends_jobs(t, s):
    sh = s.sh
    spin = s.need("spin_pid", "the pid of `spin &`")
    sleep = s.need("sleep_pid", "the pid of `sleep 100 &`")
    seen = sh.run(f"kill -9 {spin}")
    seen += sh.run(f"kill -TERM {sleep}")
    for _ in range(TRIES):
        seen += sh.run("echo")
        if "spin" in seen and "sleep 100" in seen:
            break
        time.sleep(1)
    assert re.search(r"^\[1\]  Killed \(signal 9\)  spin$", seen, re.M), seen
    assert re.search(r"^\[2\]  Killed \(signal 15\)  sleep 100$", seen, re.M), seen
    assert sh.run("jobs") == "", "jobs still listed after they were killed"


def ctrl_z_stops_spin(t, s):
    sh = s.sh
    sh.sendline("spin")
    sh.expect(r"spin\n", 10)
    job_in_foreground(sh, "spin")
    stop_foreground(sh, "spin")
    rows = ps(sh)
    assert ("T", "spin") in rows.values(), f"no stopped spin in {rows}"


def bg_runs_it(t, s):
    out = s.sh.run("bg")
    assert re.search(r"^\[1\]  spin &$", out, re.M), f"bg said {out!r}"
    until(s.sh, "spin running again", lambda rows: ("R", "spin") in rows.values())
    out = s.sh.run("jobs")
    assert re.search(r"^\[1\]  Running  spin &$", out, re.M), out


def fg_then_ctrl_c(t, s):
    sh = s.sh
    sh.sendline("fg")
    sh.expect(r"fg\nspin\n", 10)
    job_in_foreground(sh, "spin")
    sh.send(CTRL_C)
    sh.expect(r"\^C\n" + PROMPT, 10)
    assert sh.run("jobs") == "", "spin still a job after Ctrl-C"
    rows = ps(sh)
    assert all(name != "spin" for _, name in rows.values()), f"spin left in {rows}"


def ctrl_c_at_prompt(t, s):
    sh = s.sh
    sh.send(CTRL_C)
    sh.expect(r"\^C\n", 10)
    sh.expect(PROMPT, 10)
    out = sh.run("echo alive")
    assert out == "alive\n", f"after Ctrl-C, echo said {out!r}"


def ctrl_c_ends_cat(t, s):
    sh = s.sh
    sh.sendline("cat")
    sh.expect(r"cat\n", 10)
    sh.sendline("ping")
    sh.expect(r"ping\nping\n", 10)   # the echo, then cat's copy: cat runs
    sh.send(CTRL_C)
    sh.expect(r"\^C\n" + PROMPT, 10)
    out = sh.run("echo alive")
    assert out == "alive\n", f"after cat, echo said {out!r}"


def ctrl_z_pipeline(t, s):
    sh = s.sh
    sh.sendline("cat | cat")
    sh.expect(r"cat \| cat\n", 10)
    sh.sendline("one")
    sh.expect(r"one\none\n", 10)     # through both cats: they are running
    stop_foreground(sh, "cat | cat")
    sh.sendline("fg")
    sh.expect(r"fg\ncat \| cat\n", 10)
    sh.sendline("two")
    sh.expect(r"two\ntwo\n", 10)     # running again, so the console is theirs
    sh.send(CTRL_C)
    sh.expect(r"\^C\n" + PROMPT, 10)
    assert sh.run("jobs") == "", "the pipeline is still a job"


def ctrl_z_then_fg_sleep(t, s):
    sh = s.sh
    sh.sendline("sleep 3")
    sh.expect(r"sleep 3\n", 10)
    job_in_foreground(sh, "sleep", states=("sleeping",))
    stop_foreground(sh, "sleep 3")
    out = sh.run("fg", timeout=60)
    assert out == "sleep 3\n", f"fg said {out!r}"
    assert sh.run("jobs") == "", "sleep still a job after it finished"


def done_reported(t, s):
    sh = s.sh
    seen = sh.run("sleep 1 &")
    pid = started(seen)
    seen += sh.run("sleep 2")
    for _ in range(TRIES):
        if "Done" in seen:
            break
        time.sleep(1)
        seen += sh.run("echo")
    assert re.search(r"^\[1\]  Done  sleep 1$", seen, re.M), f"no Done for {pid}: {seen!r}"
    assert seen.count("Done") == 1, f"Done reported more than once: {seen!r}"


def zombie_shows_z(t, s):
    # The shell reaps a background job only before a prompt, so an echo
    # that ends while a foreground sleep runs stays a zombie until then.
    # It writes to a file: on the console its line could mix with the
    # shell's [N] PID line, character by character.
    for _ in range(TRIES):
        out = s.sh.run("echo z > zfile & sleep 1 ; ps")
        pid = started(out)
        if re.search(rf"^\s*{pid}\s+\d+\s+\d+\s+Z\s+\S+\s+\S+\s+echo$", out, re.M):
            return
    raise Fail(f"echo never seen as a zombie; last output:\n{out}")


def top_n_leaves(t, s):
    out = s.sh.run("top -n 2", timeout=60)
    assert out.count("%CPU") == 2, f"expected two screens:\n{out}"
    assert re.search(r"processes: \d+ running, \d+ sleeping, \d+ stopped, \d+ zombie", out), out
    assert re.search(r"load: hart \d+ \d+%", out), out
    assert re.search(r"memory: \d+ KiB free", out), out
    assert re.search(r"^\s+\d+\s+\d+ R\s+\d+\s+\S+\s+\S+\s+\S+ top$", out, re.M), out
    check_line_editing(s.sh)


def top_q_leaves(t, s):
    sh = s.sh
    sh.sendline("top")
    sh.expect(r"%CPU", 30)    # top draws only once the console is raw: q needs no Enter
    sh.send("q")
    sh.expect(PROMPT, 10)
    check_line_editing(sh)


def time_spin(t, s):
    out = s.sh.run("time spin 1", timeout=60)
    times = dict(re.findall(r"^(real|user|sys) (\d+\.\d\d)$", out, re.M))
    assert set(times) == {"real", "user", "sys"}, f"time said {out!r}"
    assert float(times["user"]) > 0, f"no user time for spin: {out!r}"
    assert float(times["real"]) >= 1.0, f"spin 1 took less than a second: {out!r}"


def sleep_returns(t, s):
    out = s.sh.run("sleep 1", timeout=60)
    assert out == "", f"sleep 1 said {out!r}"
    out = s.sh.run("sleep x")
    assert out.startswith("usage: sleep"), f"sleep x said {out!r}"


# ---- One hart -----------------------------------------------------------------------

def stop_bg_fg_kill(t, s):
    sh = s.sh
    sh.sendline("spin")
    sh.expect(r"spin\n", 10)
    job_in_foreground(sh, "spin")
    stop_foreground(sh, "spin")
    out = sh.run("bg")
    assert re.search(r"^\[1\]  spin &$", out, re.M), f"bg said {out!r}"
    # The shell still gets the hart it shares with spin.
    out = sh.run("jobs")
    assert re.search(r"^\[1\]  Running  spin &$", out, re.M), out
    sh.sendline("fg")
    sh.expect(r"fg\nspin\n", 10)
    job_in_foreground(sh, "spin")
    sh.send(CTRL_C)
    sh.expect(r"\^C\n" + PROMPT, 10)
    assert sh.run("jobs") == "", "spin still a job after Ctrl-C"


def still_alive(t, s):
    out = s.sh.run("echo done")
    assert out == "done\n", f"got {out!r}"


def session(cpus, cases):
    return Session(f"jobs, {cpus} hart{'s' if cpus > 1 else ''}",
                   lambda t: Shared(sh=t.shell(cpus=cpus)),
                   cases + [Case(f"shell still alive at the end (CPUS={cpus})", still_alive)],
                   resync=lambda s: fresh_prompt(s.sh))


CASES = [
    session(3, [
        Case("ps has the columns and init, sh, ps in their states", ps_columns),
        Case("ps -l adds the accounting columns", ps_long),
        Case("spin & is R in ps", spin_is_running),
        Case("sleep 100 & is S in ps", sleep_is_sleeping),
        Case("jobs lists both background jobs as Running", jobs_lists_both),
        Case("kill -STOP: T in ps, Stopped in jobs", kill_stop),
        Case("kill -CONT: running again", kill_cont),
        Case("kill: missing pid, bad signal, usage, -l", kill_errors),
        Case("kill -9 and -TERM end jobs, reported before the prompt", kill_ends_jobs),
        Case("Ctrl-Z stops spin: Stopped line, prompt, T in ps", ctrl_z_stops_spin),
        Case("bg makes it run again", bg_runs_it),
        Case("fg brings it back, Ctrl-C ends it", fg_then_ctrl_c),
        Case("Ctrl-C at an empty prompt gives a new prompt", ctrl_c_at_prompt),
        Case("Ctrl-C ends cat reading the console", ctrl_c_ends_cat),
        Case("Ctrl-Z and fg act on a whole pipeline", ctrl_z_pipeline),
        Case("Ctrl-Z then fg: sleep 3 finishes", ctrl_z_then_fg_sleep, timeout=60),
        Case("a finished background job is reported Done once", done_reported),
        Case("an unreaped child is Z in ps", zombie_shows_z),
        Case("top -n 2 draws two screens and leaves the console cooked", top_n_leaves,
             timeout=60),
        Case("top quits on q and leaves the console cooked", top_q_leaves),
        Case("time spin 1 reports real, user and sys", time_spin, timeout=60),
        Case("sleep 1 returns; sleep checks its argument", sleep_returns, timeout=60),
    ]),
    session(1, [
        Case("Ctrl-Z, bg, fg, Ctrl-C with spin on one hart", stop_bg_fg_kill),
    ]),
]
