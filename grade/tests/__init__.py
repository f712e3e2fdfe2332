"""The kernel's own test suite (`make test`), written with the grade
library it ships: python3 -m grade.tests [GROUP...]. run.py runs it,
harness.py says how a case is declared, tree.py holds what the cases
know about the kernel tree, and each test_GROUP.py is one group."""
