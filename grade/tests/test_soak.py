"""The short soak: usertests twice in one boot (skipping the slow tests)
with 8 harts and 512 MiB, each round ending with every page back, as
`make soak N=20 CPUS=8 MEM=512M` (grade/soak.py) does for twenty. A test
that fails only now and then, or only after others have run, shows here
first."""
import io

from grade.soak import soak
from grade.tests.harness import Case

ROUNDS = 2


def two_rounds(t):
    out = io.StringIO()
    clean = soak(ROUNDS, ROUNDS, 8, "512M", True, out=out)
    assert clean == ROUNDS, out.getvalue()


CASES = [
    Case(f"usertests {ROUNDS} times in one boot, CPUS=8 MEM=512M, every page back each round",
         two_rounds, timeout=400),
]
