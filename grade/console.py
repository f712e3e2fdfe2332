"""A program's terminal, as a grading script sees it: a pseudo-terminal.

Console runs a command (normally `make qemu`, which runs QEMU with
-nographic) with a fresh pseudo-terminal as its standard input, output and
error, so the guest sees real keystrokes, and it records everything the
program prints. A reader thread keeps draining the terminal, so the guest
never blocks on a full buffer while the script is busy elsewhere (in gdb,
say).

The command runs in a process group of its own. close() kills the whole
group (make and the QEMU it started) and waits until none of it is left;
it is safe to call more than once, and the test runner calls it for every
console a test opened, whatever happened in the test.

Every wait takes a timeout in seconds (multiplied by `scale`, which the
runner sets from --timeout-scale) and is also cut short by the console's
deadline (set by the runner to the end of the current test): whichever
comes first raises TimedOut. Failure messages are one line; the runner
adds the last lines of the output (tail()) and keeps the whole log.

PROMPT and SHELL_START are the console conventions every script relies
on (README: "Console conventions"): the shell's prompt at the start of a
line, and init's line just before it starts the shell.
"""
import codecs
import os
import pty
import re
import signal
import subprocess
import threading
import time

from grade.errors import Fail, TimedOut

DEFAULT_WAIT = 30   # seconds, for a wait given no timeout
PROMPT = r"^\$ "                       # the shell's prompt, at the start of a line
SHELL_START = r"init: starting sh\n"   # init, just before the shell's first prompt


def wait_budget(timeout, scale, deadline):
    """How long one wait may take: (seconds, whether the test's deadline
    rather than the wait's own timeout is the limit)."""
    timeout = (DEFAULT_WAIT if timeout is None else timeout) * scale
    if deadline is not None:
        left = deadline - time.monotonic()
        if left < timeout:
            return max(left, 0.0), True
    return timeout, False
TAIL_LINES = 20     # lines of output quoted in failure messages


_LINE_END = re.compile(r"\r+\n")   # OpenSBI ends its lines with \r\r\n


def group_alive(pgid):
    """Pids of the processes in group pgid that still run (zombies, which
    run nothing and wait only to be reaped, do not count)."""
    alive = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        # No /proc: ask the kernel whether the group has any member at all.
        try:
            os.killpg(pgid, 0)
            return [pgid]
        except (ProcessLookupError, PermissionError):
            return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # "pid (comm) state ppid pgrp ...": comm may hold spaces or parens.
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) >= 3 and int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(entry))
    return alive


def kill_group(proc, wait=10.0):
    """Kill proc and every process in its group; wait until they are gone.
    Returns the pids still alive after wait seconds (normally none)."""
    pgid = proc.pid   # started with start_new_session: leader of its group
    deadline = time.monotonic() + wait
    while True:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            pass
        left = group_alive(pgid)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


_live = set()                  # consoles and debuggers not yet closed
_live_lock = threading.Lock()


def track(thing):
    """Remember thing (anything with close()) until it is closed."""
    with _live_lock:
        _live.add(thing)


def untrack(thing):
    with _live_lock:
        _live.discard(thing)


def close_all():
    """Close every console and debugger still open (the runner calls this
    when it ends, however it ends)."""
    with _live_lock:
        things = list(_live)
    for thing in things:
        try:
            thing.close()
        except Exception:
            pass


def tail(text, lines=TAIL_LINES):
    """The last lines of text, for failure messages."""
    return "\n".join(text.rstrip("\n").split("\n")[-lines:])


def _show(pattern):
    return "/" + (pattern.pattern if hasattr(pattern, "pattern") else pattern) + "/"


class Console:
    def __init__(self, argv, cwd=None, log_path=None, env=None, echo=False):
        self.argv = list(argv)
        self.log_path = log_path
        self.echo = echo           # copy output to our stdout as it comes
        self.deadline = None       # monotonic time after which waits fail
        self.scale = 1.0           # multiplies every wait's timeout
        self.output = ""           # everything printed, line ends made "\n"
        self.pos = 0               # where the next expect() starts
        self.status = None         # exit status once the program is gone
        self.leftover = []         # pids close() could not kill
        self._cond = threading.Condition()
        self._eof = False
        self._closed = False

        master, slave = pty.openpty()
        self._fd = master
        try:
            self.proc = subprocess.Popen(self.argv, cwd=cwd, env=env, stdin=slave,
                                         stdout=slave, stderr=slave,
                                         start_new_session=True)
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        track(self)
        self.started = time.monotonic()
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    # -- reading ------------------------------------------------------------

    def _read_loop(self):
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        pending_cr = ""
        while True:
            try:
                data = os.read(self._fd, 65536)
            except OSError:   # EIO: every writer has closed the terminal
                data = b""
            text = pending_cr + decoder.decode(data, final=not data)
            pending_cr = ""
            if data:   # a line end may be split between two reads
                stripped = text.rstrip("\r")
                text, pending_cr = stripped, text[len(stripped):]
            text = _LINE_END.sub("\n", text)
            with self._cond:
                self.output += text
                if not data:
                    self._eof = True
                self._cond.notify_all()
            if self.echo and text:
                print(text, end="", flush=True)
            if not data:
                return

    def _wait_until(self, ready, timeout, what):
        """Wait until ready() (called with the lock held) returns non-None;
        return that. Fail if the program ends first, TimedOut if time runs
        out."""
        budget, by_deadline = wait_budget(timeout, self.scale, self.deadline)
        end = time.monotonic() + budget
        with self._cond:
            while True:
                result = ready()
                if result is not None:
                    return result
                if self._eof:
                    break
                left = end - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(min(left, 0.5))
            eof = self._eof
        if eof:
            status = self._reap()
            raise Fail(f"{self.name()} exited (status {status}) before {what}")
        if by_deadline:
            raise TimedOut(f"the test ran out of time waiting for {what}")
        raise TimedOut(f"waited {budget:.0f}s for {what}")

    def _reap(self):
        try:
            self.status = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        return self.status

    def name(self):
        """How failure messages call the program: `make qemu` for a boot."""
        words = [os.path.basename(self.argv[0])]
        if words[0] == "make":
            words += [a for a in self.argv[1:] if not a.startswith("-") and "=" not in a][:1]
        return " ".join(words)

    def expect(self, pattern, timeout=None, no=()):
        """Wait until the output after the last match matches pattern (a
        regular expression, multi-line mode: ^ and $ match at each line);
        return the match object and move past it. Fails if a pattern in
        no appears in the output up to the match."""
        rx = re.compile(pattern, re.M)
        start = self.pos

        def ready():
            return rx.search(self.output, start)

        m = self._wait_until(ready, timeout, _show(pattern))
        self.pos = m.end()
        self.refuse(no, self.output[start:m.end()])
        return m

    def wait_for(self, check, timeout=None, what="the output that was waited for"):
        """Wait until check(text) returns a true value, text being the output
        after the last match (check is called again each time more arrives,
        so it must be quick); return that value and move past all of text.
        For output that no regular expression describes well, such as the
        lines of two processes that write to the console at once, which can
        come mixed character by character. what names it in a failure."""
        start = self.pos

        def ready():
            result = check(self.output[start:])
            return (result, len(self.output)) if result else None

        result, end = self._wait_until(ready, timeout, what)
        self.pos = end
        return result

    @staticmethod
    def refuse(patterns, text):
        """Fail if any of the regular expressions in patterns matches text."""
        if isinstance(patterns, str):
            patterns = [patterns]
        for p in patterns:
            m = re.search(p, text, re.M)
            if m:
                line_start = text.rfind("\n", 0, m.start()) + 1
                line_end = text.find("\n", m.end())
                line = text[line_start:line_end if line_end >= 0 else len(text)]
                raise Fail(f"output must not match {_show(p)}, but it has:\n{line}")

    def since(self):
        """Output after the last match, not yet consumed."""
        with self._cond:
            return self.output[self.pos:]

    # -- writing ------------------------------------------------------------

    def send(self, text):
        """Type text (no newline added). Control keys: "\\x03" is Ctrl-C,
        "\\x10" Ctrl-P, "\\x04" Ctrl-D, "\\x1a" Ctrl-Z."""
        data = text.encode()
        while data:
            try:
                n = os.write(self._fd, data)
            except OSError as e:
                raise Fail(f"cannot type at {self.name()}: {e}")
            data = data[n:]

    def sendline(self, line):
        self.send(line + "\n")

    def run(self, command, timeout=None, prompt=PROMPT, no=()):
        """Type a command line at a shell and wait for its next prompt.
        Returns what the command printed, without the echoed command line
        and without the prompt."""
        self.sendline(command)
        start = self.pos
        m = self.expect(prompt, timeout, no=no)
        text = self.output[start:m.start()]
        first_nl = text.find("\n")
        return text[first_nl + 1:] if first_nl >= 0 else ""

    # -- ending -------------------------------------------------------------

    def wait_exit(self, timeout=None):
        """Wait until the program ends by itself; return its exit status."""
        began = time.monotonic()
        self._wait_until(lambda: True if self._eof else None, timeout,
                         f"{self.name()} to exit")
        budget, by_deadline = wait_budget(timeout, self.scale, self.deadline)
        try:
            self.status = self.proc.wait(timeout=max(budget - (time.monotonic() - began), 1))
        except subprocess.TimeoutExpired:
            raise TimedOut(f"{self.name()} closed its terminal but did not exit")
        self._reader.join(1)
        return self.status

    def running(self):
        return self.proc.poll() is None

    def close(self):
        """Kill the program and everything it started; save the log.
        Returns the pids that could not be killed (normally none)."""
        if self._closed:
            return self.leftover
        self._closed = True
        self.leftover = kill_group(self.proc)
        untrack(self)
        self.status = self.proc.returncode
        self._reader.join(2)
        try:
            os.close(self._fd)
        except OSError:
            pass
        self.save_log()
        return self.leftover

    def save_log(self, path=None):
        path = path or self.log_path
        if path:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            with open(path, "w") as f:
                f.write(self.output)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
