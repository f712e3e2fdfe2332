"""The shell and the console, typed at as a user would through a
pseudo-terminal: commands, pipes, redirection, line editing, Ctrl-P,
Ctrl-D, and mistakes (a command that does not exist, cat of a directory).

One boot with three harts serves every case, in order (a Session, see
harness.py). After a case fails, Ctrl-C and a marker line bring the shell
back to a fresh prompt, so the next case starts clean. Output that a
background job prints while the shell prompts may come before the
prompt, after it, or mixed character by character into the shell's own
output (the console does not keep two processes' writes apart): the
background case accepts each."""
import re
import time

from grade import PROMPT, SHELL_START
from grade.tests.harness import Case, Session, Shared, fresh_prompt
from grade.tests.tree import README

TRIES = 20          # looks at something that happens in its own time
PAUSE = 0.5         # seconds between two looks
# What the shell prints when it starts a background job: `[1] 4`, then
# the next prompt.
# The shell's `[N] PID` line, then (if the job is quick enough to finish
# before the shell prompts again) its `[N]  Done  CMD` line, then the prompt.
SHELL_JOB_LINE = re.compile(r"\[\d+\] \d+\n(?:\[\d+\]  Done  [^\n]*\n)?" + PROMPT.removeprefix("^"))


def start(t):
    return Shared(sh=t.shell(cpus=3))


def echo(t, s):
    out = s.sh.run("echo hello world")
    assert out == "hello world\n", f"got {out!r}"


def ls_root(t, s):
    out = s.sh.run("ls")
    for name in [README, "sh", "cat", "usertests", "console"]:
        assert re.search(rf"^{re.escape(name)}\s", out, re.M), f"{name} not in ls:\n{out}"


def cat_readme(t, s):
    out = s.sh.run(f"cat {README}")
    assert "make qemu" in out, f"{README}'s content not shown"


def pipeline(t, s):
    out = s.sh.run("echo one two three | wc")
    assert out.split()[:3] == ["1", "3", "14"], f"wc said {out!r}"


def long_pipeline(t, s):
    out = s.sh.run(f"cat {README} | grep make | grep qemu | wc")
    assert re.match(r"\s*[1-9]\d* ", out), f"got {out!r}"


def redirect(t, s):
    sh = s.sh
    sh.run("echo saved text > tfile")
    out = sh.run("cat < tfile")
    assert out == "saved text\n", f"got {out!r}"
    sh.run("echo more >> tfile")
    out = sh.run("cat tfile")
    assert out == "saved text\nmore\n", f"append gave {out!r}"
    sh.run("rm tfile")


def list_and_parens(t, s):
    out = s.sh.run("echo a ; echo b ; (echo c ; echo d) | wc")
    assert out.startswith("a\nb\n"), f"got {out!r}"
    assert out.split()[2:5] == ["2", "2", "4"], f"got {out!r}"


def mixed_with_job(text, word):
    """Is text the shell's `[N] PID` line and prompt, with a background
    job's line (word and a newline) mixed in anywhere, even between two
    characters? Two processes that write to the console at once can
    interleave like that; the letters of word never occur in what the shell
    prints, so they show where the job's line went."""
    at = []
    for c in word:
        at.append(text.find(c, at[-1] + 1 if at else 0))
        if at[-1] < 0:
            return False
    rest = "".join(c for i, c in enumerate(text) if i not in at)
    after = at[-1] - (len(at) - 1)      # where the job's newline may start in rest
    return any(rest[i] == "\n" and SHELL_JOB_LINE.fullmatch(rest[:i] + rest[i + 1:])
               for i in range(after, len(rest)))


def background(t, s):
    """The shell prompts again at once, and the job's line comes before
    the prompt, after it or mixed into the shell's own output; the
    finished job is reported Done and leaves the job table, so that no
    late report lands in a later case's output."""
    sh = s.sh
    sh.sendline("echo bg &")
    sh.expect(r"echo bg &\n", 10)          # the console echoes the line as it is typed
    sh.wait_for(lambda text: mixed_with_job(text, "bg"), 10,
                "the job's line bg and the shell's [N] PID line and prompt")
    seen = sh.output[:sh.pos]
    out = sh.run("echo fg")
    assert re.search(r"^fg$", out, re.M), f"echo fg said {out!r}"
    seen += out
    for _ in range(TRIES):
        out = sh.run("jobs")
        seen += out
        if out == "":
            break
        time.sleep(PAUSE)
    assert out == "", f"the background job is still listed: {out!r}"
    assert re.search(r"^\[\d+\]  Done  echo bg$", seen, re.M), f"no Done line in {seen!r}"


def cd_mkdir(t, s):
    sh = s.sh
    sh.run("mkdir d1")
    sh.run("cd d1")
    sh.run("echo x > inner")
    out = sh.run("ls /d1")
    assert re.search(r"^inner\s", out, re.M), f"ls /d1 gave {out!r}"
    sh.run("cd ..")
    out = sh.run("cd nosuchdir")
    assert "nosuchdir" in out, f"cd to a missing dir said {out!r}"
    sh.run("rm d1/inner")
    sh.run("rm d1")


def not_found(t, s):
    out = s.sh.run("nosuchcommand arg")
    assert "nosuchcommand" in out and "not found" in out, f"got {out!r}"
    out = s.sh.run("echo still here")
    assert out == "still here\n", f"got {out!r}"


def cat_directory(t, s):
    out = s.sh.run("cat /")
    assert "directory" in out, f"cat / said {out!r}"


def empty_line(t, s):
    out = s.sh.run("")
    assert out.strip() == "", f"empty line printed {out!r}"


def backspace(t, s):
    s.sh.send("echo abX\x7fc\n")
    s.sh.expect(r"^abc$", 10)
    s.sh.expect(PROMPT, 10)


def kill_line(t, s):
    s.sh.send("echo wrong\x15echo right\n")
    s.sh.expect(r"^right$", 10)
    s.sh.expect(PROMPT, 10)


def ctrl_p(t, s):
    sh = s.sh
    sh.send("\x10")
    sh.expect(r"^1 sleeping\s+init$", 10)
    sh.expect(r"^\d+ \S+ sh\b", 10)
    out = sh.run("")  # the prompt comes back
    assert "panic" not in out, f"after Ctrl-P: {out!r}"


def ctrl_d_restarts_shell(t, s):
    s.sh.send("\x04")
    s.sh.expect(SHELL_START + PROMPT, 10)
    out = s.sh.run("echo back")
    assert out == "back\n", f"the new shell said {out!r}"


def ctrl_d_after_text(t, s):
    sh = s.sh
    sh.send("cat\n")
    sh.expect(r"cat\n", 10)
    sh.send("abc\x04")
    # The echo, then cat's copy; then, as the next read saw end of file,
    # cat ends and the prompt follows on the same line (no newline came).
    sh.expect(r"abcabc" + PROMPT.removeprefix("^"), 10)


def grep_file(t, s):
    out = s.sh.run(f"grep ^# {README}")
    assert out.startswith("#"), f"got {out!r}"


def kill_bad_pid(t, s):
    out = s.sh.run("kill 9999")
    assert "9999" in out, f"kill of a missing pid said {out!r}"


def unknown_calls_quiet(t, s):
    out = s.sh.run("usertests badsyscall", timeout=60)
    assert "usertests: 1 passed, 0 failed" in out, out
    lines = re.findall(r"unknown system call", out)
    # 2005 unknown calls in well under a few seconds: a line a second at most.
    assert 1 <= len(lines) <= 4, f"{len(lines)} 'unknown system call' lines:\n{out[-800:]}"


def still_alive(t, s):
    out = s.sh.run("echo done")
    assert out == "done\n", f"got {out!r}"


CASES = [
    Session("shell, 3 harts", start, [
        Case("echo", echo),
        Case("ls lists the root directory", ls_root),
        Case(f"cat {README}", cat_readme),
        Case("pipe into wc", pipeline),
        Case("three-stage pipeline", long_pipeline),
        Case("redirection < > >>", redirect),
        Case("; lists and parentheses", list_and_parens),
        Case("& background command", background),
        Case("mkdir, cd, relative paths", cd_mkdir),
        Case("command not found", not_found),
        Case("cat of a directory", cat_directory),
        Case("empty line", empty_line),
        Case("backspace edits the line", backspace),
        Case("Ctrl-U kills the line", kill_line),
        Case("Ctrl-P lists processes", ctrl_p),
        Case("Ctrl-D ends sh, init restarts it", ctrl_d_restarts_shell),
        Case("Ctrl-D after text ends cat's input", ctrl_d_after_text),
        Case("grep with a regex", grep_file),
        Case("kill of a missing pid", kill_bad_pid),
        Case("2005 unknown system calls print a line a second at most", unknown_calls_quiet),
        Case("shell still alive at the end", still_alive),
    ], resync=lambda s: fresh_prompt(s.sh)),
]
