/*
 * userinit.c: the first process. proc_userinit (called by main on the
 * boot hart) makes a process that starts in the kernel at forkret, like
 * every new process; the first time forkret runs, it mounts the file
 * system (which sleeps, so it cannot happen in main) and execs /init with
 * the kernel command line (-append) as its arguments.
 *
 * A disk without a usable file system, or without /init, is the boot's
 * end: this is the boot code that says so and powers off, with the exit
 * status that tells a headless test run why (kernel/riscv/power.h).
 */
#include "kernel/lib/printf.h"
#include "kernel/lib/string.h"
#include "kernel/dev/fdt.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/log.h"
#include "kernel/proc/exec.h"
#include "kernel/proc/internal.h"
#include "kernel/riscv/power.h"
#include "kernel/sched/sched.h"

/* The first process. It starts in the kernel (forkret), mounts the file
   system and execs /init with the kernel command line as arguments. */
void proc_userinit(void)
{
  int err;
  struct proc *p = proc_alloc(&err);
  if (p == 0)
    panic("proc_userinit: cannot allocate the first process (error %d)", -err);
  initproc = p;
  p->pgid = p->pid;
  safestrcpy(p->name, "init", sizeof(p->name));
  sched_entity_init(p);
  spin_release(&p->lock);
  spin_acquire(&wait_lock);
  ptable_link(p, 0);
  spin_acquire(&p->lock);
  proc_make_runnable(p, JOIN_NEW);
  spin_release(&p->lock);
  spin_release(&wait_lock);
}

/* Is word (up to a space) one the kernel takes for itself? */
static int kernel_word(const char *word)
{
  return strncmp(word, "sched=", 6) == 0;
}

/* Split the kernel command line into init's argv, leaving out the words
   the kernel itself takes (sched=NAME, read by sched_init). */
static void start_init(void)
{
  static char args[BOOTARGS_MAX];
  char *argv[MAXARG + 1];
  int argc = 0;
  argv[argc++] = "/init";
  safestrcpy(args, machine.bootargs, sizeof(args));
  for (char *s = args; *s && argc < MAXARG;) {
    while (*s == ' ')
      *s++ = '\0';
    if (*s == '\0')
      break;
    if (!kernel_word(s))
      argv[argc++] = s;
    while (*s && *s != ' ')
      s++;
  }
  argv[argc] = 0;

  struct proc *p = myproc();
  log_begin_op();
  p->cwd = fs_namei("/");
  log_end_op();
  if (p->cwd == 0) {
    /* The disk's fault (damaged, or failing to read), not the kernel's. */
    printf("boot: no root directory on the disk: is fs.img a file system made by mkfs?\n");
    machine_poweroff(POWEROFF_BADDISK);
  }
  /* A disk error the mount met (its scan for orphans, say) was told in
     an fs: line; it is not /init's exec's. */
  p->io_error = 0;
  int r = exec_run("/init", argv);
  if (r < 0) {
    /* The disk's fault, not the kernel's: say so and power off. */
    printf("cannot run /init (error %d): is fs.img built by mkfs from user/?\n", -r);
    machine_poweroff(POWEROFF_BADDISK);
  }
  p->trapframe->a0 = r; /* argc, as the exec system call would return it */
}

/* A new process's first instructions in the kernel: the swtch() that
   brought it here returns here, with p->lock held (and the lock of the
   process switched from, if one switched here directly). */
void forkret(void)
{
  static int first = 1;
  proc_switch_finish();
  spin_release(&myproc()->lock);
  if (first) {
    /* fs_init sleeps, so it must run in a process, not in main(). */
    first = 0;
    if (fs_init(ROOTDEV) < 0) {
      /* The disk's fault, not the kernel's: fs_init said what is wrong. */
      printf("boot: no usable file system; powering off\n");
      machine_poweroff(POWEROFF_BADDISK);
    }
    start_init();
  }
  usertrapret();
}
