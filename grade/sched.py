"""Scheduling workloads for grading scripts: run schedtest on a booted
kernel, read its statistics, and compute what OSTEP's simulator would say.

    from grade import test, main
    from grade.sched import run_schedtest, simulate

    @test(10, "fcfs runs jobs in arrival order", timeout=120)
    def fcfs(t):
        sh = t.shell(cpus=1)
        got = run_schedtest(sh, "-p fcfs -l 300,100,200")
        want = simulate("fcfs", [300, 100, 200])
        t.check(agrees(got, want, slack_ms=20), f"got {got}, want {want}")

run_schedtest returns a Stats: .policy (the line schedtest printed),
.jobs (one dict per job: response, turnaround, wait, in ms), .average
and .levels (each job's level at the end under mlfq or prio, else None).
simulate implements the textbook's fcfs/fifo, sjf, stcf and rr for CPU-only
jobs with arrival times (scheduler.py's rules: at a tie, the job that
arrived first, then the lower job number), one hart.
"""
import re

from grade.errors import Fail

_JOB = re.compile(r"^\s*Job\s+(\d+) -- Response: ([\d.]+)\s+Turnaround ([\d.]+)\s+Wait ([\d.]+)$", re.M)
_AVG = re.compile(r"^\s*Average -- Response: ([\d.]+)\s+Turnaround ([\d.]+)\s+Wait ([\d.]+)$", re.M)
_POLICY = re.compile(r"^policy: (.*)$", re.M)
_LEVELS = re.compile(r"^Levels at the end:((?: \d+)+)$", re.M)


class Stats:
    def __init__(self, policy, jobs, average, levels=None):
        self.policy = policy
        self.jobs = jobs
        self.average = average
        self.levels = levels

    def __repr__(self):
        rows = ", ".join(f"job {i}: R {j['response']:.1f} T {j['turnaround']:.1f} W {j['wait']:.1f}"
                         for i, j in enumerate(self.jobs))
        return f"[{self.policy}: {rows}]"


def parse_stats(text):
    """schedtest's (or OSTEP scheduler.py -c's) "Final statistics" as Stats.
    Raises Fail if there are none."""
    jobs = {}
    for m in _JOB.finditer(text):
        jobs[int(m[1])] = {"response": float(m[2]), "turnaround": float(m[3]), "wait": float(m[4])}
    avg = _AVG.search(text)
    if not jobs or avg is None or sorted(jobs) != list(range(len(jobs))):
        raise Fail(f"no statistics in schedtest's output:\n{text[-800:]}")
    policy = _POLICY.search(text)
    average = {"response": float(avg[1]), "turnaround": float(avg[2]), "wait": float(avg[3])}
    levels = _LEVELS.search(text)
    return Stats(policy[1].strip() if policy else "", [jobs[i] for i in sorted(jobs)], average,
                 [int(x) for x in levels[1].split()] if levels else None)


def run_schedtest(sh, args, timeout=120):
    """Type `schedtest ARGS` at the shell console sh; its Stats."""
    out = sh.run(f"schedtest {args}", timeout=timeout)
    return parse_stats(out)


def simulate(policy, lengths, arrivals=None, quantum=10):
    """What OSTEP's scheduler.py computes for CPU-only jobs on one hart:
    a Stats with response, turnaround and wait per job, in ms. policy is
    fcfs (or fifo), sjf, stcf or rr (with quantum ms)."""
    n = len(lengths)
    arrivals = list(arrivals or [0] * n)
    left = list(lengths)
    first = [None] * n
    end = [None] * n
    now = 0
    ready = []          # job numbers in the order they joined the queue
    arrived = [False] * n
    running = None

    def admit(upto):
        for i in sorted(range(n), key=lambda i: (arrivals[i], i)):
            if not arrived[i] and arrivals[i] <= upto:
                arrived[i] = True
                ready.append(i)

    admit(now)
    while None in end:
        if not ready and running is None:
            now = min(arrivals[i] for i in range(n) if not arrived[i])
            admit(now)
            continue
        if policy in ("fcfs", "fifo"):
            job = ready.pop(0)
            run = left[job]
        elif policy == "sjf":
            job = min(ready, key=lambda i: (lengths[i], arrivals[i], i))
            ready.remove(job)
            run = left[job]
        elif policy == "stcf":
            job = min(ready, key=lambda i: (left[i], arrivals[i], i))
            ready.remove(job)
            later = [arrivals[i] for i in range(n) if not arrived[i] and arrivals[i] > now]
            run = min([left[job]] + [a - now for a in later])
        elif policy == "rr":
            job = ready.pop(0)
            run = min(quantum, left[job])
        else:
            raise ValueError(f"simulate: no model of policy {policy!r}")
        if first[job] is None:
            first[job] = now
        now += run
        left[job] -= run
        admit(now)
        if left[job] == 0:
            end[job] = now
        else:
            ready.append(job)
    jobs = [{"response": first[i] - arrivals[i], "turnaround": end[i] - arrivals[i],
             "wait": end[i] - arrivals[i] - lengths[i]} for i in range(n)]
    average = {k: sum(j[k] for j in jobs) / n for k in ("response", "turnaround", "wait")}
    return Stats(policy, jobs, average)


def fluid(lengths, tickets):
    """The completion time of each job under ideal proportional share on
    one hart (what lottery approaches and stride nearly attains): at every
    moment the runnable jobs share the CPU in proportion to their tickets.
    All start at 0. A list of times in ms, in job order."""
    left = [float(x) for x in lengths]
    done = [None] * len(lengths)
    now = 0.0
    while None in done:
        live = [i for i in range(len(left)) if done[i] is None]
        total = sum(tickets[i] for i in live)
        # The next to finish: the least left per its share.
        step = min(left[i] * total / tickets[i] for i in live)
        for i in live:
            left[i] -= step * tickets[i] / total
        now += step
        for i in live:
            if left[i] <= 1e-9:
                done[i] = now
    return done


def agrees(got, want, slack_ms=20):
    """Does every job's response, turnaround and wait in got lie within
    slack_ms of want's (schedtest measures; the simulator is exact)?"""
    if len(got.jobs) != len(want.jobs):
        return False
    return all(abs(g[k] - w[k]) <= slack_ms
               for g, w in zip(got.jobs, want.jobs) for k in ("response", "turnaround", "wait"))
