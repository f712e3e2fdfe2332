"""Power cuts: boot a copy of fs.img running a file-system workload, kill
QEMU with SIGKILL at a random moment, and check what the disk kept.

Usage: python3 -m grade.crashtest [--rounds N] [--seed S] [--cpus N]
       (make crashtest N=100; the crash test group runs 10 rounds)

Each round:
  1. copies fs.img and boots it with `run crashwork run SEED`
     (user/crashwork.c), which prints `crashwork: done K` after each
     operation it completes;
  2. kills QEMU (SIGKILL: no shutdown, no flush by the kernel) at a random
     moment between 0.1 and 3 seconds after the workload starts, and
     notes the last K it printed;
  3. runs `mkfs/fsck -n` on the image: it must be consistent (orphans,
     files unlinked while open, are allowed: the next boot frees them);
  4. boots the image again with `run crashwork check SEED K`: everything
     operations 1..K made must be there in full, operation K+1 there not
     at all, in part as it allows, or in full, nothing else;
  5. runs fsck again on what that boot (with its log recovery) left.
The first image that fails is kept in grade/logs/ and named in the
output. The last line is `crashtest: N rounds, N clean`; the exit status
is 1 if any round failed.
"""
import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if __package__ in (None, ""):   # run as a script
    sys.path.insert(0, ROOT)

from grade.runner import image_args, qemu_command   # noqa: E402  (after the path is set)

DONE = re.compile(r"^crashwork: done (\d+)\r?\n", re.M)
START = "crashwork: start"
CHECK_OK = re.compile(r"^crashwork: check ok", re.M)
ALL_DONE = re.compile(r"^crashwork: all \d+ done", re.M)
CUT_MIN, CUT_MAX = 0.1, 3.0     # seconds after the workload starts
BOOT_TIMEOUT = 60
CHECK_TIMEOUT = 180
FSCK = os.path.join(ROOT, "mkfs", "fsck")
KEEP_DIR = os.path.join(ROOT, "grade", "logs")


class Qemu:
    """QEMU on pipes, its output gathered by a thread."""

    def __init__(self, argv):
        self.proc = subprocess.Popen(argv, cwd=ROOT, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.output = ""
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for chunk in iter(lambda: self.proc.stdout.read1(4096), b""):
            with self.lock:
                self.output += chunk.decode(errors="replace")

    def text(self):
        with self.lock:
            return self.output

    def wait_for(self, what, timeout):
        deadline = time.monotonic() + timeout
        while what not in self.text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def kill(self):
        """SIGKILL: the power cut."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.reader.join(5)

    def wait(self, timeout):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None
        finally:
            self.reader.join(5)


def boot(img, cpus, append):
    return Qemu(qemu_command(ROOT, cpus, append=append) + image_args(img) +
                ["-set", "drive.x0.file.locking=off"])


def fsck(img):
    done = subprocess.run([FSCK, "-n", img], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=60)
    return done.returncode, done.stdout


def one_round(seed, cpus, workdir, rnd):
    """Run one round on a fresh copy of fs.img. Returns (ok, summary,
    details, image)."""
    img = os.path.join(workdir, f"round{seed}.img")
    shutil.copy(os.path.join(ROOT, "fs.img"), img)
    q = boot(img, cpus, f"run crashwork run {seed}")
    if not q.wait_for(START, BOOT_TIMEOUT):
        q.kill()
        return False, "the workload did not start", q.text()[-2000:], img
    time.sleep(rnd.uniform(CUT_MIN, CUT_MAX))
    stopped = q.proc.poll() is not None   # before the cut: it must have finished
    q.kill()
    out = q.text()
    done = [int(n) for n in DONE.findall(out)]
    n = done[-1] if done else 0
    if re.search(r"^panic: ", out, re.M) or (stopped and not ALL_DONE.search(out)):
        return False, f"the workload failed before the cut (after {n} operations)", out[-2000:], img

    status, report = fsck(img)
    if status != 0:
        return False, f"cut after {n} operations: fsck found damage", report, img
    orphans = len(re.findall(r"^fsck: orphan", report, re.M))

    q = boot(img, cpus, f"run crashwork check {seed} {n}")
    status = q.wait(CHECK_TIMEOUT)
    out = q.text()
    if status is None:
        return False, f"cut after {n} operations: the check did not finish", out[-2000:], img
    if status != 0 or not CHECK_OK.search(out):
        lines = "\n".join(l for l in out.splitlines() if l.startswith(("crashwork", "panic", "fs:")))
        return False, f"cut after {n} operations: the check failed (QEMU status {status})", lines, img
    status, report = fsck(img)
    if status != 0:
        return False, f"cut after {n} operations: fsck after the check boot found damage", report, img
    what = CHECK_OK.search(out)
    line = out[what.start():out.find("\n", what.start())].strip()
    return True, f"cut after {n} operations, {orphans} orphan(s) for the boot to free: {line}", "", img


def run(rounds, seed, cpus, out=sys.stdout):
    """Run the rounds; print a line each and the summary. Returns the
    number of clean rounds."""
    rnd = random.Random(seed)
    clean, kept = 0, None
    with tempfile.TemporaryDirectory() as workdir:
        for r in range(rounds):
            round_seed = seed + r
            ok, summary, details, img = one_round(round_seed, cpus, workdir, rnd)
            print(f"crashtest: round {r + 1} (seed {round_seed}): {'clean' if ok else 'FAILED'}: "
                  f"{summary}", file=out, flush=True)
            if ok:
                clean += 1
            else:
                print("\n".join("    " + l for l in details.strip().splitlines()[-30:]),
                      file=out, flush=True)
                if kept is None:
                    os.makedirs(KEEP_DIR, exist_ok=True)
                    kept = os.path.join(KEEP_DIR, f"crashtest-seed{round_seed}.img")
                    shutil.copy(img, kept)
                    print(f"crashtest: the image is kept as {kept}", file=out, flush=True)
            os.unlink(img)
    print(f"crashtest: {rounds} rounds, {clean} clean", file=out, flush=True)
    return clean


def main():
    parser = argparse.ArgumentParser(description="Cut the power under a file-system workload.")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--seed", type=int, default=None, help="first round's seed (default: time)")
    parser.add_argument("--cpus", type=int, default=1)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else int(time.time()) % 100000
    clean = run(args.rounds, seed, args.cpus)
    sys.exit(0 if clean == args.rounds else 1)


if __name__ == "__main__":
    main()
