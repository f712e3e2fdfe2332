"""The process API at the console, typed as a user would: ps and its
state letters, kill with signal names, job control (&, jobs, fg, bg,
Ctrl-Z, Ctrl-C), top leaving the terminal usable, time and sleep.

One boot with three harts serves most cases, in order; a second boot with
one hart repeats the Ctrl-Z / bg / fg / Ctrl-C sequence with the spinning
job and the shell sharing that hart. A state that a process passes through
only briefly (a sleeper is runnable for a moment each tick; a zombie lasts
until the shell's next prompt) is looked for a few times before a case
fails. No case depends on how fast anything runs."""
import re
import time

from machine import Machine

PROMPT = r"init: starting sh\n\$ "
TRIES = 5            # looks at a state that comes and goes
SETTLE = 1.0         # seconds for a command typed in to get going
CTRL_C, CTRL_Z, DEL = "\x03", "\x1a", "\x7f"

PS_ROW = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S)\s+(\S+)\s+(\S+)\s+(\S+)$", re.M)


def ps(m):
    """ps's rows as {pid: (state letter, name)}."""
    return {int(r[1]): (r[4], r[7]) for r in PS_ROW.finditer(m.run("ps"))}


def started(out):
    """The pid in the shell's `[N] PID` line for a background job."""
    found = re.search(r"^\[\d+\] (\d+)$", out, re.M)
    assert found, f"no [job] pid line in {out!r}"
    return int(found[1])


def until(m, what, check):
    """Runs ps up to TRIES times, a second apart, until check(rows)."""
    for _ in range(TRIES):
        rows = ps(m)
        if check(rows):
            return rows
        time.sleep(1)
    raise AssertionError(f"ps never showed {what}; last rows: {rows}")


def stop_foreground(m, text):
    """Ctrl-Z on the foreground job: the Stopped line, then the prompt."""
    m.send(CTRL_Z)
    m.expect(r"\^Z\n", 10)
    m.expect(rf"^\[\d+\]  Stopped  {re.escape(text)}\n\$ ", 10)


def job_control_cases(m, case):
    def ps_columns():
        out = m.run("ps")
        assert re.search(r"^\s*PID\s+PPID\s+PGID\s+S\s+TIME\s+MEM\s+NAME$", out, re.M), out
        rows = ps(m)
        assert rows.get(1, ("", ""))[1] == "init", f"no init in {rows}"
        assert rows[1][0] == "S", f"init is {rows[1][0]}, not sleeping"
        assert any(name == "sh" for _, name in rows.values()), f"no sh in {rows}"
        assert any(r == ("R", "ps") for r in rows.values()), f"ps is not R in {rows}"

    def ps_long():
        out = m.run("ps -l")
        assert re.search(r"USER\s+SYS\s+AGE\s+SCHED\s+CPU", out), out

    state = {}

    def spin_is_running():
        state["spin"] = pid = started(m.run("spin &"))
        # Until its exec is done, the child is still called sh.
        until(m, f"spin {pid} as R", lambda rows: rows.get(pid) == ("R", "spin"))

    def sleep_is_sleeping():
        state["sleep"] = pid = started(m.run("sleep 100 &"))
        until(m, f"sleep {pid} as S", lambda rows: rows.get(pid) == ("S", "sleep"))

    def jobs_lists_both():
        out = m.run("jobs")
        assert re.search(r"^\[1\]  Running  spin &$", out, re.M), out
        assert re.search(r"^\[2\]  Running  sleep 100 &$", out, re.M), out

    def kill_stop():
        pid = state["sleep"]
        out = m.run(f"kill -STOP {pid}")
        assert "kill" not in out, f"kill -STOP said {out!r}"
        until(m, f"sleep {pid} as T", lambda rows: rows.get(pid) == ("T", "sleep"))
        out = m.run("jobs")
        assert re.search(r"^\[2\]  Stopped  sleep 100$", out, re.M), out

    def kill_cont():
        pid = state["sleep"]
        out = m.run(f"kill -CONT {pid}")
        assert "kill" not in out, f"kill -CONT said {out!r}"
        until(m, f"sleep {pid} continued", lambda rows: rows.get(pid, ("T",))[0] in "SR")
        out = m.run("jobs")
        assert re.search(r"^\[2\]  Running  sleep 100 &$", out, re.M), out

    def kill_errors():
        out = m.run("kill 9999")
        assert out == "kill: (9999): no such process\n", f"kill 9999 said {out!r}"
        out = m.run(f"kill -NOSUCH {state['spin']}")
        assert "invalid signal" in out, f"kill -NOSUCH said {out!r}"
        out = m.run("kill")
        assert out.startswith("usage: kill"), f"kill said {out!r}"
        out = m.run("kill -l")
        assert re.search(r"^19 STOP$", out, re.M), f"kill -l said {out!r}"

    def kill_ends_jobs():
        seen = m.run(f"kill -9 {state['spin']}")
        seen += m.run(f"kill -TERM {state['sleep']}")
        for _ in range(TRIES):
            seen += m.run("echo")
            if "spin" in seen and "sleep 100" in seen:
                break
            time.sleep(1)
        assert re.search(r"^\[1\]  Killed \(signal 9\)  spin$", seen, re.M), seen
        assert re.search(r"^\[2\]  Killed \(signal 15\)  sleep 100$", seen, re.M), seen
        assert m.run("jobs") == "", "jobs still listed after they were killed"

    def ctrl_z_stops_spin():
        m.send("spin\n")
        m.expect(r"spin\n", 10)
        time.sleep(SETTLE)
        stop_foreground(m, "spin")
        rows = ps(m)
        assert ("T", "spin") in rows.values(), f"no stopped spin in {rows}"

    def bg_runs_it():
        out = m.run("bg")
        assert re.search(r"^\[1\]  spin &$", out, re.M), f"bg said {out!r}"
        until(m, "spin running again", lambda rows: ("R", "spin") in rows.values())
        out = m.run("jobs")
        assert re.search(r"^\[1\]  Running  spin &$", out, re.M), out

    def fg_then_ctrl_c():
        m.send("fg\n")
        m.expect(r"fg\nspin\n", 10)
        time.sleep(SETTLE)
        m.send(CTRL_C)
        m.expect(r"\^C\n\$ ", 10)
        assert m.run("jobs") == "", "spin still a job after Ctrl-C"
        rows = ps(m)
        assert all(name != "spin" for _, name in rows.values()), f"spin left in {rows}"

    def ctrl_c_at_prompt():
        m.send(CTRL_C)
        m.expect(r"\^C\n", 10)
        m.expect(r"^\$ ", 10)
        out = m.run("echo alive")
        assert out == "alive\n", f"after Ctrl-C, echo said {out!r}"

    def ctrl_c_ends_cat():
        m.send("cat\n")
        m.expect(r"cat\n", 10)
        m.send("ping\n")
        m.expect(r"ping\nping\n", 10)   # the echo, then cat's copy
        m.send(CTRL_C)
        m.expect(r"\^C\n\$ ", 10)
        out = m.run("echo alive")
        assert out == "alive\n", f"after cat, echo said {out!r}"

    def ctrl_z_pipeline():
        m.send("cat | cat\n")
        m.expect(r"cat \| cat\n", 10)
        m.send("one\n")
        m.expect(r"one\none\n", 10)     # through both cats: they are running
        stop_foreground(m, "cat | cat")
        m.send("fg\n")
        m.expect(r"fg\ncat \| cat\n", 10)
        m.send("two\n")
        m.expect(r"two\ntwo\n", 10)
        m.send(CTRL_C)
        m.expect(r"\^C\n\$ ", 10)
        assert m.run("jobs") == "", "the pipeline is still a job"

    def ctrl_z_then_fg_sleep():
        m.send("sleep 3\n")
        m.expect(r"sleep 3\n", 10)
        time.sleep(SETTLE / 2)
        stop_foreground(m, "sleep 3")
        out = m.run("fg", timeout=60)
        assert out == "sleep 3\n", f"fg said {out!r}"
        assert m.run("jobs") == "", "sleep still a job after it finished"

    def done_reported():
        pid = started(m.run("sleep 1 &"))
        seen = m.run("sleep 2")
        for _ in range(TRIES):
            if "Done" in seen:
                break
            time.sleep(1)
            seen += m.run("echo")
        assert re.search(r"^\[1\]  Done  sleep 1$", seen, re.M), f"no Done for {pid}: {seen!r}"
        assert seen.count("Done") == 1, f"Done reported more than once: {seen!r}"

    def zombie_shows_z():
        # The shell reaps a background job only before a prompt, so an echo
        # that ends while a foreground sleep runs stays a zombie until then.
        for _ in range(TRIES):
            out = m.run("echo z & sleep 1 ; ps")
            pid = started(out)
            if re.search(rf"^\s*{pid}\s+\d+\s+\d+\s+Z\s+\S+\s+\S+\s+echo$", out, re.M):
                return
        raise AssertionError(f"echo never seen as a zombie; last output:\n{out}")

    def top_n_leaves():
        out = m.run("top -n 2", timeout=60)
        assert out.count("%CPU") == 2, f"expected two screens:\n{out}"
        assert re.search(r"processes: \d+ running, \d+ sleeping, \d+ stopped, \d+ zombie", out), out
        assert re.search(r"load: hart \d+ \d+%", out), out
        assert re.search(r"memory: \d+ KiB free", out), out
        assert re.search(r"^\s+\d+\s+\d+ R\s+\d+\s+\S+\s+\S+ top$", out, re.M), out
        check_line_editing()

    def top_q_leaves():
        m.send("top\n")
        m.expect(r"%CPU", 30)
        m.send("q")
        m.expect(r"^\$ ", 10)
        check_line_editing()

    def check_line_editing():
        """The console is cooked again: DEL erases, and the line is echoed."""
        m.send(f"echo abX{DEL}c\n")
        m.expect(r"^abc$", 10)
        m.expect(r"^\$ ", 10)

    def time_spin():
        out = m.run("time spin 1", timeout=60)
        t = dict(re.findall(r"^(real|user|sys) (\d+\.\d\d)$", out, re.M))
        assert set(t) == {"real", "user", "sys"}, f"time said {out!r}"
        assert float(t["user"]) > 0, f"no user time for spin: {out!r}"
        assert float(t["real"]) >= 1.0, f"spin 1 took less than a second: {out!r}"

    def sleep_returns():
        out = m.run("sleep 1", timeout=60)
        assert out == "", f"sleep 1 said {out!r}"
        out = m.run("sleep x")
        assert out.startswith("usage: sleep"), f"sleep x said {out!r}"

    case("ps has the columns and init, sh, ps in their states", ps_columns)
    case("ps -l adds the accounting columns", ps_long)
    case("spin & is R in ps", spin_is_running)
    case("sleep 100 & is S in ps", sleep_is_sleeping)
    case("jobs lists both background jobs as Running", jobs_lists_both)
    case("kill -STOP: T in ps, Stopped in jobs", kill_stop)
    case("kill -CONT: running again", kill_cont)
    case("kill: missing pid, bad signal, usage, -l", kill_errors)
    case("kill -9 and -TERM end jobs, reported before the prompt", kill_ends_jobs)
    case("Ctrl-Z stops spin: Stopped line, prompt, T in ps", ctrl_z_stops_spin)
    case("bg makes it run again", bg_runs_it)
    case("fg brings it back, Ctrl-C ends it", fg_then_ctrl_c)
    case("Ctrl-C at an empty prompt gives a new prompt", ctrl_c_at_prompt)
    case("Ctrl-C ends cat reading the console", ctrl_c_ends_cat)
    case("Ctrl-Z and fg act on a whole pipeline", ctrl_z_pipeline)
    case("Ctrl-Z then fg: sleep 3 finishes", ctrl_z_then_fg_sleep)
    case("a finished background job is reported Done once", done_reported)
    case("an unreaped child is Z in ps", zombie_shows_z)
    case("top -n 2 draws two screens and leaves the console cooked", top_n_leaves)
    case("top quits on q and leaves the console cooked", top_q_leaves)
    case("time spin 1 reports real, user and sys", time_spin)
    case("sleep 1 returns; sleep checks its argument", sleep_returns)


def one_hart_cases(m, case):
    def stop_bg_fg_kill():
        m.send("spin\n")
        m.expect(r"spin\n", 10)
        time.sleep(SETTLE)
        stop_foreground(m, "spin")
        out = m.run("bg")
        assert re.search(r"^\[1\]  spin &$", out, re.M), f"bg said {out!r}"
        # The shell still gets the hart it shares with spin.
        out = m.run("jobs")
        assert re.search(r"^\[1\]  Running  spin &$", out, re.M), out
        m.send("fg\n")
        m.expect(r"fg\nspin\n", 10)
        time.sleep(SETTLE)
        m.send(CTRL_C)
        m.expect(r"\^C\n\$ ", 10)
        assert m.run("jobs") == "", "spin still a job after Ctrl-C"

    case("Ctrl-Z, bg, fg, Ctrl-C with spin on one hart", stop_bg_fg_kill)


def run(report):
    for name, cpus, cases in [("jobs", 3, job_control_cases),
                              ("jobs-cpus1", 1, one_hart_cases)]:
        with Machine(name, cpus=cpus) as m:
            m.expect(PROMPT, 60)

            def case(title, fn):
                try:
                    fn()
                    report(title, True)
                except AssertionError as e:
                    report(title, False, str(e))

            cases(m, case)
            out = m.run("echo done")
            report(f"shell still alive at the end (CPUS={cpus})", out == "done\n", f"got {out!r}")
