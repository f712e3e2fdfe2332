#!/usr/bin/env python3
"""Generate the system call numbers, dispatch table and user stubs.

Usage: gensyscalls.py TABLE OUT_SYSCALL_H OUT_TABLE_H OUT_USYS_S

TABLE (kernel/syscalls.tbl) has one "number name" line per call. Every file
this writes is a build output; edit the table, never the outputs.
"""
import sys


def read_table(path):
    calls = []
    seen_nums, seen_names = set(), set()
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            fields = line.split()
            if len(fields) != 2 or not fields[0].isdigit():
                sys.exit(f"{path}:{lineno}: expected 'number name', got {line!r}")
            num, name = int(fields[0]), fields[1]
            if num in seen_nums or name in seen_names:
                sys.exit(f"{path}:{lineno}: duplicate number or name {line!r}")
            seen_nums.add(num)
            seen_names.add(name)
            calls.append((num, name))
    return calls


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    table, out_h, out_table, out_usys = sys.argv[1:]
    calls = read_table(table)
    banner = f"Generated from {table} by scripts/gensyscalls.py. Do not edit."

    lines = [f"/* {banner} */", "#ifndef KERNEL_SYSCALL_H", "#define KERNEL_SYSCALL_H", ""]
    lines += [f"#define SYS_{name} {num}" for num, name in calls]
    lines += ["", f"#define SYS_MAX {max(n for n, _ in calls)}", "", "#endif", ""]
    write(out_h, "\n".join(lines))

    lines = [f"/* {banner} */", "/* Included by kernel/proc/syscall.c. */", ""]
    lines += [f"int64 sys_{name}(void);" for _, name in calls]
    lines += ["", "static const struct syscall_entry syscall_table[] = {"]
    lines += [f'  [SYS_{name}] = {{ sys_{name}, "{name}" }},' for _, name in calls]
    lines += ["};", ""]
    write(out_table, "\n".join(lines))

    lines = [f"# {banner}", "# Each stub puts its number in a7 and traps; a negative result",
             "# becomes -1 with errno set (see user/lib/errno.c).",
             '#include "kernel/syscall.h"', ""]
    for _, name in calls:
        lines += [f".global {name}", f"{name}:", f"  li a7, SYS_{name}", "  ecall",
                  "  bltz a0, __syscall_error", "  ret", ""]
    write(out_usys, "\n".join(lines))


if __name__ == "__main__":
    main()
