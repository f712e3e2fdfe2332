"""Power cuts, the short version of `make crashtest` (grade/crashtest.py):
ten rounds, each booting a copy of fs.img under user/crashwork's
file-system workload, killing QEMU at a random moment, checking the image
with mkfs/fsck, booting it again to check that every operation the
workload saw complete is there in full and nothing half-done shows, and
checking it with fsck once more. The seeds change from run to run (they
are printed), so that the suite keeps trying new cut points."""
import io
import time

from grade.crashtest import run
from grade.tests.harness import Case

ROUNDS = 10


def ten_rounds(t):
    out = io.StringIO()
    seed = int(time.time()) % 100000
    clean = run(ROUNDS, seed, 1, out=out)
    assert clean == ROUNDS, f"{ROUNDS - clean} of {ROUNDS} rounds failed:\n{out.getvalue()}"


CASES = [
    Case(f"{ROUNDS} power cuts under a file-system workload: fsck clean, every completed "
         "operation kept", ten_rounds, timeout=300),
]
