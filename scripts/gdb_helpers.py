"""gdb commands that know this kernel's processes. Sourced by .gdbinit.

    kps               every process: pid, parent, state, name, and the
                      kernel pc saved in its context (where its kernel
                      thread gave up the hart), or the hart running it
    kbt PID           kernel backtrace of a process that is not running,
                      from its saved context
    ktrapframe PID    the user registers saved in its trapframe
    kharts            which process each hart is running, and where
    kuser NAME [LOC]  load user/_NAME's symbols, to step through a user
                      program; with LOC, also break there, but only when
                      the process on the hart is named NAME
    $kproc_is("sh")   1 if the process on the selected hart is named "sh"
                      (for breakpoint conditions in user code)

None of this changes the machine. kbt does not touch registers: it walks
the chain of frame pointers itself (the kernel is compiled with
-fno-omit-frame-pointer; in a RISC-V frame s0 points just above the
frame, the return address is at s0-8 and the caller's s0 at s0-16). A
process that is not running gave up its hart in swtch(), called from
sched(); p->context holds sched's return address and s0, so the walk
starts there. The one register these commands ever write is put back
before they return (see _KernelView).

Process states are printed from the kernel's enum procstate as gdb reads
it from the debug information, so a new state needs no change here.
"""
import os

import gdb

MAX_FRAMES = 64            # a deeper kernel stack means a broken chain
STACK_SPAN = 64 * 1024     # no frame lies this far above the saved sp


class _KernelView:
    """Within `with _KernelView():`, the selected hart reads memory as the
    kernel does.

    QEMU's gdb stub translates addresses at the hart's current privilege
    level, and the kernel's pages are supervisor-only, so a hart stopped
    in user mode (at a breakpoint in a user program) cannot read the
    process table. For the duration of one command this sets QEMU's
    virtual `priv` register to supervisor and then restores it, so the
    hart resumes exactly as it stopped."""

    USER, SUPERVISOR = 0, 1

    def __enter__(self):
        self.saved = None
        try:
            priv = int(gdb.parse_and_eval("$priv"))
        except (gdb.error, ValueError):
            return self    # not QEMU, or no such register: read as is
        if priv == self.USER:
            self.saved = priv
            self._set(self.SUPERVISOR)
        return self

    def __exit__(self, *exc):
        if self.saved is not None:
            self._set(self.saved)

    @staticmethod
    def _set(value):
        try:
            frame = gdb.selected_frame()
        except gdb.error:
            frame = None
        gdb.newest_frame().select()   # the live registers, not an outer frame's
        gdb.execute(f"set $priv = {value}", to_string=True)
        if frame is not None and frame.is_valid():
            frame.select()


def _sym(name):
    """The value of kernel variable name, global or file-static."""
    s = gdb.lookup_global_symbol(name) or gdb.lookup_static_symbol(name)
    if s is None:
        raise gdb.GdbError(f"no symbol {name!r}: are the kernel's symbols loaded?")
    return s.value()


def _elements(array):
    lo, hi = array.type.strip_typedefs().range()
    return [array[i] for i in range(lo, hi + 1)]


def _state(p):
    """The state's enumerator, in lower case ("sleeping")."""
    return str(p["state"]).lower()


def _name(p):
    return p["name"].string(errors="replace").split("\0")[0]


def _pid(p):
    return int(p["pid"])


def _processes():
    """Every process, in pid order: the kernel's allproc (kernel/proc/ptable.c)."""
    p = _sym("allproc")
    while int(p) != 0:
        yield p.dereference()
        p = p["all_next"]


def _find(pid):
    for p in _processes():
        if _pid(p) == pid:
            return p
    raise gdb.GdbError(f"no process with pid {pid}")


def _parse_pid(arg, command):
    try:
        return int(gdb.parse_and_eval(arg))
    except (gdb.error, ValueError):
        raise gdb.GdbError(f"usage: {command} PID")


def _running_on():
    """{address of a struct proc: id of the hart running it}."""
    out = {}
    for c in _elements(_sym("cpus")):
        if int(c["started"]) and int(c["proc"]) != 0:
            out[int(c["proc"])] = int(c["hartid"])
    return out


def _where(pc, return_address=True):
    """"func () at file:line" for pc. A return address is looked up one
    byte back, inside its call instruction, as gdb does for outer frames
    (the instruction after a call may belong to the next line, or to
    another function if the call never returns)."""
    look = pc - 1 if return_address else pc
    names = []
    try:
        block = gdb.block_for_pc(look)
    except RuntimeError:
        block = None
    while block is not None:       # innermost inlined function first
        if block.function is not None:
            names.append(block.function.print_name)
        block = block.superblock
    if names:
        func = names[0] + " ()" + "".join(f" [inlined in {n}]" for n in names[1:])
    else:                          # assembly has no blocks: use the ELF symbol
        info = gdb.execute(f"info symbol 0x{look:x}", to_string=True)
        func = "??" if info.startswith("No symbol") else info.split()[0]
    sal = gdb.find_pc_line(look)
    if sal.symtab is not None:
        return f"{func} at {sal.symtab.filename}:{sal.line}"
    return func


def _read_u64(addr):
    return int.from_bytes(bytes(gdb.selected_inferior().read_memory(addr, 8)), "little")


def _kernel_text():
    """The kernel's code: from _entry up to etext (kernel/kernel.ld)."""
    return (int(gdb.parse_and_eval("(unsigned long)&_entry")),
            int(gdb.parse_and_eval("(unsigned long)&etext")))


def kernel_frames(p):
    """The return addresses on p's kernel stack, innermost first, found by
    following frame pointers from p->context. Stops where the chain
    leaves the stack or the kernel's code (at the trap from user mode,
    whose s0 is the user's)."""
    ctx = p["context"]
    sp = int(ctx["sp"])
    fp = int(ctx["s"][0])
    lo, hi = _kernel_text()
    frames = [int(ctx["ra"])]
    while len(frames) < MAX_FRAMES:
        if fp % 8 or not sp < fp <= sp + STACK_SPAN:
            break
        try:
            ra = _read_u64(fp - 8)
            caller_fp = _read_u64(fp - 16)
        except gdb.MemoryError:
            break
        if not lo <= ra < hi:
            break
        frames.append(ra)
        if caller_fp <= fp:        # callers' frames lie above: else a loop
            break
        fp = caller_fp
    return frames


class KPs(gdb.Command):
    """List every process: pid, parent, state, name, saved kernel pc.
Usage: kps"""

    def __init__(self):
        super().__init__("kps", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        with _KernelView():
            rows = self.rows()
        head = ("PID", "PPID", "STATE", "NAME", "KERNEL PC")
        widths = [max(len(r[i]) for r in rows + [head]) for i in range(4)]
        for r in [head] + rows:
            cells = [r[0].rjust(widths[0])] + [r[i].ljust(widths[i]) for i in range(1, 4)]
            gdb.write("  ".join(cells) + "  " + r[4] + "\n")

    @staticmethod
    def rows():
        running = _running_on()
        rows = []
        for p in _processes():
            parent = p["parent"]
            ppid = _pid(parent.dereference()) if int(parent) != 0 else 0
            hart = running.get(int(p.address))
            if hart is not None:
                where = f"running on hart {hart}"
            else:
                ra = int(p["context"]["ra"])
                where = f"0x{ra:x} in {_where(ra)}"
            rows.append((str(_pid(p)), str(ppid), _state(p), _name(p), where))
        return rows


class KBt(gdb.Command):
    """Kernel backtrace of a process that is not running, from its saved context.
Usage: kbt PID"""

    def __init__(self):
        super().__init__("kbt", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        pid = _parse_pid(arg, "kbt")
        with _KernelView():
            p = _find(pid)
            hart = _running_on().get(int(p.address))
            if hart is not None:
                raise gdb.GdbError(f"pid {pid} is running on hart {hart}: its registers "
                                   f"are live; use `thread {hart + 1}` and `bt`")
            gdb.write(f"pid {pid} ({_name(p)}), {_state(p)}:\n")
            for n, pc in enumerate(kernel_frames(p)):
                gdb.write(f"#{n:<2} 0x{pc:016x} in {_where(pc)}\n")


def _registers(value, out):
    """Append (name, value) for each integer field of a struct, looking
    into anonymous unions and structs, skipping arrays (the trapframe's
    regs[] alias) and names already seen."""
    for f in value.type.strip_typedefs().fields():
        code = f.type.strip_typedefs().code
        if code in (gdb.TYPE_CODE_UNION, gdb.TYPE_CODE_STRUCT):
            _registers(value[f], out)
        elif code != gdb.TYPE_CODE_ARRAY and f.name and f.name not in dict(out):
            out.append((f.name, int(value[f]) & 0xFFFFFFFFFFFFFFFF))


class KTrapframe(gdb.Command):
    """User registers of a process, as saved in its trapframe at its last trap.
Usage: ktrapframe PID"""

    def __init__(self):
        super().__init__("ktrapframe", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        pid = _parse_pid(arg, "ktrapframe")
        with _KernelView():
            p = _find(pid)
            tf = p["trapframe"]
            if int(tf) == 0:
                raise gdb.GdbError(f"pid {pid} has no trapframe")
            regs = []
            _registers(tf.dereference(), regs)
            name = _name(p)
        gdb.write(f"pid {pid} ({name}), trapframe at 0x{int(tf):x}:\n")
        for i in range(0, len(regs), 4):
            gdb.write("  ".join(f"{n:>10} 0x{v:016x}" for n, v in regs[i:i + 4]) + "\n")


def _hart_pc(thread):
    """thread's pc, read without changing which thread and frame are selected."""
    before = gdb.selected_thread()
    try:
        frame = gdb.selected_frame()
    except gdb.error:
        frame = None
    try:
        thread.switch()
        return int(gdb.newest_frame().pc())
    finally:
        before.switch()
        if frame is not None and frame.is_valid():
            frame.select()


class KHarts(gdb.Command):
    """Which process each hart is running, and where.
Usage: kharts"""

    def __init__(self):
        super().__init__("kharts", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        # QEMU numbers the thread of hart h as h + 1.
        threads = {t.ptid[1] - 1: t for t in gdb.selected_inferior().threads()}
        with _KernelView():
            harts = []
            for c in _elements(_sym("cpus")):
                if not int(c["started"]):
                    continue
                if int(c["proc"]) != 0:
                    p = c["proc"].dereference()
                    who = f"pid {_pid(p)} ({_name(p)})"
                else:
                    who = "no process (in the scheduler)"
                harts.append((int(c["hartid"]), who))
        for hart, who in harts:
            line = f"hart {hart}: {who}"
            t = threads.get(hart)
            if t is not None:
                pc = _hart_pc(t)
                line += f"; gdb thread {t.num}, pc 0x{pc:x} in {_where(pc, False)}"
            gdb.write(line + "\n")


class KUser(gdb.Command):
    """Load a user program's symbols, and optionally break in it.
Usage: kuser NAME [LOCATION]
Loads user/_NAME or user/xv6/_NAME (replacing the program loaded before: every program is
linked at the same address). With LOCATION (main, or FILE:LINE), sets a
breakpoint there that stops only in a process named NAME."""

    loaded = None   # path of the user program whose symbols are in

    def __init__(self):
        super().__init__("kuser", gdb.COMMAND_FILES)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        if not args:
            raise gdb.GdbError("usage: kuser NAME [LOCATION], e.g. kuser ls main")
        name = args[0]
        # Our programs are user/_NAME, the xv6-style ones user/xv6/_NAME.
        # gdb names symbol files in full.
        candidates = [os.path.abspath(f"user/_{name}"), os.path.abspath(f"user/xv6/_{name}")]
        path = next((c for c in candidates if os.path.exists(c)), None)
        if path is None:
            raise gdb.GdbError(f"no {candidates[0]}: is NAME a program in user/, built?")
        if KUser.loaded is not None:
            gdb.execute(f"remove-symbol-file {KUser.loaded}", from_tty=False)
            KUser.loaded = None
        gdb.execute(f"add-symbol-file {path}", from_tty=False)
        KUser.loaded = path
        gdb.write(f"loaded the symbols of {os.path.relpath(path)}\n")
        if len(args) > 1:
            loc = args[1]
            if ":" not in loc and not loc.startswith("*"):
                loc = f"{name}.c:{loc}"   # not the kernel's function of that name
            gdb.execute(f'break {loc} if $kproc_is("{name}")')


class KProcIs(gdb.Function):
    """$kproc_is("NAME"): 1 if the process on the selected hart is named NAME."""

    def __init__(self):
        super().__init__("kproc_is")

    def invoke(self, name):
        hart = gdb.selected_thread().ptid[1] - 1
        with _KernelView():
            p = _sym("cpus")[hart]["proc"]
            return int(int(p) != 0 and _name(p.dereference()) == name.string())


KPs()
KBt()
KTrapframe()
KHarts()
KUser()
KProcIs()
