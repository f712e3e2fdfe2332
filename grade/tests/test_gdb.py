"""Debugging: `make qemu-gdb` waits for gdb, and gdb-multiarch, set up by
the .gdbinit that make generates (pointed at this boot's port), connects
and drives the kernel: `break syscall` stops in the first system call
with the trap path from user mode in the backtrace; the process helpers
of scripts/gdb_helpers.py (kps, kbt, ktrapframe, kharts) describe the
processes without changing any register; and `kuser` loads a user
program's symbols so that gdb stops and steps in it.

One boot and one gdb session (grade.gdb.Gdb, through gdb's machine
interface) serve every case, in order. QEMU listens on a port of its own
and writes to a snapshot of fs.img, so the test does not collide with
another QEMU or debugger on this machine. Where the kernel stands is
the state the cases share: a case that needs the kernel stopped at a
given place (in sh's read, in ls's main) takes that from the case that
put it there, and fails saying so if that case did not."""
import re

from grade import PROMPT, SHELL_START
from grade.tests.harness import Case, Session, Shared

CONTINUE_TIMEOUT = 90    # seconds for the kernel to reach a breakpoint
REGS = "info registers pc sp s0 ra"
REG_LINE = re.compile(r"^(pc|sp|s0|ra)\s+(0x[0-9a-f]+)", re.M)


def start(t):
    sh = t.boot(cpus=2, gdb=True)
    return Shared(sh=sh, gdb=t.gdb(sh, gdbinit=True))


def first_syscall(t, s):
    s.gdb.break_at("syscall")
    stop = s.gdb.cont(timeout=CONTINUE_TIMEOUT)
    assert stop.reason == "breakpoint-hit" and stop.func == "syscall", f"stopped at {stop}"
    s.at_syscall = stop


def trap_path(t, s):
    s.need("at_syscall", "the kernel stopped in the first system call")
    frames = s.gdb.backtrace()
    assert "usertrap" in frames, f"no usertrap in the backtrace {frames}"


def made_by_init(t, s):
    s.need("at_syscall", "the kernel stopped in the first system call")
    name = s.gdb.eval("((struct cpu *)$tp)->proc->name")
    assert name.startswith('"init'), f"the current process is {name}"


def stop_in_sh_read(t, s):
    s.gdb.delete()
    s.gdb.cli('break sys_read if $kproc_is("sh")')
    stop = s.gdb.cont(timeout=CONTINUE_TIMEOUT)
    assert stop.reason == "breakpoint-hit" and stop.func == "sys_read", f"stopped at {stop}"
    s.regs_before = REG_LINE.findall(s.gdb.cli(REGS))
    s.at_read = stop


def kps_lists(t, s):
    s.need("at_read", "the kernel stopped in sh's read")
    out = s.gdb.cli("kps")
    assert re.search(r"^\s*1\s+0\s+sleeping\s+init\b", out, re.M), out
    assert re.search(r"^\s*2\s+1\s+running\s+sh\s+running on hart", out, re.M), out


def kps_saved_pc(t, s):
    s.need("at_read", "the kernel stopped in sh's read")
    out = s.gdb.cli("kps")
    assert re.search(r"^\s*1 .*0x[0-9a-f]+ in sched \(\)", out, re.M), out


def kbt_init(t, s):
    s.need("at_read", "the kernel stopped in sh's read")
    out = s.gdb.cli("kbt 1")
    frames = re.findall(r"^#\d+\s+0x[0-9a-f]+ in (\w+)", out, re.M)
    assert frames[:1] == ["sched"] and "sys_wait" in frames and "usertrap" in frames, out


def ktrapframe_init(t, s):
    s.need("at_read", "the kernel stopped in sh's read")
    out = s.gdb.cli("ktrapframe 1")
    assert re.search(r"\bepc 0x0+[0-9a-f]{1,7}\b", out), out
    assert re.search(r"\ba7 0x0+3\b", out), out


def kharts(t, s):
    s.need("at_read", "the kernel stopped in sh's read")
    out = s.gdb.cli("kharts")
    assert re.search(r"^hart \d: pid 2 \(sh\)", out, re.M), out
    assert len(re.findall(r"^hart \d:", out, re.M)) == 2, out


def registers_unchanged(t, s):
    before = s.need("regs_before", "the registers at the stop in sh's read")
    after = REG_LINE.findall(s.gdb.cli(REGS))
    assert len(before) == 4 and after == before, f"before the helpers {before}, after {after}"


def kuser_stops_in_ls(t, s):
    s.gdb.delete()
    s.gdb.cli("kuser ls main")
    s.gdb.cont(wait=False)
    s.sh.expect(SHELL_START + PROMPT, CONTINUE_TIMEOUT)
    s.sh.sendline("ls")
    stop = s.gdb.wait_stop(CONTINUE_TIMEOUT)
    assert (stop.reason == "breakpoint-hit" and stop.func == "main"
            and stop.file == "user/ls.c"), f"stopped at {stop}"
    s.in_ls = stop


def kps_in_user_mode(t, s):
    s.need("in_ls", "the kernel stopped in ls's main")
    out = s.gdb.cli("kps")
    assert re.search(r"^\s*\d+\s+2\s+running\s+ls\b", out, re.M), out


def step_in_user(t, s):
    s.need("in_ls", "the kernel stopped in ls's main")
    assert "prv:0" in s.gdb.cli("info registers priv"), "not in user mode in ls's main"
    out = s.gdb.cli("step") + s.gdb.cli("step")
    assert re.search(r"^\d+\s", out, re.M), f"step printed no source line: {out!r}"
    priv = s.gdb.cli("info registers priv")
    assert "prv:0" in priv, f"after stepping, not in user mode: {priv}"


CASES = [
    Session("gdb, 2 harts", start, [
        Case("break syscall stops in the first system call", first_syscall, timeout=120),
        Case("bt shows the trap path from user mode (usertrap)", trap_path),
        Case("the first system call comes from init", made_by_init),
        Case("a breakpoint on $kproc_is(\"sh\") stops in sh's read", stop_in_sh_read,
             timeout=120),
        Case("kps lists init and sh", kps_lists),
        Case("kps shows a sleeping process's saved pc (in sched)", kps_saved_pc),
        Case("kbt unwinds sleeping init: sched ... sys_wait ... usertrap", kbt_init),
        Case("ktrapframe shows init's user registers (a7 = SYS_wait)", ktrapframe_init),
        Case("kharts says which process each hart runs", kharts),
        Case("the helpers leave the hart's registers unchanged", registers_unchanged),
        Case("kuser ls main stops in ls's main", kuser_stops_in_ls, timeout=120),
        Case("kps works while a hart is in user mode", kps_in_user_mode),
        Case("stepping in the user program works, in user mode still", step_in_user),
    ]),
]
