#!/usr/bin/env python3
"""Where a kernel path spends QEMU's time: TLB refills, CSR accesses, functions run.

Usage: scripts/profile.py [--cpus N] [--seconds S] [--per FUNC] [--top N] [COMMAND]
       (make profile, which runs `bench pipe`)

Under QEMU each satp write (so each switch to another process) empties the
hart's software TLB: every page touched afterwards costs a page walk, and
every jump between translated blocks a lookup (kernel/lib/hot.h). This
boots the kernel on a snapshot of fs.img, types COMMAND at the shell
(default `bench pipe`), lets it run for S seconds while QEMU logs each TLB
fill (-d mmu) and each translated block of kernel code it enters (-d exec,
nochain), then stops QEMU. From the last part of the log (the steady
state), per call of FUNC (default pipe_write: once per half round trip of
`bench pipe`) it prints:

  - the TLB fills: how many, and for each page how often, with the kernel
    symbol the page starts in (`user` for user addresses);
  - the CSR accesses, by the function and instruction that made them:
    under QEMU each one, a read too, ends the translated block and goes
    back to QEMU's main loop, so the block after it is looked up again
    (counted as the blocks that start just after a CSR instruction);
  - the kernel functions entered, with those outside .text.hot marked `*`:
    a function on the path that is not marked HOT costs a text page.

Logging makes QEMU some 50 times slower, so the figures are counts, not
times. The log goes through a pipe and only its last lines are kept.
"""
import argparse
import bisect
import collections
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from grade.console import PROMPT, Console          # noqa: E402  (after the path is set)
from grade.runner import SNAPSHOT_ARGS, qemu_command   # noqa: E402

KERNEL = os.path.join(ROOT, "kernel", "kernel")
KEEP_LINES = 1_000_000      # of the log: the steady state at the end
KERNEL_TEXT = "0xffffffc080200000..0xffffffc080400000"   # for -dfilter
PAGE = 4096
KERNEL_VA_BASE = 0xFFFFFFC000000000   # kernel/memlayout.h
KSTACK_BASE = 0xFFFFFFF000000000


def symbols():
    """The kernel's symbols as a sorted list of (address, name, is_code),
    and the bounds of .text.hot (kernel.ld's text_hot_start, text_hot_end)."""
    out = subprocess.run(["riscv64-unknown-elf-nm", "-n", KERNEL], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    syms, marks = [], {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) != 3:
            continue
        addr, kind, name = int(fields[0], 16), fields[1], fields[2]
        if name in ("text_hot_start", "text_hot_end"):
            marks[name] = addr
        syms.append((addr, name, kind in "tT"))
    return syms, (marks.get("text_hot_start", 0), marks.get("text_hot_end", 0))


CSR_INSNS = re.compile(r"^(csrr[wsc]?i?|csr[wsc]i?|rd(time|cycle|instret)|f[sr](csr|rm|flags))$")


def csr_sites():
    """The kernel's CSR instructions: {address of the next instruction:
    (function, instruction text)}, from its disassembly."""
    out = subprocess.run(["riscv64-unknown-elf-objdump", "-d", "--no-show-raw-insn", KERNEL],
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    sites, function = {}, "?"
    for line in out.splitlines():
        head = re.match(r"^[0-9a-f]+ <(.+)>:$", line)
        if head:
            function = head[1]
            continue
        insn = re.match(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$", line)
        if insn and CSR_INSNS.match(insn[2]):
            # CSR instructions have no compressed form: the next is 4 bytes on.
            sites[int(insn[1], 16) + 4] = (function, f"{insn[2]} {insn[3]}".strip())
    return sites


def read_log(path, keep):
    """Read the FIFO at path until QEMU closes it, into keep (a deque)."""
    with open(path, errors="replace") as log:
        for line in log:
            keep.append(line)


def profile(args):
    syms, (hot_lo, hot_hi) = symbols()
    addrs = [a for a, _, _ in syms]
    entries = {a: name for a, name, code in syms if code}
    if args.per not in entries.values():
        sys.exit(f"profile: no function {args.per} in {KERNEL}")

    image_end = next(a for a, name, _ in syms if name == "end")
    after_csr = csr_sites()

    def page_name(page):
        """What lives at a page: a symbol of the kernel image, or else."""
        if page < KERNEL_VA_BASE:
            return "user"
        if page >= KSTACK_BASE:
            return "a kernel stack"
        if page >= image_end:
            return "a page from kalloc (struct proc, page table, pipe, ...)"
        return syms[bisect.bisect_right(addrs, page) - 1][1]

    with tempfile.TemporaryDirectory() as tmp:
        fifo = os.path.join(tmp, "qemu.log")
        os.mkfifo(fifo)
        keep = collections.deque(maxlen=KEEP_LINES)
        reader = threading.Thread(target=read_log, args=(fifo, keep), daemon=True)
        reader.start()
        extra = ["-d", "exec,nochain,mmu", "-dfilter", KERNEL_TEXT, "-D", fifo]
        with Console(qemu_command(ROOT, args.cpus) + SNAPSHOT_ARGS + extra, cwd=ROOT) as qemu:
            qemu.expect(PROMPT, 300, no=[r"panic"])
            qemu.sendline(args.command)
            time.sleep(args.seconds)
        reader.join(timeout=60)

    calls = 0
    entered = collections.Counter()
    fills = collections.Counter()
    csrs = collections.Counter()
    for line in keep:
        if line.startswith("Trace "):
            # Trace 0: HOST [00000000/GUEST_PC/FLAGS/CFLAGS] name
            try:
                pc = int(line.split("/")[1], 16)
            except (IndexError, ValueError):
                continue
            site = after_csr.get(pc)
            if site:
                csrs[site] += 1
            name = entries.get(pc)
            if name:
                entered[name] += 1
                calls += name == args.per
        elif line.startswith("riscv_cpu_tlb_fill ad "):
            # riscv_cpu_tlb_fill ad ADDR rw ACCESS mmu_idx IDX
            fields = line.split()
            fills[int(fields[2], 16) // PAGE * PAGE] += 1
    if calls == 0:
        sys.exit(f"profile: {args.per} never ran in the last {len(keep)} lines of the log")

    print(f"profile: `{args.command}`, {calls} calls of {args.per} in the last {len(keep)} log lines")
    print(f"\nTLB fills per call: {sum(fills.values()) / calls:.1f}")
    for page, n in fills.most_common(args.top):
        print(f"  {n / calls:6.2f}  {page:016x}  {page_name(page)}")
    print(f"\nCSR accesses per call: {sum(csrs.values()) / calls:.1f}")
    for (function, insn), n in csrs.most_common(args.top):
        print(f"  {n / calls:6.2f}  {function:24s} {insn}")
    where = {name: addr for addr, name in entries.items()}
    outside = {name for name in entered if not hot_lo <= where[name] < hot_hi}
    print(f"\nfunctions entered per call: {sum(entered.values()) / calls:.1f}"
          f" (* = outside .text.hot: {sum(entered[n] for n in outside) / calls:.1f})")
    for name, n in entered.most_common(args.top):
        print(f"  {n / calls:6.2f} {'*' if name in outside else ' '} {name}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", nargs="?", default="bench pipe", help="what to type at the shell")
    parser.add_argument("--cpus", type=int, default=1, help="harts (default 1)")
    parser.add_argument("--seconds", type=float, default=20, help="how long to log (default 20)")
    parser.add_argument("--per", default="pipe_write", help="the function counted as one call")
    parser.add_argument("--top", type=int, default=40, help="rows of each list (default 40)")
    profile(parser.parse_args())


if __name__ == "__main__":
    main()
