"""Debugging: `make qemu-gdb` waits for gdb; gdb with the generated
.gdbinit connects, stops at `break syscall` once a process makes a system
call, and shows the trap path from user mode in the backtrace."""
import subprocess

from machine import Machine


def break_at_syscall():
    with Machine("gdb-qemu", cmd=["make", "-s", "qemu-gdb", "CPUS=1"]) as m:
        m.expect(r"Now run 'gdb' in another window", 60)
        gdb = subprocess.run(
            ["gdb-multiarch", "-q", "-batch", "-nx", "-x", ".gdbinit",
             "-ex", "break syscall", "-ex", "continue", "-ex", "bt",
             "-ex", "print myproc()->name"],
            capture_output=True, text=True, timeout=120)
        out = gdb.stdout + gdb.stderr
        assert "Breakpoint 1, syscall" in out, f"gdb never stopped in syscall:\n{out[-1500:]}"
        assert "usertrap" in out, f"backtrace lacks usertrap:\n{out[-1500:]}"
        assert '"init' in out, f"first system call not from init:\n{out[-1500:]}"


CASES = [("break syscall stops in the first system call", break_at_syscall)]
