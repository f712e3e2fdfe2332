"""Scheduling policies on the real kernel, as a student tries them: each
policy's defining property, measured by schedtest on one hart and set
beside what OSTEP's simulator (grade/sched.py) computes for the same
workload. A measured time may differ from the simulated one by a tick or
two (arrivals and sleeps have a 10 ms tick's resolution; a job overruns
its length by a fraction of a ms), so the cases allow SLACK_MS.

One boot with one hart serves the cases, in order; each case leaves the
policy where it found it (schedtest switches back on its own)."""
import re

from grade.sched import agrees, fluid, run_schedtest, simulate
from grade.tests.harness import Case, Session, Shared, fresh_prompt

SLACK_MS = 20     # two ticks
RUN_TIMEOUT = 60  # seconds for one schedtest run


def start(t):
    return Shared(sh=t.shell(cpus=1))


def policy(sh):
    out = sh.run("sched")
    m = re.search(r"^policy: (.*)$", out, re.M)
    assert m, f"sched printed {out!r}"
    return m[1].strip()


def compare(sh, args, model, lengths, arrivals=None, quantum=10):
    got = run_schedtest(sh, args, RUN_TIMEOUT)
    want = simulate(model, lengths, arrivals, quantum)
    assert agrees(got, want, SLACK_MS), f"schedtest {args}:\n  measured  {got}\n  simulated {want}"
    return got


def fcfs_in_order(t, s):
    """fcfs runs 300,100,200 to completion in arrival order, as the model does."""
    got = compare(s.sh, "-p fcfs -l 300,100,200", "fcfs", [300, 100, 200])
    ends = [j["turnaround"] for j in got.jobs]
    assert ends == sorted(ends), f"jobs did not finish in arrival order: {got}"


def fcfs_late_arrival(t, s):
    """fcfs with arrivals: a job that arrives later waits behind the one running."""
    compare(s.sh, "-p fcfs -l 200,100 -a 0,50", "fcfs", [200, 100], [0, 50])


def rr_matches_model(t, s):
    """rr with a 10 ms quantum: response, turnaround and wait as the model's."""
    compare(s.sh, "-p rr -q 10 -l 100,100,100", "rr", [100, 100, 100], quantum=10)


def rr_response_bound(t, s):
    """rr's response time is at most (n-1) x quantum plus a tick, for a small quantum too."""
    for q in (2, 10, 30):
        got = run_schedtest(s.sh, f"-p rr -q {q} -l 60,60,60,60", RUN_TIMEOUT)
        bound = (len(got.jobs) - 1) * q + 10
        worst = max(j["response"] for j in got.jobs)
        assert worst <= bound + 1, f"quantum {q}: response {worst:.2f} ms > {bound} ms: {got}"


def back_to_policy(t, s):
    """schedtest switches back to the policy in use when it is done."""
    before = policy(s.sh)
    s.sh.run("sched rr quantum=7")
    run_schedtest(s.sh, "-p fcfs -l 20", RUN_TIMEOUT)
    assert policy(s.sh) == "rr quantum=7ms", f"after schedtest the policy is {policy(s.sh)!r}"
    s.sh.run(f"sched {before}")


def bad_policy(t, s):
    """A bad policy or parameter: a message saying which, no jobs run, nothing changed."""
    before = policy(s.sh)
    cases = {
        "-p nosuch -l 10": "schedtest: nosuch: no such policy",
        "-p rr,quantum=0 -l 10": "rr takes: quantum=1..1000ms",
        "-p rr,bogus=1 -l 10": "rr takes: quantum=1..1000ms",
        "-p fcfs,quantum=5 -l 10": "fcfs takes no parameters",
        "-p mlfq,quantum=5,10 -l 10": "one value for every level, or one per level",
    }
    for args, why in cases.items():
        out = s.sh.run(f"schedtest {args}")
        assert why in out and "Final statistics" not in out, f"schedtest {args}: {out!r}"
    assert policy(s.sh) == before, f"the policy changed to {policy(s.sh)!r}"
    out = s.sh.run("sched nosuch")
    assert "sched: nosuch: no such policy" in out and "usage: sched" in out, f"sched nosuch: {out!r}"
    out = s.sh.run("sched -r")
    assert "levels=1..8 quantum=1..1000ms (1-8 values)" in out and "alpha=0.0..1.0" in out, \
        f"sched -r: {out!r}"
    assert policy(s.sh) == before, f"the policy changed to {policy(s.sh)!r}"


def sjf_by_length(t, s):
    """sjf runs the shortest job first, as the model does."""
    compare(s.sh, "-p sjf -l 300,100,200", "sjf", [300, 100, 200])


def sjf_no_preemption(t, s):
    """sjf does not preempt: a shorter job that arrives waits for the running one."""
    got = compare(s.sh, "-p sjf -l 300,50 -a 0,50", "sjf", [300, 50], [0, 50])
    assert got.jobs[1]["response"] >= 240, f"the short job did not wait: {got}"


def stcf_preempts(t, s):
    """stcf: a shorter arrival preempts at once; the rest as the model."""
    got = compare(s.sh, "-p stcf -l 300,100,200 -a 0,50,60", "stcf", [300, 100, 200], [0, 50, 60])
    assert got.jobs[1]["response"] < 5, f"the shorter arrival did not preempt: {got}"


def prio_by_nice(t, s):
    """prio runs the highest priority (lowest nice) first, to completion."""
    got = run_schedtest(s.sh, "-p prio -l 100,100,100 -n 10,0,-10", RUN_TIMEOUT)
    ends = [j["turnaround"] for j in got.jobs]
    assert ends[2] < ends[1] < ends[0], f"not in priority order: {got}"
    assert got.jobs[2]["response"] < 5 and got.jobs[0]["response"] >= 190, f"{got}"


def prio_preempts(t, s):
    """prio: a higher-priority arrival takes the hart at once."""
    got = run_schedtest(s.sh, "-p prio -l 300,100 -a 0,50 -n 5,-5", RUN_TIMEOUT)
    assert got.jobs[1]["response"] < 5, f"no preemption: {got}"
    assert abs(got.jobs[0]["turnaround"] - 400) <= SLACK_MS, f"{got}"


def prio_aging(t, s):
    """prio with aging: a starved low-priority job gets to run while the hogs
    still do (20 levels up, 20 ms each: about 400 ms); without aging it
    waits for both."""
    args = "-l 1000,1000,50 -n -10,-10,10"
    starved = run_schedtest(s.sh, f"-p prio {args}", 2 * RUN_TIMEOUT)
    assert starved.jobs[2]["response"] >= 1900, f"ran without aging: {starved}"
    aged = run_schedtest(s.sh, f"-p prio,aging=20 {args}", 2 * RUN_TIMEOUT)
    assert aged.jobs[2]["response"] <= 400 + 200, f"aging did not let it run: {aged}"


def mlfq_levels(t, s):
    """mlfq keeps an interactive job on top and sinks a CPU hog; a job that
    sleeps just before its allotment runs out is still moved down."""
    got = run_schedtest(s.sh, "-p mlfq,boost=0 -l 300,5,100 -i 0:0,1:10,9:10", RUN_TIMEOUT)
    assert got.levels == [2, 0, 2], f"levels at the end {got.levels}, want [2, 0, 2]: {got}"
    assert got.jobs[1]["turnaround"] < 100, f"the interactive job was held up: {got}"


def shares(t, s, policy, tolerance):
    lengths, tickets = [1000, 1000, 1000], [300, 200, 100]
    got = run_schedtest(s.sh, f"-p {policy} -l 1000,1000,1000 -t 300,200,100", 2 * RUN_TIMEOUT)
    want = fluid(lengths, tickets)
    for i, (g, w) in enumerate(zip((j["turnaround"] for j in got.jobs), want)):
        assert abs(g - w) <= tolerance * w, \
            f"{policy}: job {i} ({tickets[i]} tickets) done at {g:.0f} ms, ideal {w:.0f} ms (+-{tolerance:.0%}): {got}"


def lottery_shares(t, s):
    """lottery gives 3:2:1 tickets their CPU shares within 10 % over 3 s."""
    shares(t, s, "lottery,quantum=1", 0.10)


def stride_shares(t, s):
    """stride gives 3:2:1 tickets their CPU shares within 2 % over 3 s."""
    shares(t, s, "stride", 0.02)


CASES = [
    Session("policies on one hart", start, [
        Case("fcfs completes in arrival order", fcfs_in_order, timeout=90),
        Case("fcfs: a later arrival waits", fcfs_late_arrival, timeout=90),
        Case("rr agrees with the simulator", rr_matches_model, timeout=90),
        Case("rr response <= (n-1) x quantum + a tick", rr_response_bound, timeout=120),
        Case("sjf runs the shortest first", sjf_by_length, timeout=90),
        Case("sjf does not preempt", sjf_no_preemption, timeout=90),
        Case("stcf: a shorter arrival preempts", stcf_preempts, timeout=90),
        Case("prio: highest first", prio_by_nice, timeout=90),
        Case("prio: a higher arrival preempts", prio_preempts, timeout=90),
        Case("prio: aging lets a starved job run", prio_aging, timeout=150),
        Case("mlfq: interactive on top, hog and gamer sink", mlfq_levels, timeout=90),
        Case("lottery: 3:2:1 shares within 10 %", lottery_shares, timeout=150),
        Case("stride: 3:2:1 shares within 2 %", stride_shares, timeout=150),
        Case("schedtest puts the policy back", back_to_policy, timeout=90),
        Case("bad policies and parameters are refused", bad_policy),
    ], resync=lambda s: fresh_prompt(s.sh)),
]
