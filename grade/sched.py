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


# ---- The scheduling trace ---------------------------------------------------

_EVENT = re.compile(r"^EV (\d+) (\d+) (-?\d+) (\d+) (\d+) (-?\d+) (\S+)$", re.M)
_END = re.compile(r"^EV END (\d+) dropped (\d+)$", re.M)
EVENT_TYPES = {1: "dispatch", 2: "preempt", 3: "block", 4: "exit", 5: "wake",
               6: "switch", 7: "boost", 8: "dropped"}   # kernel/schedtrace.h


class Trace:
    """A run's scheduling events, as `gantt -r` prints them: .events (dicts
    with seq, time (us from the run's start), hart, pid, type (a name from
    EVENT_TYPES), arg and name), .end_us (the run's length) and .dropped
    (events the reader missed)."""

    def __init__(self, events, end_us, dropped):
        self.events = events
        self.end_us = end_us
        self.dropped = dropped

    def order(self):
        """The events without their times: hart, pid, type, in order."""
        return [(e["hart"], e["pid"], e["type"]) for e in self.events]


def same_trace(a, b, slack_us=None):
    """Do two runs' traces agree event for event: the same events (hart,
    pid, type) in the same order, and, if slack_us is given, each at the
    same time to within slack_us? Under DETERMINISTIC=1 the order repeats
    exactly, but times do not quite: the disk's replies come from the host,
    off the instruction clock, and can move later events by a tick or two.
    Returns (True, "") or (False, where they part)."""
    if a.order() != b.order():
        for i, (x, y) in enumerate(zip(a.order(), b.order())):
            if x != y:
                return False, f"event {i}: {x} against {y}"
        return False, f"{len(a.events)} events against {len(b.events)}"
    if slack_us is not None:
        for i, (x, y) in enumerate(zip(a.events, b.events)):
            if abs(x["time"] - y["time"]) > slack_us:
                return False, f"event {i} at {x['time']} us against {y['time']} us"
    return True, ""


def parse_trace(text):
    """The Trace in `gantt -r`'s output; Fail if there is none."""
    end = _END.search(text)
    if end is None:
        raise Fail(f"no trace (EV END line) in the output:\n{text[-800:]}")
    events = [{"seq": int(m[1]), "time": int(m[2]), "hart": int(m[3]), "pid": int(m[4]),
               "type": EVENT_TYPES.get(int(m[5]), m[5]), "arg": int(m[6]), "name": m[7]}
              for m in _EVENT.finditer(text)]
    return Trace(events, int(end[1]), int(end[2]))


def run_trace(sh, command, timeout=120):
    """Run `gantt -r COMMAND` at the shell sh; its Trace."""
    return parse_trace(sh.run(f"gantt -r {command}", timeout=timeout))


def turns(trace):
    """Each turn a process had on a hart: dicts with hart, pid, name,
    level (at dispatch; -1 in policies without levels), start and end (us)
    and how it ended (preempt, block or exit; "running" if the trace ends
    first), in the order they began."""
    open_turn = {}
    out = []
    for e in trace.events:
        if e["type"] == "dispatch":
            open_turn[e["hart"]] = {"hart": e["hart"], "pid": e["pid"], "name": e["name"],
                                    "level": e["arg"], "start": e["time"]}
        elif e["type"] in ("preempt", "block", "exit") and e["hart"] in open_turn:
            t = open_turn.pop(e["hart"])
            if t["pid"] == e["pid"]:
                t["name"] = e["name"]
                t.update(end=e["time"], how=e["type"])
                out.append(t)
    for t in open_turn.values():
        t.update(end=trace.end_us, how="running")
        out.append(t)
    return sorted(out, key=lambda t: (t["start"], t["hart"]))


def agrees(got, want, slack_ms=20):
    """Does every job's response, turnaround and wait in got lie within
    slack_ms of want's (schedtest measures; the simulator is exact)?"""
    if len(got.jobs) != len(want.jobs):
        return False
    return all(abs(g[k] - w[k]) <= slack_ms
               for g, w in zip(got.jobs, want.jobs) for k in ("response", "turnaround", "wait"))
