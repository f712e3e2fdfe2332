"""Driving gdb from a grading script, through gdb's machine interface.

Gdb starts `gdb-multiarch --interpreter=mi`, loads the kernel's symbols
and connects to QEMU's gdb stub (a kernel booted by `make qemu-gdb`, which
waits, halted, for the debugger). Given init, it sources that gdb script
instead, which must connect: Run.gdb(gdbinit=True) passes a copy of the
tree's .gdbinit, so that a test sees gdb as `make gdb` sets it up, helper
commands included. A script can then set breakpoints by any location gdb
understands, continue until one is hit, read the backtrace, evaluate C
expressions in the kernel's terms, or type any gdb command and read what
it printed:

    g.break_at("syscall")
    stop = g.cont()                  # waits for the stop; stop.func == "syscall"
    g.backtrace()                    # ["syscall", "usertrap", "uservec"]
    g.eval("cpus[0].proc->pid")      # "1"
    g.cli("info threads")            # the text gdb prints

The machine interface ("MI") is a line protocol: each command we send
carries a number (its token), and gdb answers with a result record
`TOKEN^done,...` or `TOKEN^error,msg="..."`; meanwhile it prints stream
records (`~"text"`, what the command shows a user) and asynchronous
records (`*stopped,reason=...` when the target stops). A reader thread
sorts these as they arrive. Values are C strings, {tuples} and [lists],
parsed here into str, dict and list.

Like Console, every wait is bounded by its timeout and by the test's
deadline; close() kills gdb (the runner does it for you). Everything
exchanged is kept in `transcript`, saved beside the console log.
"""
import os
import re
import subprocess
import threading
import time

from grade.console import kill_group, track, untrack, wait_budget
from grade.errors import Fail, TimedOut

GDB = "gdb-multiarch"

# -- the record syntax ------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'",
            "a": "\a", "b": "\b", "f": "\f", "v": "\v", "e": "\x1b"}


def _cstring(s, i):
    """Parse the C string starting at s[i] (a double quote); return
    (text, index after the closing quote)."""
    out = []
    i += 1
    while s[i] != '"':
        c = s[i]
        if c == "\\":
            nxt = s[i + 1]
            if nxt in "01234567":
                digits = re.match(r"[0-7]{1,3}", s[i + 1:i + 4])[0]
                out.append(chr(int(digits, 8)))
                i += 1 + len(digits)
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out), i + 1


def _value(s, i):
    """Parse one value at s[i]: a C string, a {tuple} or a [list]."""
    if s[i] == '"':
        return _cstring(s, i)
    close = "}" if s[i] == "{" else "]"
    i += 1
    if s[i] == close:
        return ({} if close == "}" else []), i + 1
    is_results = re.match(r"[A-Za-z_][\w-]*=", s[i:]) is not None
    items = {} if close == "}" else []
    while True:
        if is_results:
            name, value, i = _result(s, i)
            if isinstance(items, dict):
                items[name] = value
            else:
                items.append({name: value})
        else:
            value, i = _value(s, i)
            items.append(value)
        if s[i] == ",":
            i += 1
            continue
        if s[i] != close:
            raise ValueError(f"bad MI value at {i}: {s!r}")
        return items, i + 1


def _result(s, i):
    eq = s.index("=", i)
    name = s[i:eq]
    value, i = _value(s, eq + 1)
    return name, value, i


def parse_results(s):
    """Parse 'a="1",b={c="2"}' (what follows a record's class) into a dict."""
    out = {}
    i = 0
    while i < len(s):
        name, value, i = _result(s, i)
        out[name] = value
        if i < len(s) and s[i] == ",":
            i += 1
    return out


def quote(text):
    """text as a C string, for MI command arguments."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_RECORD = re.compile(r"^(\d*)([\^*+=])([\w-]+),?(.*)$")


class Stop:
    """Where the target stopped: reason ("breakpoint-hit",
    "signal-received", ...), function, file, line, gdb thread number (hart
    id + 1 under QEMU) and the raw record."""

    def __init__(self, record):
        self.record = record
        frame = record.get("frame", {})
        self.reason = record.get("reason", "")
        self.func = frame.get("func")
        self.file = frame.get("file")
        self.line = int(frame["line"]) if "line" in frame else None
        self.addr = int(frame["addr"], 16) if "addr" in frame else None
        thread = record.get("thread-id")
        self.thread = int(thread) if thread and thread.isdigit() else None

    def __repr__(self):
        return f"<stop {self.reason} in {self.func} at {self.file}:{self.line}>"


class Gdb:
    def __init__(self, port, symbols="kernel/kernel", cwd=None, host="127.0.0.1",
                 arch="riscv:rv64", log_path=None, connect_timeout=30, deadline=None,
                 scale=1.0, init=None):
        self.deadline = deadline    # as in Console
        self.scale = scale
        self.log_path = log_path
        self.transcript = []        # every line sent and received
        self.stops = []             # Stop records not yet taken by wait_stop
        self.running = False
        self._results = {}          # token -> (class, results)
        self._stream = []           # console stream text, in order
        self._token = 0
        self._cond = threading.Condition()
        self._eof = False
        self._closed = False
        self.proc = subprocess.Popen([GDB, "-q", "-nx", "--interpreter=mi"], cwd=cwd,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        track(self)
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        try:
            self.command("-gdb-set confirm off")
            self.command("-gdb-set pagination off")
            self.command("-gdb-set mi-async on")   # so -exec-interrupt works
            if init is not None:
                self.cli(f"source {init}", timeout=connect_timeout)
            else:
                self.cli(f"set architecture {arch}")
                self.command(f"-file-exec-and-symbols {quote(symbols)}")
                self.command(f"-target-select remote {host}:{port}", timeout=connect_timeout)
        except BaseException:
            self.close()     # nobody else holds this half-made debugger
            raise

    # -- the protocol -------------------------------------------------------

    def _read_loop(self):
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            with self._cond:
                self.transcript.append(line)
                self._take(line)
                self._cond.notify_all()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def _take(self, line):
        """File one line of gdb's output. Called with the lock held."""
        if line.startswith("(gdb)"):
            return
        if line[:1] in ("~", "@", "&"):
            if line[1:2] == '"':
                try:
                    text, _ = _cstring(line, 1)
                except IndexError:   # cut short: gdb was killed mid-line
                    return
                if line[0] == "~":
                    self._stream.append(text)
            return
        m = _RECORD.match(line)
        if not m:
            return
        token, kind, cls, rest = m.groups()
        try:
            results = parse_results(rest)
        except (ValueError, IndexError):
            results = {"unparsed": rest}
        if kind == "^" and token:
            self._results[int(token)] = (cls, results)
            if cls == "running":
                self.running = True
        elif kind == "*" and cls == "stopped":
            self.running = False
            self.stops.append(Stop(results))
        elif kind == "*" and cls == "running":
            self.running = True

    def _wait(self, ready, timeout, what):
        budget, by_deadline = wait_budget(timeout, self.scale, self.deadline)
        end = time.monotonic() + budget
        with self._cond:
            while True:
                result = ready()
                if result is not None:
                    return result
                left = end - time.monotonic()
                if self._eof or left <= 0:
                    break
                self._cond.wait(min(left, 0.5))
            recent = "\n".join(self.transcript[-15:])
        if self._eof:
            raise Fail(f"gdb exited while waiting for {what}; its last words:\n{recent}")
        if by_deadline:
            raise TimedOut(f"test ran out of time waiting for {what} from gdb:\n{recent}")
        raise TimedOut(f"waited {budget:.0f}s for {what} from gdb:\n{recent}")

    def _send(self, text):
        with self._cond:
            self.transcript.append("> " + text)
        try:
            self.proc.stdin.write((text + "\n").encode())
            self.proc.stdin.flush()
        except OSError as e:
            raise Fail(f"gdb is gone: {e}")

    def command(self, mi_command, timeout=None, check=True):
        """Send one MI command; return (result class, results dict).
        Fails on an ^error result unless check is false."""
        with self._cond:
            self._token += 1
            token = self._token
        self._send(f"{token}{mi_command}")
        cls, results = self._wait(lambda: self._results.pop(token, None), timeout,
                                  f"the answer to {mi_command}")
        if cls == "error" and check:
            raise Fail(f"gdb: {mi_command}: {results.get('msg', results)}")
        return cls, results

    # -- what scripts use ---------------------------------------------------

    def cli(self, command, timeout=None):
        """Run a gdb command as typed at its prompt; return what it printed.
        A command that lets the target run (next, step, finish, continue)
        returns once it has stopped again, as at gdb's prompt."""
        with self._cond:
            self._stream.clear()
            self.stops.clear()
        cls, _ = self.command(f"-interpreter-exec console {quote(command)}", timeout)
        if cls == "running":
            self.wait_stop(timeout)
        with self._cond:
            text = "".join(self._stream)
            self._stream.clear()
        return text

    def break_at(self, location, condition=None, temporary=False):
        """Set a hardware-independent breakpoint; return its number."""
        opts = " -t" if temporary else ""
        if condition:
            opts += f" -c {quote(condition)}"
        _, results = self.command(f"-break-insert{opts} {quote(location)}")
        return int(results["bkpt"]["number"])

    def delete(self, number=None):
        """Delete breakpoint number, or all of them."""
        self.command("-break-delete" + ("" if number is None else f" {number}"))

    def cont(self, wait=True, timeout=None):
        """Let the target run. With wait, return the Stop where it stops."""
        with self._cond:
            self.stops.clear()
        self.command("-exec-continue")
        return self.wait_stop(timeout) if wait else None

    def wait_stop(self, timeout=None):
        """Wait until the target stops (a breakpoint, an interrupt); return
        the Stop."""
        return self._wait(lambda: self.stops.pop(0) if self.stops else None, timeout,
                          "the target to stop")

    def interrupt(self, timeout=None):
        """Stop a running target (as Ctrl-C in gdb); return the Stop."""
        self.command("-exec-interrupt")
        return self.wait_stop(timeout)

    def eval(self, expression):
        """The value of a C expression, as gdb prints it (a string)."""
        _, results = self.command(f"-data-evaluate-expression {quote(expression)}")
        return results["value"]

    def eval_int(self, expression):
        """The value of an integer expression, as an int."""
        return int(self.eval(f"(long long)({expression})"), 0)

    def backtrace(self):
        """Function names of the stopped thread's frames, innermost first
        (None where gdb knows no function)."""
        _, results = self.command("-stack-list-frames")
        return [f["frame"].get("func") for f in results.get("stack", [])]

    def select_thread(self, number):
        self.command(f"-thread-select {number}")

    def close(self):
        """Kill gdb (QEMU is the console's business) and save the transcript.
        Returns pids that could not be killed."""
        if self._closed:
            return []
        self._closed = True
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        left = kill_group(self.proc)
        untrack(self)
        self._reader.join(2)
        if self.log_path:
            os.makedirs(os.path.dirname(os.path.abspath(self.log_path)), exist_ok=True)
            with open(self.log_path, "w") as f:
                f.write("\n".join(self.transcript) + "\n")
        return left
