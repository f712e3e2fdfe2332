"""Why a test fails.

A check that does not hold raises Fail; the runner prints its message as
the test's reason. TimedOut is the same, for a test that ran out of time
(its own deadline or one wait's limit). Fail is an AssertionError, and a
plain `assert` that does not hold counts as a failed check too. Any other
exception in a grading script is a bug in the script: the runner reports
it with its traceback.
"""


class Fail(AssertionError):
    """A check failed: the message says what was expected and what was seen."""


class TimedOut(Fail):
    """Something did not happen in time."""
