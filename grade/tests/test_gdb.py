"""Debugging: `make qemu-gdb` waits for gdb, and gdb-multiarch in batch mode,
with the .gdbinit that make generates, connects and drives the kernel:
`break syscall` stops in the first system call with the trap path from
user mode in the backtrace; the process helpers of scripts/gdb_helpers.py
(kps, kbt, ktrapframe, kharts) describe the processes without changing
any register; and `kuser` loads a user program's symbols so that gdb
stops and steps in it.

One boot and one gdb session serve every case. QEMU listens on a port of
its own and writes to a snapshot of fs.img, so the test does not collide
with another QEMU or debugger on this machine.
"""
import os
import re
import socket
import subprocess
import tempfile
import threading

from machine import Machine

# Each step's output follows a line "@@ NAME" in gdb's output.
STEPS = [
    ("syscall", ["break syscall", "continue", "bt", "print ((struct cpu *)$tp)->proc->name"]),
    ("regs before", ["delete", 'break sys_read if $kproc_is("sh")', "continue",
                     "info registers pc sp s0 ra"]),
    ("kps", ["kps"]),
    ("kbt", ["kbt 1"]),
    ("ktrapframe", ["ktrapframe 1"]),
    ("kharts", ["kharts"]),
    ("regs after", ["info registers pc sp s0 ra"]),
    ("user", ["delete", "kuser ls main", "continue", "bt 1", "info registers priv"]),
    ("user kps", ["kps"]),
    ("user after", ["info registers priv", "step", "step"]),
]
GDB_TIMEOUT = 180


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gdb_args(gdbinit):
    args = ["gdb-multiarch", "-q", "-batch", "-nx", "-x", gdbinit]
    for name, commands in STEPS:
        args += ["-ex", f"echo @@ {name}\\n"]
        for c in commands:
            args += ["-ex", c]
    return args


def sections(out):
    """{step name: what gdb printed for it}."""
    parts = re.split(r"^@@ (.+)$", out, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def run(report):
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        gdbinit = os.path.join(tmp, "gdbinit")
        subprocess.run(["make", "-s", ".gdbinit"], check=True)
        with open(".gdbinit") as f:
            text = re.sub(r"(target remote 127\.0\.0\.1:)\d+", rf"\g<1>{port}", f.read())
        with open(gdbinit, "w") as f:
            f.write(text)

        cmd = ["make", "-s", "--no-print-directory", "qemu-gdb", "CPUS=2", f"GDBPORT={port}",
               "QEMUEXTRA=-snapshot -set drive.x0.file.locking=off"]
        with Machine("gdb-qemu", cmd=cmd) as m:
            m.expect(r"Now run 'gdb' in another window", 60)
            gdb = subprocess.Popen(gdb_args(gdbinit), stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True,
                                   start_new_session=True)
            result = {}
            reader = threading.Thread(target=lambda: result.setdefault(
                "out", gdb.communicate()[0]), daemon=True)
            reader.start()
            try:
                # Once the shell prompts, type a command for the kuser step.
                m.expect(r"init: starting sh\n\$ ", 90)
                m.send("ls\n")
            except AssertionError as e:
                report("the shell starts under gdb", False, str(e))
            for _ in range(GDB_TIMEOUT * 5):   # keep draining the console meanwhile
                if not reader.is_alive():
                    break
                m._pump(0.2)
            if reader.is_alive():
                os.killpg(gdb.pid, 9)
                reader.join(10)
                report("gdb session finished", False,
                       f"gdb still running after {GDB_TIMEOUT}s:\n{result.get('out', '')[-1500:]}")
    out = result.get("out", "")
    s = sections(out)

    def check(name, ok, detail_section):
        report(name, ok, f"gdb printed:\n{s.get(detail_section, out)[-1500:]}")

    sc = s.get("syscall", "")
    check("break syscall stops in the first system call",
          "Breakpoint 1, syscall" in sc, "syscall")
    check("bt shows the trap path from user mode (usertrap)", "usertrap" in sc, "syscall")
    check("the first system call comes from init", '"init' in sc, "syscall")

    kps = s.get("kps", "")
    check("kps lists init and sh",
          re.search(r"^\s*1\s+0\s+sleeping\s+init\b", kps, re.M) is not None
          and re.search(r"^\s*2\s+1\s+running\s+sh\s+running on hart", kps, re.M) is not None,
          "kps")
    check("kps shows a sleeping process's saved pc (in sched)",
          re.search(r"^\s*1 .*0x[0-9a-f]+ in sched \(\)", kps, re.M) is not None, "kps")

    kbt = s.get("kbt", "")
    frames = re.findall(r"^#\d+\s+0x[0-9a-f]+ in (\w+)", kbt, re.M)
    check("kbt unwinds sleeping init: sched ... sys_wait ... usertrap",
          frames[:1] == ["sched"] and "sys_wait" in frames and "usertrap" in frames, "kbt")

    ktf = s.get("ktrapframe", "")
    check("ktrapframe shows init's user registers (a7 = SYS_wait)",
          re.search(r"\bepc 0x0+[0-9a-f]{1,7}\b", ktf) is not None
          and re.search(r"\ba7 0x0+3\b", ktf) is not None, "ktrapframe")

    kh = s.get("kharts", "")
    check("kharts says which process each hart runs",
          re.search(r"^hart \d: pid 2 \(sh\)", kh, re.M) is not None
          and len(re.findall(r"^hart \d:", kh, re.M)) == 2, "kharts")

    before = s.get("regs before", "")
    regs = re.findall(r"^(pc|sp|s0|ra)\s+(0x[0-9a-f]+)", before, re.M)
    check("the helpers leave the hart's registers unchanged",
          len(regs) == 4 and regs == re.findall(r"^(pc|sp|s0|ra)\s+(0x[0-9a-f]+)",
                                                  s.get("regs after", ""), re.M),
          "regs after")

    user = s.get("user", "")
    check("kuser ls main stops in ls's main",
          re.search(r"Breakpoint \d+, main \(.*\) at user/ls\.c", user) is not None, "user")
    check("kps works while a hart is in user mode",
          re.search(r"^\s*\d+\s+2\s+running\s+ls\b", s.get("user kps", ""), re.M) is not None,
          "user kps")
    after = s.get("user after", "")
    check("stepping in the user program works, in user mode still",
          "prv:0" in after and re.search(r"^\d+\s", after, re.M) is not None, "user after")
