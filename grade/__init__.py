"""grade: an autograder library for this kernel (Python 3 standard library only).

A grading script is a Python file that declares tests and calls main():

    from grade import test, main

    @test(5, "echo at the shell")
    def echo(t):
        sh = t.shell()                              # make qemu, wait for "$ "
        out = sh.run("echo hello")                  # type a line, read to the next prompt
        t.match(out, r"^hello$", no=[r"panic"])

    @test(5, "first system call comes from init", timeout=90)
    def first_syscall(t):
        t.boot(gdb=True)                            # make qemu-gdb
        g = t.gdb()                                 # gdb-multiarch, attached
        g.break_at("syscall")
        stop = g.cont()
        t.check(stop.func == "syscall", f"stopped in {stop.func}")
        t.check("usertrap" in g.backtrace(), "no usertrap in the backtrace")

    if __name__ == "__main__":
        raise SystemExit(main())

Run it from the top of the kernel tree (`python3 my_grader.py`, or
`python3 -m grade.grade_kernel` for the one in this package) with
`--list`, a test name, `--cpus N` or `--results results.json`; see
runner.py for the rest. The pieces:

  runner.py   @test, main(), Run (what a test function gets: boot, shell,
              gdb, match, check, note), qemu_command(), scoring and
              results.json
  console.py  Console: a program on a pseudo-terminal; expect, run, send,
              wait_for, wait_exit; PROMPT and SHELL_START
  gdb.py      Gdb: gdb's machine interface; break_at, cont, eval, cli
  errors.py   Fail and TimedOut
  tests/      the kernel's own test suite (`make test`), written with
              this library: python3 -m grade.tests [GROUP...]
"""
from grade.console import PROMPT, SHELL_START, Console
from grade.errors import Fail, TimedOut
from grade.gdb import Gdb, Stop
from grade.runner import Run, main, qemu_command, test

__all__ = ["Console", "Fail", "Gdb", "PROMPT", "Run", "SHELL_START", "Stop", "TimedOut",
           "main", "qemu_command", "test"]
