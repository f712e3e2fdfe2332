"""Boot the kernel under QEMU and talk to its console, as a user would.

A Machine runs QEMU with its console on a pseudo-terminal, so the guest
sees real keystrokes (Ctrl-C, Ctrl-P, Backspace) exactly as from `make
qemu`. Everything the console prints is kept (and written to a log file).
QEMU is always killed on close(), also after a timeout or an exception:
use a Machine as a context manager.
"""
import os
import pty
import re
import select
import shlex
import signal
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOGDIR = os.path.join(ROOT, "grade", "tests", "logs")


class Timeout(AssertionError):
    pass


def qemu_command(cpus=1, mem="128M", append=None, extra=()):
    """The QEMU command line from the Makefile (one source of truth)."""
    out = subprocess.run(["make", "-s", "--no-print-directory", "print-qemu",
                          f"CPUS={cpus}", f"MEM={mem}"],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    cmd = shlex.split(out.strip())
    if append is not None:
        cmd += ["-append", append]
    return cmd + list(extra)


class Machine:
    def __init__(self, name, cpus=1, mem="128M", append=None, extra=(), cmd=None):
        os.makedirs(LOGDIR, exist_ok=True)
        self.name = name
        self.log_path = os.path.join(LOGDIR, name + ".log")
        self.output = ""
        self.pos = 0  # where the next expect() starts looking
        self.cmd = cmd or qemu_command(cpus, mem, append, extra)
        master, slave = pty.openpty()
        self.fd = master
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT, stdin=slave, stdout=slave,
                                     stderr=slave, start_new_session=True)
        os.close(slave)
        self.started = time.monotonic()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _pump(self, timeout):
        """Read what the console printed within timeout seconds."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # the other side closed: QEMU has exited
            data = b""
        if not data:
            time.sleep(min(timeout, 0.05))
            return False
        self.output += data.decode("utf-8", errors="replace").replace("\r\n", "\n")
        return True

    def expect(self, pattern, timeout=30):
        """Wait until the output after the last match matches pattern;
        return the match. Raises Timeout with the recent output."""
        rx = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.output, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = deadline - time.monotonic()
            if left <= 0 or (self.proc.poll() is not None and not self._pump(0.1)):
                tail = self.output[-600:]
                raise Timeout(f"waited {timeout}s for /{pattern}/; exited={self.proc.poll()}; "
                              f"last output:\n{tail}")
            self._pump(min(left, 0.2))

    def since(self):
        """Output not yet consumed by expect()."""
        return self.output[self.pos:]

    def send(self, text):
        os.write(self.fd, text.encode())

    def run(self, line, timeout=30):
        """Type a command line at the shell and return what it printed
        before the next prompt."""
        self.send(line + "\n")
        start = self.pos
        self.expect(r"^\$ ", timeout)
        text = self.output[start:self.pos - 2]
        # Drop the echo of the command itself.
        first_nl = text.find("\n")
        return text[first_nl + 1:] if first_nl >= 0 else ""

    def wait_exit(self, timeout):
        """Let QEMU run to its end; returns its exit status."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Timeout(f"QEMU still running after {timeout}s; last output:\n"
                              f"{self.output[-600:]}")
            self._pump(min(left, 0.2))
        while self._pump(0.05):
            pass
        return self.proc.returncode

    def close(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()
        try:
            while self._pump(0):
                pass
        except OSError:
            pass
        os.close(self.fd)
        with open(self.log_path, "w") as f:
            f.write(self.output)
