"""python3 -m grade.tests [GROUP...]: see run.py."""
from grade.tests.run import main

raise SystemExit(main())
