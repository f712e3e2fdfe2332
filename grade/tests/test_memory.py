"""Lazy loading and copy-on-write as a user sees them at the console:
the lines a bad access prints (segmentation fault, out of memory), the
stack growing to its limit and no further, free and ps -l showing shared,
resident and virtual memory, and memory coming back after each fault.

One boot with three harts (128 MiB) serves the console cases, in order;
after a failed case Ctrl-C and a marker line bring the shell back. Then
usertests' memory tests run headless with MEM=1G, at one hart and three,
since the issue's limits (2/3 of RAM, running out) must hold on a big
machine too."""
import re

from grade.tests.harness import Case, Session, Shared, fresh_prompt
from grade.tests.test_usertests import RESULT, start as usertests_start

SEGV = r"pid (\d+) fault: segmentation fault at (0x[0-9a-f]+), pc (0x[0-9a-f]+) \(([a-z ]+)\)"
FREE = re.compile(r"total (\d+) pages \(\d+ KiB\): (\d+) free, (\d+) in use; (\d+) shared, "
                  r"(\d+) program text")
# usertests' memory tests, for the MEM=1G runs.
MEMORY_TESTS = ["forkmem", "sbrkgrow", "sbrkshrink", "sbrkleak", "sbrkhuge", "sbrkexhaust",
                "guardpage", "stackgrow", "cowisolate", "cow3gen", "cowkernel", "cowbig",
                "cowrace", "lazyexec", "sharedtext", "lazyoom", "cowoom", "zombiefree"]


def start(t):
    return Shared(sh=t.shell(cpus=3))


def free_pages(sh):
    out = sh.run("free")
    m = FREE.search(out)
    assert m, f"free printed {out!r}"
    return int(m[2])


def segv(t, s, command, address, cause):
    before = free_pages(s.sh)
    out = s.sh.run(command)
    m = re.search(SEGV, out)
    assert m, f"`{command}` printed {out!r}, want a segmentation fault line"
    if address is not None:
        assert int(m[2], 16) == address, f"fault address {m[2]}, want {address:#x}: {out!r}"
    assert m[4] == cause, f"cause {m[4]!r}, want {cause!r}"
    assert free_pages(s.sh) == before, f"`{command}` did not give back every page"


def null_load(t, s):
    segv(t, s, "fault null", 0, "load page fault")


def text_store(t, s):
    segv(t, s, "fault text", None, "store page fault")


def guard_load(t, s):
    segv(t, s, "fault guard", None, "load page fault")


def stack_grows(t, s):
    out = s.sh.run("fault stack 200")
    m = re.search(r"fault: the stack grew to 200 KiB in (\d+) faults", out)
    assert m, f"recursing 200 KiB deep printed {out!r}"
    assert int(m[1]) >= 40, f"200 KiB of stack came in {m[1]} faults, want a page each"


def stack_limit(t, s):
    segv(t, s, "fault stack 300", None, "store page fault")


def heap_lazily(t, s):
    before = free_pages(s.sh)
    out = s.sh.run("fault heap 64")
    m = re.search(r"touched 16384 pages of heap in (\d+) faults", out)
    assert m, out
    # Filled in order, 16 pages come a fault (fault.c's FAULT_AROUND).
    assert 16384 // 16 <= int(m[1]) <= 16384 // 8, f"64 MiB filled in order took {m[1]} faults"
    assert free_pages(s.sh) == before, "a 64 MiB heap did not come back at exit"


def out_of_memory(t, s):
    before = free_pages(s.sh)
    out = s.sh.run("fault oom", timeout=60)
    assert re.search(r"pid \d+ fault: killed: out of memory serving a store page fault at 0x",
                     out), f"fault oom printed {out!r}"
    assert "touched" not in out, out
    assert free_pages(s.sh) == before, "memory did not come back after the out-of-memory kill"
    assert s.sh.run("echo still here") == "still here\n"


def free_shows_sharing(t, s):
    out = s.sh.run("free")
    m = FREE.search(out)
    assert m, f"free printed {out!r}"
    total, free, used = int(m[1]), int(m[2]), int(m[3])
    assert total == free + used, out
    # sh and init run from files: their text pages are cached for sharing.
    assert int(m[5]) > 0, f"no program text cached with init and sh running: {out!r}"


def ps_long_memory(t, s):
    out = s.sh.run("ps -l")
    assert re.search(r"\s+FLT\s+VSZ\s+RSS NAME$", out, re.M), out
    row = re.search(r"^\s+\d+\s+\d+\s+\d+ R .* (\d+)\s+(\d+)K\s+(\d+)K ps$", out, re.M)
    assert row, f"no row for ps in:\n{out}"
    vsz, rss = int(row[2]), int(row[3])
    # The stack may grow to 256 KiB: all of it counts as virtual size.
    assert vsz >= 256 and 0 < rss < vsz, f"ps: VSZ {vsz}K, RSS {rss}K"


def all_passed(t, run):
    results = dict(RESULT.findall(run.output))
    missing = [name for name in MEMORY_TESTS if name not in results]
    failed = [f"{name}: {r}" for name, r in results.items() if r != "OK"]
    assert not missing and not failed, f"missing {missing}, failed {failed}"
    assert run.unfinished is None, f"the run did not finish: {run.unfinished}"
    assert run.summary, "no usertests summary"
    assert run.status == 0, f"QEMU exit status {run.status}"


CASES = [
    Session("memory at the console, 3 harts", start, [
        Case("a load from address 0 is a segmentation fault, naming it", null_load),
        Case("a store into program text is a segmentation fault", text_store),
        Case("a load from the guard gap below the stack is a segmentation fault", guard_load),
        Case("the stack grows to 200 KiB, a page a fault", stack_grows),
        Case("past the stack's limit is a segmentation fault", stack_limit),
        Case("64 MiB of heap filled in order comes 16 pages a fault, and back at exit",
             heap_lazily),
        Case("running out of memory in a fault kills only that process", out_of_memory),
        Case("free counts total, free, in use, shared and program text", free_shows_sharing),
        Case("ps -l shows faults, VSZ and RSS", ps_long_memory),
    ], resync=lambda s: fresh_prompt(s.sh)),
] + [Session(f"memory tests with MEM=1G, {cpus} hart{'s' if cpus > 1 else ''}",
             usertests_start(cpus, mem="1G", tests=MEMORY_TESTS), [Case(f"usertests' memory tests pass, MEM=1G CPUS={cpus}", all_passed)],
             timeout=360)
     for cpus in (1, 3)]
