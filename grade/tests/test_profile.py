"""scripts/profile.py (make profile), and what it keeps true: every
function that runs on each pipe round trip (two system calls, a sleep, a
wakeup and a switch per half) is marked HOT and linked into .text.hot, so
that a switch, which empties QEMU's TLB, touches as few text pages as it
can (kernel/lib/hot.h). Counts from QEMU's logs, not times."""
import re
import subprocess
import sys

from grade.tests.harness import Case

ON_THE_PATH = 0.9     # entered at least this often per call: on the path every time
HEADER = re.compile(r"(\d+) calls of pipe_write")
FILLS = re.compile(r"^TLB fills per call: ([\d.]+)$", re.M)
ENTERED = re.compile(r"^ +([\d.]+) (\*| ) (\S+)$", re.M)


def pipe_path_is_hot(t):
    """profile.py counts pipe_write calls, TLB fills and functions; each
    function on every round trip is in .text.hot."""
    done = subprocess.run([sys.executable, "scripts/profile.py", "--seconds", "3", "--top", "200",
                           "bench pipe"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"profile.py failed ({done.returncode}): {done.stderr.strip()}"
    out = done.stdout
    calls = HEADER.search(out)
    assert calls and int(calls[1]) >= 50, f"too few pipe_write calls logged: {out[:300]!r}"
    fills = FILLS.search(out)
    assert fills and float(fills[1]) > 5, f"no TLB fills counted: {out[:300]!r}"
    entered = {name: (float(n), mark == "*") for n, mark, name in ENTERED.findall(out)}
    for name in ["pipe_write", "pipe_read", "sched", "swtch", "usertrap", "syscall"]:
        assert name in entered, f"{name} not among the functions entered"
    t.note(f"{calls[1]} calls of pipe_write: {fills[1]} TLB fills and "
           f"{sum(n for n, _ in entered.values()):.0f} function entries per call")
    cold = sorted(name for name, (n, outside) in entered.items() if n >= ON_THE_PATH and outside)
    assert not cold, f"on every round trip but not HOT (kernel/lib/hot.h): {', '.join(cold)}"


CASES = [
    Case("make profile: the pipe round trip runs in .text.hot", pipe_path_is_hot, timeout=150),
]
