"""Scheduling policies on the real kernel, as a student tries them: each
policy's defining property, measured by schedtest on one hart and set
beside what OSTEP's simulator (grade/sched.py) computes for the same
workload. A measured time may differ from the simulated one by a tick or
two (arrivals and sleeps have a 10 ms tick's resolution; a job overruns
its length by a fraction of a ms), so the cases allow SLACK_MS.

One boot with one hart serves the cases, in order; each case leaves the
policy where it found it (schedtest switches back on its own)."""
import re

from grade.sched import agrees, run_schedtest, simulate
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
    """A bad policy or parameter: a message, no jobs run, nothing changed."""
    before = policy(s.sh)
    for args in ["-p nosuch -l 10", "-p rr,quantum=0 -l 10", "-p rr,bogus=1 -l 10"]:
        out = s.sh.run(f"schedtest {args}")
        assert "no such policy, parameter or value" in out and "Final statistics" not in out, \
            f"schedtest {args}: {out!r}"
    assert policy(s.sh) == before, f"the policy changed to {policy(s.sh)!r}"
    out = s.sh.run("sched nosuch")
    assert "usage: sched" in out, f"sched nosuch: {out!r}"


CASES = [
    Session("policies on one hart", start, [
        Case("fcfs completes in arrival order", fcfs_in_order, timeout=90),
        Case("fcfs: a later arrival waits", fcfs_late_arrival, timeout=90),
        Case("rr agrees with the simulator", rr_matches_model, timeout=90),
        Case("rr response <= (n-1) x quantum + a tick", rr_response_bound, timeout=120),
        Case("schedtest puts the policy back", back_to_policy, timeout=90),
        Case("bad policies and parameters are refused", bad_policy),
    ], resync=lambda s: fresh_prompt(s.sh)),
]
