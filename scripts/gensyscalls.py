#!/usr/bin/env python3
"""Generate the system call numbers, dispatch table and user stubs.

Usage: gensyscalls.py TABLE OUT_SYSCALL_H OUT_TABLE_H OUT_USYS_S

TABLE (kernel/syscalls.tbl) has one "number name [alias...]" line per call.
An alias is a second user-visible name for the same call (xv6 2024-25
renamed sleep to pause): it gets a SYS_ number and a stub, but no entry of
its own in the kernel's table. Stubs of calls numbered from FIRST_OWN up
(ours, not xv6's) and of aliases are weak symbols, so that a program
defining a function of the same name links with its own. Every file this writes is a build
output; edit the table, never the outputs.
"""
import sys

FIRST_OWN = 22   # xv6-riscv's calls are 1-21


def read_table(path):
    calls = []
    seen_nums, seen_names = set(), set()
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            fields = line.split()
            if len(fields) < 2 or not fields[0].isdigit():
                sys.exit(f"{path}:{lineno}: expected 'number name [alias...]', got {line!r}")
            num, names = int(fields[0]), fields[1:]
            if num in seen_nums or seen_names.intersection(names) or len(set(names)) < len(names):
                sys.exit(f"{path}:{lineno}: duplicate number or name {line!r}")
            seen_nums.add(num)
            seen_names.update(names)
            calls.append((num, names[0], names[1:]))
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
    for num, name, aliases in calls:
        lines += [f"#define SYS_{n} {num}" for n in [name] + aliases]
    lines += ["", f"#define SYS_MAX {max(n for n, _, _ in calls)}", "", "#endif", ""]
    write(out_h, "\n".join(lines))

    lines = [f"/* {banner} */", "/* Included by kernel/proc/syscall.c. */", '#include "kernel/lib/hot.h"', ""]
    lines += [f"int64 sys_{name}(void);" for _, name, _ in calls]
    lines += ["", "static const struct syscall_entry syscall_table[] HOT_RODATA = {"]
    lines += [f'  [SYS_{name}] = {{ sys_{name}, "{name}" }},' for _, name, _ in calls]
    lines += ["};", ""]
    write(out_table, "\n".join(lines))

    lines = [f"# {banner}", "# Each stub puts its number in a7 and traps; a negative result",
             "# becomes -1 with errno set (see user/lib/errno.c).",
             '#include "kernel/syscall.h"', ""]
    for num, name, aliases in calls:
        for stub in [name] + aliases:
            binding = ".weak" if num >= FIRST_OWN or stub != name else ".global"
            lines += [f"{binding} {stub}", f"{stub}:", f"  li a7, SYS_{name}", "  ecall",
                      "  bltz a0, __syscall_error", "  ret", ""]
    write(out_usys, "\n".join(lines))


if __name__ == "__main__":
    main()
