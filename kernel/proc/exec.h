/*
 * exec.h: replacing a process's program with one loaded from an ELF file.
 */
#ifndef KERNEL_PROC_EXEC_H
#define KERNEL_PROC_EXEC_H

/*
 * Load the ELF executable at path into a new address space for the
 * current process, with argv (kernel strings, 0-terminated, at most
 * MAXARG) on its stack. On success the old address space is gone and the
 * return value is argc (it lands in a0, main's first argument). On failure
 * the process is unchanged: -ENOENT, -ENOEXEC (not a valid RISC-V ELF64
 * executable), -ENOMEM or -E2BIG.
 */
int exec_run(const char *path, char *const argv[]);

#endif
