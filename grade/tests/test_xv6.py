"""Programs written for xv6-riscv build and run here unchanged.

The programs in user/xv6/ are written the way xv6's are (xv6's includes,
format mismatches that xv6's printf accepted, r_sp(), PHYSTOP - KERNBASE,
sbrklazy and pause from the 2024-25 tree, /README, names longer than
DIRSIZ, helpers of their own named like ours). The host cases compile them
exactly as the build does (the command comes from compile_commands.json,
which the Makefile writes from its own flags) and check that our own
programs keep printf's format checking; one boot runs each of them at the
shell."""
import json
import os
import re
import subprocess
import tempfile

from grade.tests.harness import Case, Session, Shared, fresh_prompt
from grade.tests.tree import README

XV6_DIR = "user/xv6"
MISMATCH = '#include "kernel/types.h"\n#include "%s"\nint main(void) { printf("%%d\\n", "text"); exit(0); }\n'


def build_command(source):
    """The compile command the build uses for source, from compile_commands.json."""
    with open("compile_commands.json") as f:
        entries = json.load(f)
    for e in entries:
        if os.path.relpath(e["file"]) == source:
            return e["arguments"]
    raise AssertionError(f"compile_commands.json has no entry for {source}")


def compile_with(flags_of, source, out):
    """Compile source with the flags the build gives flags_of; (status, output)."""
    args = build_command(flags_of)
    cc, rest = args[0], args[1:]
    # Keep the flags, drop the file and its -o and -c.
    flags, skip = [], False
    for a in rest:
        if skip:
            skip = False
        elif a == "-o":
            skip = True
        elif a not in ("-c", flags_of):
            flags.append(a)
    flags = [f for f in flags if f != "-MD"]
    done = subprocess.run([cc] + flags + ["-c", "-o", out, source],
                          capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


def xv6_sources_build_cleanly(t):
    """Each user/xv6 program compiles with the project's flags (-Wall -Werror), without one warning."""
    sources = sorted(os.path.join(XV6_DIR, f) for f in os.listdir(XV6_DIR) if f.endswith(".c"))
    assert sources, f"no programs in {XV6_DIR}"
    with tempfile.TemporaryDirectory() as tmp:
        for src in sources:
            status, out = compile_with(src, src, os.path.join(tmp, "x.o"))
            assert status == 0 and out.strip() == "", f"{src} did not build cleanly:\n{out}"


def compile_mismatch(header, like):
    """Compile MISMATCH including header, with the flags of program like."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "mismatch.c")
        with open(src, "w") as f:
            f.write(MISMATCH % header)
        return compile_with(like, src, os.path.join(tmp, "m.o"))


def mismatch_allowed_for_xv6(t):
    """A printf format mismatch compiles against user/user.h, as on xv6."""
    status, out = compile_mismatch("user/user.h", "user/xv6/xv6printf.c")
    assert status == 0, f"the mismatch failed the build:\n{out}"


def mismatch_refused_for_ours(t):
    """The same mismatch in a program that includes user/ulib.h (ours) fails the build."""
    status, out = compile_mismatch("user/ulib.h", "user/cat.c")
    assert status != 0 and re.search(r"\[-W(error=)?format", out), \
        f"no format error for our program (status {status}):\n{out}"


def start(t):
    return Shared(sh=t.shell(cpus=3))


def run_xv6(sh, prog):
    """Run prog at the shell; its output, after checking its last line."""
    out = sh.run(prog, timeout=30)
    assert re.search(rf"^{prog}: ok$", out, re.M), f"{prog} printed:\n{out}"
    assert "FAIL" not in out, f"{prog} printed:\n{out}"
    return out


def printf_like_xv6(t, s):
    out = run_xv6(s.sh, "xv6printf")
    for want in [r"^xv6printf: pointer 0x0000000000001234$", r"^xv6printf: extra 7$",
                 r"^xv6printf: hex ffffffff char z$", r"^xv6printf: to fd 2$"]:
        assert re.search(want, out, re.M), f"/{want}/ not in:\n{out}"


def memory_like_xv6(t, s):
    out = run_xv6(s.sh, "xv6mem")
    assert re.search(r"^xv6mem: ram 128 MiB$", out, re.M), f"PHYSTOP - KERNBASE:\n{out}"


def files_like_xv6(t, s):
    run_xv6(s.sh, "xv6files")


def readme_in_image(t, s):
    out = s.sh.run(f"ls {README}")
    assert re.search(rf"^{README}\s+2\s", out, re.M), f"ls {README}: {out!r}"


CASES = [
    Case("user/xv6 programs build cleanly with our flags", xv6_sources_build_cleanly),
    Case("a format mismatch builds against user.h (xv6's)", mismatch_allowed_for_xv6),
    Case("a format mismatch fails against ulib.h (ours)", mismatch_refused_for_ours),
    Session("xv6 programs at the shell, 3 harts", start, [
        Case("printf as xv6's (uint64 for %p, extra arguments)", printf_like_xv6),
        Case("r_sp, PHYSTOP - KERNBASE, sbrklazy, SBRK_ERROR, pause", memory_like_xv6),
        Case(f"{README}, long names cut to DIRSIZ, own is_number", files_like_xv6),
        Case(f"{README} is a file in the image's root", readme_in_image),
    ], resync=lambda s: fresh_prompt(s.sh)),
]
