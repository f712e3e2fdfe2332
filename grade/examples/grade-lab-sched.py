#!/usr/bin/env python3
"""An example grading script for a scheduling lab: "implement MLFQ".

The lab: students write kernel/sched/mlfq.c behind kernel/sched/policy.h
(OSTEP's rules 1-5). This script checks the policy's defining properties
on the real kernel, the way an instructor would, from what a student's
kernel shows at its shell: schedtest's statistics and the scheduling
trace (`gantt -r`). Run it from the top of the tree:

    python3 grade/examples/grade-lab-sched.py            # or --list, -v, NAME
    python3 grade/examples/grade-lab-sched.py --results results.json

Every test boots with one hart, so that measured times can be set beside
what OSTEP's simulator computes; timeouts are generous because schedtest
runs its jobs in real time.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from grade import main, test                                  # noqa: E402
from grade.sched import run_schedtest, run_trace, turns       # noqa: E402

POLICY = "mlfq"


def job_turns(trace):
    """The turns of schedtest's jobs (its children, not the parent)."""
    pids = sorted({t["pid"] for t in turns(trace) if t["name"] == "schedtest"})
    return [t for t in turns(trace) if t["pid"] in pids[1:]]


@test(10, "the policy can be chosen, and shows its parameters", timeout=60)
def chosen(t):
    sh = t.shell(cpus=1)
    t.match(sh.run(f"sched {POLICY}"), rf"^policy: {POLICY} levels=\d+ quantum=")
    t.match(sh.run(f"sched {POLICY} levels=9"), r"usage: sched")   # more levels than allowed


@test(20, "rule 4: a CPU hog sinks to the bottom, an interactive job stays on top", timeout=120)
def sinks(t):
    sh = t.shell(cpus=1)
    got = run_schedtest(sh, f"-p {POLICY},boost=0 -l 300,5 -i 0:0,1:10")
    t.check(got.levels == [2, 0], f"levels at the end {got.levels}, want [2, 0]")
    t.check(got.jobs[1]["turnaround"] < 100, f"the interactive job waited: {got}")


@test(20, "rule 4 cannot be gamed by sleeping just before the allotment ends", timeout=120)
def no_gaming(t):
    sh = t.shell(cpus=1)
    got = run_schedtest(sh, f"-p {POLICY},boost=0 -l 200,100 -i 0:0,9:10")
    t.check(got.levels[1] > 0, f"the job that sleeps every 9 ms stayed at level {got.levels[1]}")


@test(20, "rule 5: a boost brings every job back to the top", timeout=120)
def boost(t):
    sh = t.shell(cpus=1)
    trace = run_trace(sh, f"schedtest -p {POLICY},boost=150 -l 400,400")
    boosts = [e["time"] for e in trace.events if e["type"] == "boost"]
    t.check(len(boosts) >= 2, f"{len(boosts)} boosts in a run of {trace.end_us / 1000:.0f} ms")
    jt = job_turns(trace)
    for b in boosts:
        first = [tu for tu in jt if tu["start"] >= b][:1]
        t.check(not first or first[0]["level"] == 0,
                f"the first turn after the boost at {b / 1000:.1f} ms ran at level {first[0]['level']}")


@test(15, "rules 1-2: round robin within the top level, with its quantum", timeout=120)
def top_level_rr(t):
    sh = t.shell(cpus=1)
    trace = run_trace(sh, f"schedtest -p {POLICY},quantum=10,allot=1000,boost=0 -l 60,60,60")
    cut = [(tu["end"] - tu["start"]) / 1000 for tu in job_turns(trace) if tu["how"] == "preempt"]
    t.check(len(cut) >= 6, f"only {len(cut)} preempted turns")
    t.check(min(cut) >= 9.5, f"a turn of only {min(cut):.2f} ms")
    t.check(sorted(cut)[len(cut) // 2] <= 11, f"turns of {sorted(cut)} ms")


@test(15, "rule 3: a new job starts at the top, ahead of a sunk hog", timeout=120)
def new_on_top(t):
    sh = t.shell(cpus=1)
    got = run_schedtest(sh, f"-p {POLICY},boost=0 -l 400,50 -a 0,200")
    t.check(got.jobs[1]["response"] < 5, f"the new job waited {got.jobs[1]['response']:.1f} ms")


if __name__ == "__main__":
    raise SystemExit(main(description="Grade the MLFQ lab."))
