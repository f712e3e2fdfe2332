"""The shell and the console, typed at as a user would through a
pseudo-terminal: commands, pipes, redirection, line editing, Ctrl-P,
Ctrl-D, and mistakes (a command that does not exist, cat of a directory).
One boot serves every case, in order."""
import re

from machine import Machine

PROMPT = r"init: starting sh\n\$ "


def run(report):
    with Machine("shell", cpus=3) as m:
        m.expect(PROMPT, 30)

        def case(name, fn):
            try:
                fn()
                report(name, True)
            except AssertionError as e:
                report(name, False, str(e))

        def echo():
            out = m.run("echo hello world")
            assert out == "hello world\n", f"got {out!r}"

        def ls_root():
            out = m.run("ls")
            for name in ["README.md", "sh", "cat", "usertests", "console"]:
                assert re.search(rf"^{re.escape(name)}\s", out, re.M), f"{name} not in ls:\n{out}"

        def cat_readme():
            out = m.run("cat README.md")
            assert "make qemu" in out, "README.md content not shown"

        def pipeline():
            out = m.run("echo one two three | wc")
            assert out.split()[:3] == ["1", "3", "14"], f"wc said {out!r}"

        def long_pipeline():
            out = m.run("cat README.md | grep make | grep qemu | wc")
            assert int(out.split()[0]) >= 1, f"got {out!r}"

        def redirect():
            m.run("echo saved text > tfile")
            out = m.run("cat < tfile")
            assert out == "saved text\n", f"got {out!r}"
            m.run("echo more >> tfile")
            out = m.run("cat tfile")
            assert out == "saved text\nmore\n", f"append gave {out!r}"
            m.run("rm tfile")

        def list_and_parens():
            out = m.run("echo a ; echo b ; (echo c ; echo d) | wc")
            assert out.startswith("a\nb\n"), f"got {out!r}"
            assert out.split()[2:5] == ["2", "2", "4"], f"got {out!r}"

        def background():
            out = m.run("echo bg &")
            m.expect(r"bg\n", 10)
            out = m.run("echo fg")
            assert "fg" in out

        def cd_mkdir():
            m.run("mkdir d1")
            m.run("cd d1")
            m.run("echo x > inner")
            out = m.run("ls /d1")
            assert "inner" in out, f"ls /d1 gave {out!r}"
            m.run("cd ..")
            out = m.run("cd nosuchdir")
            assert "nosuchdir" in out, f"cd to a missing dir said {out!r}"
            m.run("rm d1/inner")
            m.run("rm d1")

        def not_found():
            out = m.run("nosuchcommand arg")
            assert "nosuchcommand" in out and "not found" in out, f"got {out!r}"
            out = m.run("echo still here")
            assert out == "still here\n"

        def cat_directory():
            out = m.run("cat /")
            assert "directory" in out, f"cat / said {out!r}"

        def empty_line():
            out = m.run("")
            assert out.strip() == "", f"empty line printed {out!r}"

        def backspace():
            m.send("echo abX\x7fc\n")
            m.expect(r"^abc$", 10)
            m.expect(r"^\$ ", 10)

        def kill_line():
            m.send("echo wrong\x15echo right\n")
            m.expect(r"^right$", 10)
            m.expect(r"^\$ ", 10)

        def ctrl_p():
            m.send("\x10")
            m.expect(r"1 sleeping\s+init", 10)
            m.expect(r"sh", 10)
            out = m.run("")  # the prompt comes back
            assert "panic" not in out

        def ctrl_d_restarts_shell():
            m.send("\x04")
            m.expect(r"init: starting sh\n\$ ", 10)
            out = m.run("echo back")
            assert out == "back\n"

        def ctrl_d_after_text():
            m.send("cat\n")
            m.expect(r"cat\n", 10)
            m.send("abc\x04")
            m.expect(r"abcabc", 10)  # the echo, then cat's copy
            m.expect(r"\$ ", 10)     # the next read saw end of file: cat ended

        def grep_file():
            out = m.run("grep ^# README.md")
            assert out.startswith("#"), f"got {out!r}"

        def kill_bad_pid():
            out = m.run("kill 9999")
            assert "9999" in out, f"kill of a missing pid said {out!r}"

        case("echo", echo)
        case("ls lists the root directory", ls_root)
        case("cat README.md", cat_readme)
        case("pipe into wc", pipeline)
        case("three-stage pipeline", long_pipeline)
        case("redirection < > >>", redirect)
        case("; lists and parentheses", list_and_parens)
        case("& background command", background)
        case("mkdir, cd, relative paths", cd_mkdir)
        case("command not found", not_found)
        case("cat of a directory", cat_directory)
        case("empty line", empty_line)
        case("backspace edits the line", backspace)
        case("Ctrl-U kills the line", kill_line)
        case("Ctrl-P lists processes", ctrl_p)
        case("Ctrl-D ends sh, init restarts it", ctrl_d_restarts_shell)
        case("Ctrl-D after text ends cat's input", ctrl_d_after_text)
        case("grep with a regex", grep_file)
        case("kill of a missing pid", kill_bad_pid)
        out = m.run("echo done")
        report("shell still alive at the end", out == "done\n", f"got {out!r}")
