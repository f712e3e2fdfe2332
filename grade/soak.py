"""Soak: the whole of usertests, round after round, within boots and
across them, to find what fails only now and then or only after a while.

Usage: python3 -m grade.soak [--rounds N] [--per-boot K] [--cpus C] [--mem M] [--quick]
       (make soak N=20 CPUS=8 MEM=512M; the soak test group runs a short one)

The rounds are run K to a boot (`usertests -r K`, with init powering off
after), as many boots as it takes. Each round ends with usertests' own
check that every page came back, so a slow leak shows. One line a round:

    soak: round 7 (boot 2, round 2 of 5): 116 passed, 0 failed (21.3 s)

and the tests that failed, by name; then `soak: N rounds, N clean`. A
boot's console log is kept in grade/logs/soak-bootB.log when any of its
rounds failed. The exit status is 1 if any round failed.
"""
import argparse
import os
import re
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if __package__ in (None, ""):   # run as a script
    sys.path.insert(0, ROOT)

from grade.console import Console                    # noqa: E402  (after the path is set)
from grade.errors import Fail                        # noqa: E402
from grade.runner import SNAPSHOT_ARGS, qemu_command   # noqa: E402

ROUND = r"^usertests: round {k} of {n}: (\d+) passed, (\d+) failed\r?$"
FAILED = re.compile(r"^test (\S+): FAIL", re.M)
ROUND_TIMEOUT = 600   # seconds a round may take
LOG_DIR = os.path.join(ROOT, "grade", "logs")


def one_boot(boot, rounds, cpus, mem, quick, first_round, out):
    """Boot once running rounds rounds; print a line each. Returns the
    number of clean rounds."""
    tests = ["autotest", "-r", str(rounds)] + (["-q"] if quick else [])
    log = os.path.join(LOG_DIR, f"soak-boot{boot}.log")
    os.makedirs(LOG_DIR, exist_ok=True)
    clean = 0
    console = Console(qemu_command(ROOT, cpus, mem, append=" ".join(tests)) + SNAPSHOT_ARGS,
                      cwd=ROOT, log_path=log)
    with console:
        start = time.monotonic()
        for k in range(1, rounds + 1):
            before = console.pos
            try:
                m = console.expect(ROUND.format(k=k, n=rounds), ROUND_TIMEOUT, no=[r"^panic: "])
            except Fail as e:
                print(f"soak: round {first_round + k - 1} (boot {boot}, round {k} of {rounds}): "
                      f"FAILED: {e}", file=out, flush=True)
                break
            failed_names = FAILED.findall(console.output, before, m.end())
            now = time.monotonic()
            ok = m[2] == "0"
            clean += ok
            print(f"soak: round {first_round + k - 1} (boot {boot}, round {k} of {rounds}): "
                  f"{m[1]} passed, {m[2]} failed ({now - start:.1f} s)"
                  + (f": {' '.join(failed_names)}" if failed_names else ""), file=out, flush=True)
            start = now
    if clean == rounds:
        os.unlink(log)
    return clean


def soak(rounds, per_boot, cpus, mem, quick, out=sys.stdout):
    clean, done, boot = 0, 0, 0
    while done < rounds:
        boot += 1
        k = min(per_boot, rounds - done)
        clean += one_boot(boot, k, cpus, mem, quick, done + 1, out)
        done += k
    print(f"soak: {rounds} rounds, {clean} clean (CPUS={cpus}, MEM={mem})", file=out, flush=True)
    return clean


def main():
    parser = argparse.ArgumentParser(description="Run usertests round after round.")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--per-boot", type=int, default=5)
    parser.add_argument("--cpus", type=int, default=8)
    parser.add_argument("--mem", default="512M")
    parser.add_argument("--quick", action="store_true", help="skip the slow tests (usertests -q)")
    args = parser.parse_args()
    clean = soak(args.rounds, args.per_boot, args.cpus, args.mem, args.quick)
    sys.exit(0 if clean == args.rounds else 1)


if __name__ == "__main__":
    main()
