"""scripts/profile.py (make profile), and what it keeps true: every
function that runs on each pipe round trip (two system calls, a sleep, a
wakeup and a switch per half) is marked HOT and linked into .text.hot, so
that a switch, which empties QEMU's TLB, touches as few text pages as it
can (kernel/lib/hot.h); and half a round trip makes few CSR accesses, each
of which sends QEMU back to its main loop. Counts from QEMU's logs, not
times."""
import re
import subprocess
import sys

from grade.tests.harness import Case

ON_THE_PATH = 0.9     # entered at least this often per call: on the path every time
HEADER = re.compile(r"(\d+) calls of pipe_write")
FILLS = re.compile(r"^TLB fills per call: ([\d.]+)$", re.M)
ENTERED = re.compile(r"^ +([\d.]+) (\*| ) (\S+)$", re.M)
CSRS = re.compile(r"^CSR accesses per call: ([\d.]+)$", re.M)
CSR_SITE = re.compile(r"^ +([\d.]+)  (\S+) +(.+)$", re.M)
# Half a round trip: two traps of 12 (the vector's two sscratch swaps,
# sepc and scause read, the clock read twice, sstatus read for the FP
# state and written for the return, interrupts on and off, sepc and
# sscratch written for the return), a lock taken and let go with
# interrupts on in each call (2 each), the wakeup (the clock) and the
# switch (the clock, satp, the FP registers' fcsr), 32 in all: 86 before
# intr_push stopped reading sstatus. Timer interrupts, many under QEMU's
# logging, add a few.
MAX_CSRS = 40


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
    csrs = CSRS.search(out)
    assert csrs, f"no CSR accesses counted: {out[:300]!r}"
    t.note(f"{calls[1]} calls of pipe_write: {fills[1]} TLB fills, {csrs[1]} CSR accesses and "
           f"{sum(n for n, _ in entered.values()):.0f} function entries per call")
    if float(csrs[1]) > MAX_CSRS:
        top = CSR_SITE.findall(out[csrs.end():].split("\n\n")[0])[:8]
        raise AssertionError(f"{csrs[1]} CSR accesses per pipe_write, more than {MAX_CSRS}; most from: "
                             + ", ".join(f"{fn} {insn} ({n})" for n, fn, insn in top))
    cold = sorted(name for name, (n, outside) in entered.items() if n >= ON_THE_PATH and outside)
    assert not cold, f"on every round trip but not HOT (kernel/lib/hot.h): {', '.join(cold)}"


CASES = [
    Case("make profile: the pipe round trip runs in .text.hot, with few CSR accesses",
         pipe_path_is_hot, timeout=150),
]
