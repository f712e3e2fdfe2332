#!/usr/bin/env python3
"""make gantt: run a workload on a headless kernel and draw what ran.

Usage: scripts/gantt.py [--cpus N] [--deterministic] [--out DIR] [--] COMMAND...

Boots the kernel with nothing typed at its console: the kernel command
line has init run `gantt -r COMMAND...`, which prints the scheduling
events of the command's run (kernel/schedtrace.h) and powers off. From
those lines this writes, into DIR (default: the top of the tree):

  gantt.svg    a lane per hart, a bar per turn, a colour per process, a
               time axis in ms, and a legend
  trace.json   the same turns in Chrome's trace event format: open it in
               https://ui.perfetto.dev or chrome://tracing

--deterministic runs QEMU on its instruction-count clock (the Makefile's
DETERMINISTIC=1): with one hart, the same workload under the same policy
then gives the same trace on every run. Python's standard library only.
"""
import argparse
import colorsys
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from grade.console import Console     # noqa: E402
from grade.runner import SNAPSHOT_ARGS, qemu_command  # noqa: E402
from grade.sched import parse_trace, turns  # noqa: E402

TIMEOUT = 300          # seconds the workload may take
LANE, GAP, LEFT = 28, 8, 70   # svg geometry, in pixels
WIDTH = 1000


def colour(pid):
    """A colour of its own for each pid, spread round the wheel."""
    r, g, b = colorsys.hls_to_rgb((pid * 0.61803398875) % 1.0, 0.55, 0.65)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


def svg(trace, title):
    bars = turns(trace)
    harts = sorted({b["hart"] for b in bars}) or [0]
    end = max([trace.end_us] + [b["end"] for b in bars]) or 1
    scale = (WIDTH - LEFT - 20) / end
    names = {}
    for b in bars:
        names[b["pid"]] = b["name"]
    height = 40 + len(harts) * (LANE + GAP) + 40 + 20 * ((len(names) + 3) // 4)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
           f'font-family="monospace" font-size="12">',
           f'<text x="10" y="20" font-size="14">{title}</text>']
    for row, h in enumerate(harts):
        y = 40 + row * (LANE + GAP)
        out.append(f'<text x="10" y="{y + LANE * 0.65}">hart {h}</text>')
        out.append(f'<rect x="{LEFT}" y="{y}" width="{end * scale:.1f}" height="{LANE}" '
                   f'fill="#f4f4f4" stroke="#ccc"/>')
        for b in bars:
            if b["hart"] != h:
                continue
            x, w = LEFT + b["start"] * scale, max((b["end"] - b["start"]) * scale, 0.5)
            out.append(f'<rect x="{x:.2f}" y="{y}" width="{w:.2f}" height="{LANE}" '
                       f'fill="{colour(b["pid"])}"><title>pid {b["pid"]} {b["name"]}: '
                       f'{b["start"] / 1000:.2f}-{b["end"] / 1000:.2f} ms</title></rect>')
    axis_y = 40 + len(harts) * (LANE + GAP) + 10
    step = nice_step(end / 1000)
    t = 0.0
    while t * 1000 <= end:
        x = LEFT + t * 1000 * scale
        out.append(f'<line x1="{x:.1f}" y1="{axis_y - 6}" x2="{x:.1f}" y2="{axis_y}" stroke="#000"/>')
        out.append(f'<text x="{x:.1f}" y="{axis_y + 12}" text-anchor="middle">{t:g}ms</text>')
        t += step
    for i, (pid, name) in enumerate(sorted(names.items())):
        x, y = 10 + (i % 4) * 240, axis_y + 40 + (i // 4) * 20
        out.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour(pid)}"/>')
        out.append(f'<text x="{x + 18}" y="{y}">pid {pid} {name}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def nice_step(total_ms):
    """A round step for about ten labels over total_ms."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if total_ms / step <= 12:
            return step
    return 20000


def chrome(trace):
    events = [{"name": "thread_name", "ph": "M", "pid": 0, "tid": h, "args": {"name": f"hart {h}"}}
              for h in sorted({b["hart"] for b in turns(trace)})]
    for b in turns(trace):
        events.append({"name": f"{b['name']} ({b['pid']})", "cat": b["how"], "ph": "X",
                       "ts": b["start"], "dur": b["end"] - b["start"], "pid": 0, "tid": b["hart"],
                       "args": {"pid": b["pid"], "level": b["level"], "ended": b["how"]}})
    for e in trace.events:
        if e["type"] in ("switch", "boost"):
            events.append({"name": e["type"], "ph": "i", "s": "g", "ts": e["time"], "pid": 0,
                           "tid": max(e["hart"], 0)})
    return {"traceEvents": events, "displayTimeUnit": "ms"}


def main():
    ap = argparse.ArgumentParser(description="Run a workload headless and draw its Gantt chart.")
    ap.add_argument("--cpus", type=int, default=1)
    ap.add_argument("--deterministic", action="store_true")
    ap.add_argument("--out", default=ROOT)
    ap.add_argument("command", nargs="+")
    opts = ap.parse_args()
    command = " ".join(opts.command)
    append = "run gantt -r " + command
    argv = qemu_command(ROOT, opts.cpus, None, True, append, opts.deterministic) + SNAPSHOT_ARGS
    with Console(argv, cwd=ROOT, log_path=os.path.join(opts.out, "gantt.log")) as qemu:
        qemu.scale = 1.0
        qemu.wait_exit(TIMEOUT)
        text = qemu.output
    trace = parse_trace(text)
    os.makedirs(opts.out, exist_ok=True)
    title = f"{command}  ({opts.cpus} hart{'s' if opts.cpus != 1 else ''}"
    title += ", deterministic)" if opts.deterministic else ")"
    with open(os.path.join(opts.out, "gantt.svg"), "w") as f:
        f.write(svg(trace, title))
    with open(os.path.join(opts.out, "trace.json"), "w") as f:
        json.dump(chrome(trace), f, indent=1)
    print(f"{len(trace.events)} events, {len(turns(trace))} turns over {trace.end_us / 1000:.1f} ms"
          + (f"; the trace dropped {trace.dropped} events" if trace.dropped else ""))
    print(f"wrote {os.path.relpath(os.path.join(opts.out, 'gantt.svg'))} and "
          f"{os.path.relpath(os.path.join(opts.out, 'trace.json'))}")


if __name__ == "__main__":
    main()
