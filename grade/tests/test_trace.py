"""The scheduling trace and the Gantt charts drawn from it, as a student
uses them: `gantt CMD` at the shell, `gantt -r` for a grader, `make
gantt` for an SVG and a Chrome trace, and DETERMINISTIC=1 for runs that
replay event for event. The trace also checks properties the statistics
cannot show: rr's turns last a quantum, mlfq's boosts move every job to
the top, a policy switch is recorded, and no process ever runs on two
harts at once."""
import json
import os
import re
import subprocess
import sys
import tempfile

from grade.runner import ROOT
from grade.sched import parse_trace, run_trace, same_trace, turns
from grade.tests.harness import Case, Session, Shared, fresh_prompt

RUN_TIMEOUT = 60


def job_turns(trace):
    """The turns of schedtest's jobs: its children (every pid but the
    lowest schedtest, which only waits)."""
    pids = sorted({t["pid"] for t in turns(trace) if t["name"] == "schedtest"})
    return [t for t in turns(trace) if t["pid"] in pids[1:]]


def start1(t):
    return Shared(sh=t.shell(cpus=1))


def rr_slices(t, s):
    """rr: a turn that ends by preemption lasts the quantum (10 ms, 3 ms):
    never less, and nearly all within a millisecond more (a turn can run
    on while the kernel has interrupts off, or QEMU's host thread waits)."""
    for q in (10, 3):
        trace = run_trace(s.sh, f"schedtest -p rr -q {q} -l 40,40,40", RUN_TIMEOUT)
        cut = [(tu["end"] - tu["start"]) / 1000 for tu in job_turns(trace) if tu["how"] == "preempt"]
        assert len(cut) >= 6, f"quantum {q}: only {len(cut)} preempted turns"
        assert min(cut) >= q - 0.5, f"quantum {q}: a turn of {min(cut):.2f} ms"
        near = [ms for ms in cut if ms <= q + 1]
        assert len(near) >= 0.8 * len(cut), f"quantum {q}: turns {sorted(cut)}"


def mlfq_boost(t, s):
    """mlfq: hogs sink to the bottom level; after each boost they are
    dispatched at the top again."""
    trace = run_trace(s.sh, "schedtest -p mlfq,boost=150 -l 400,400", RUN_TIMEOUT)
    boosts = [e["time"] for e in trace.events if e["type"] == "boost"]
    assert len(boosts) >= 2, f"{len(boosts)} boosts in {trace.end_us / 1000:.0f} ms"
    jt = job_turns(trace)
    assert any(tu["level"] == 2 for tu in jt), "no job reached the bottom level"
    for b in boosts:
        after = [tu for tu in jt if tu["start"] >= b][:1]
        if after:
            assert after[0]["level"] == 0, f"the first turn after the boost at {b} us is at level {after[0]['level']}"


def switch_recorded(t, s):
    """A policy switch is an event of the trace."""
    trace = run_trace(s.sh, "sched fcfs", RUN_TIMEOUT)
    assert any(e["type"] == "switch" for e in trace.events), "no switch event"
    s.sh.run("sched rr")


def chart(t, s):
    """gantt CMD draws a row per hart, a time axis and a legend."""
    out = s.sh.run("gantt -w 40 schedtest -p rr -l 30,30", timeout=RUN_TIMEOUT)
    rows = re.findall(r"^hart (\d+) \|([^|]*)\|$", out, re.M)
    assert rows and all(len(r[1]) == 40 for r in rows), f"no chart rows of 40 columns:\n{out}"
    assert re.search(r"^\s+0ms\s+\d+ms", out, re.M), f"no time axis:\n{out}"
    assert re.search(r"^[A-Z] pid \d+ schedtest", out, re.M), f"no legend:\n{out}"
    letters = set("".join(r[1] for r in rows)) - {"."}
    assert len(letters) >= 3, f"the chart shows only {letters}"


def start3(t):
    return Shared(sh=t.shell(cpus=3))


def never_twice(t, s):
    """With 3 harts and the policy switching under 50 processes, no process
    is ever on two harts at once."""
    out = s.sh.run("gantt -r usertests schedswitch", timeout=120)
    assert "test schedswitch: OK" in out, "schedswitch failed"
    trace = parse_trace(out)
    spans = {}
    for tu in turns(trace):
        spans.setdefault(tu["pid"], []).append((tu["start"], tu["end"], tu["hart"]))
    for pid, sp in spans.items():
        sp.sort()
        for (s0, e0, h0), (s1, e1, h1) in zip(sp, sp[1:]):
            assert s1 >= e0, f"pid {pid} ran on hart {h0} until {e0} us and on hart {h1} from {s1} us"
    assert sum(len(v) for v in spans.values()) > 500, "too few turns to tell"


def deterministic(t):
    """DETERMINISTIC=1 with one hart: two runs of the same workload give the
    same trace, event for event (the same order; see same_trace on times)."""
    traces = []
    for run in range(2):
        qemu = t.boot(cpus=1, append="run gantt -r schedtest -p mlfq -l 120,60,90",
                      direct=True, deterministic=True)
        qemu.wait_exit(120)
        traces.append(parse_trace(qemu.output))
    ok, why = same_trace(traces[0], traces[1])
    assert ok, f"the two runs differ: {why}"
    assert len(traces[0].events) > 30, "too few events to tell"


def make_gantt(t):
    """make gantt's script writes an SVG with a lane per hart and a Chrome
    trace with the turns."""
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gantt.py"),
                               "--cpus", "2", "--out", out, "--", "schedtest", "-p", "rr",
                               "-l", "40,40,40"], cwd=ROOT, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, f"gantt.py failed:\n{done.stdout}{done.stderr}"
        svg = open(os.path.join(out, "gantt.svg")).read()
        assert svg.startswith("<svg") and "hart 0" in svg and "hart 1" in svg, "no lanes"
        assert "schedtest" in svg, "no legend"
        trace = json.load(open(os.path.join(out, "trace.json")))
        bars = [e for e in trace["traceEvents"] if e["ph"] == "X"]
        assert len(bars) >= 12 and all(e["dur"] >= 0 for e in bars), f"{len(bars)} turns"


def example_grader(t):
    """grade/examples/grade-lab-sched.py, the example scheduling-lab grader,
    gives this kernel's mlfq full marks."""
    done = subprocess.run([sys.executable, os.path.join(ROOT, "grade", "examples", "grade-lab-sched.py"),
                           "--no-build"], cwd=ROOT, capture_output=True, text=True, timeout=280)
    assert "Score: 100/100" in done.stdout and done.returncode == 0, \
        f"the example grader said:\n{done.stdout[-2000:]}{done.stderr[-1000:]}"


CASES = [
    Session("the trace on one hart", start1, [
        Case("rr's turns last the quantum", rr_slices, timeout=90),
        Case("mlfq's boosts move every job to the top", mlfq_boost, timeout=90),
        Case("a policy switch is recorded", switch_recorded),
        Case("gantt draws a chart", chart, timeout=90),
    ], resync=lambda s: fresh_prompt(s.sh)),
    Session("the trace on three harts", start3, [
        Case("no process runs on two harts at once", never_twice, timeout=150),
    ], resync=lambda s: fresh_prompt(s.sh)),
    Case("DETERMINISTIC=1 replays the same trace", deterministic, timeout=300),
    Case("make gantt writes gantt.svg and trace.json", make_gantt, timeout=150),
    Case("the example scheduling-lab grader gives full marks", example_grader, timeout=300),
]
