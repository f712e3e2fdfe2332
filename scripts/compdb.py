#!/usr/bin/env python3
"""Write compile_commands.json, so that clangd (and VS Code, and any
editor that speaks the compilation-database format) finds the kernel's
headers and flags and can jump between definitions.

Usage: compdb.py OUT CC [--flags=FLAGS FILE...]...

Each --flags group gives the flags that the files after it are compiled
with, exactly as the Makefile compiles them (the Makefile passes its own
KCFLAGS and UCFLAGS, so there is one source of truth). The output is
rewritten only when it changes, so editors do not reindex for nothing.
"""
import json
import os
import shlex
import sys


def entries(cc, args, root):
    flags = []
    seen = set()
    for arg in args:
        if arg.startswith("--flags="):
            flags = shlex.split(arg[len("--flags="):])
            continue
        if arg in seen:
            continue
        seen.add(arg)
        obj = os.path.splitext(arg)[0] + ".o"
        yield {
            "directory": root,
            "file": os.path.join(root, arg),
            "arguments": [cc] + flags + ["-c", "-o", obj, arg],
        }


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out, cc = sys.argv[1], sys.argv[2]
    root = os.getcwd()
    text = json.dumps(list(entries(cc, sys.argv[3:], root)), indent=1) + "\n"
    try:
        with open(out) as f:
            if f.read() == text:
                os.utime(out)   # up to date now: make need not run us again
                return
    except OSError:
        pass
    with open(out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
