/*
 * console.c: the console device (major CONSOLE) and its line discipline.
 *
 * Interface: console_init() installs console_read and console_write in
 * devsw[CONSOLE] and starts the UART. console_intr(c) takes each typed
 * character from the UART interrupt and edits the current line;
 * console_putc(c) is kernel printf's output.
 *
 * Input is cooked: characters collect in a ring, and a reader sees them
 * only once a line is complete (Enter or Ctrl-D) or the ring is full.
 * Backspace and DEL erase one character, Ctrl-U the whole line. Ctrl-D
 * ends the line without adding a newline; the read after the one that
 * returns the text (at once, on an empty line) returns 0, which programs
 * take as end of file. Ctrl-P lists the
 * processes. Typed characters are echoed at once, synchronously.
 * Ctrl-C sends SIGINT and Ctrl-Z SIGTSTP to the foreground process group
 * (set with ioctl CON_SETPGRP); when nobody there takes the signal (the
 * shell at its prompt ignores both), the reader gets an empty line, so a
 * fresh prompt appears. Raw mode (CON_RAW) hands every byte over at once,
 * unechoed and unedited; CON_NONBLOCK makes an empty read return -EAGAIN.
 *
 * Call chain: read()/write() on fd 0/1/2 -> file_read/file_write ->
 * devsw[CONSOLE] -> console_read/console_write -> uart_putc;
 * UART interrupt -> irq_dispatch -> uart_intr -> console_intr -> wakes
 * console_read.
 *
 * Locks: console_input.lock guards the input ring. It is a device
 * spinlock in the lock order of kernel/proc/proc.h. console_output, a
 * sleep lock, makes each write() one piece (console_write).
 */
#include "kernel/dev/console.h"
#include "kernel/dev/uart.h"
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/errno.h"
#include "kernel/lib/spinlock.h"
#include "kernel/lib/sleeplock.h"
#include "kernel/lib/printf.h"
#include "kernel/ioctl.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/signal.h"
#include "kernel/proc/sleep.h"
#include "kernel/proc/status.h"
#include "kernel/signal.h"
#include "kernel/fs/file.h"

#define CTRL(x) ((x) - '@') /* the code Ctrl+x sends, e.g. CTRL('D') is 4 */
#define KEY_BACKSPACE CTRL('H')
#define KEY_DEL       0x7f
#define KEY_EOF       CTRL('D')
#define KEY_KILL_LINE CTRL('U')
#define KEY_PROCDUMP  CTRL('P')
#define KEY_INTR      CTRL('C')
#define KEY_SUSP      CTRL('Z')

#define INPUT_BUF_SIZE 128
#define COPY_CHUNK 64 /* bytes moved between user memory and the device per step */

/*
 * The input ring. Counters only grow; the index is the counter mod the
 * size. Always r <= w <= e: bytes in [r, w) are complete lines waiting for
 * read, bytes in [w, e) are the line still being typed.
 */
static struct {
  struct spinlock lock;
  char buf[INPUT_BUF_SIZE]; /* [lock] */
  uint64 r;                 /* [lock] next byte read will take */
  uint64 w;                 /* [lock] end of the complete lines */
  uint64 e;                 /* [lock] end of the line being edited */
  int fg_pgid;              /* [lock] foreground process group, 0 if none */
  int mode;                 /* [lock] CON_RAW, CON_NONBLOCK bits */
} console_input;

/* Held by a process for the whole of its write() to the console. */
static struct sleeplock console_output;

/* Printf's output, and the echo of typed characters. */
void console_putc(int c)
{
  if (c == '\b') {
    /* Step back, blank the character there, step back again. */
    uart_putc_sync('\b');
    uart_putc_sync(' ');
    uart_putc_sync('\b');
  } else {
    uart_putc_sync(c);
  }
}

/*
 * Read up to n bytes into dst (a user address if user_dst). Sleeps until
 * a line is complete; returns at most one line, the bytes read, 0 at end
 * of file (Ctrl-D on an empty line), -EINTR if the caller is killed while
 * waiting, or -EFAULT if dst is bad and nothing was read.
 */
static int console_read(int user_dst, uint64 dst, int n)
{
  char chunk[COPY_CHUNK];
  int done = 0;

  while (done < n) {
    int len = 0;
    int line_end = 0;

    spin_acquire(&console_input.lock);
    while (console_input.r == console_input.w) {
      if (done > 0 && (console_input.mode & CON_RAW))
        goto out; /* raw: what has come so far is enough */
      if (console_input.mode & CON_NONBLOCK) {
        spin_release(&console_input.lock);
        return done > 0 ? done : -EAGAIN;
      }
      int intr = proc_sleep_intr(&console_input.r, &console_input.lock);
      if (intr) {
        spin_release(&console_input.lock);
        return done > 0 ? done : intr;
      }
    }
    while (console_input.r != console_input.w && len < COPY_CHUNK &&
           done + len < n) {
      char c = console_input.buf[console_input.r % INPUT_BUF_SIZE];
      console_input.r++;
      if (console_input.mode & CON_RAW) {
        chunk[len++] = c;
        continue;
      }
      if (c == KEY_EOF) {
        /* Ends this read. If text came before it, leave the Ctrl-D for
           the next read, which then returns 0: end of file, as in xv6. */
        if (done + len > 0)
          console_input.r--;
        line_end = 1;
        break;
      }
      chunk[len++] = c;
      if (c == '\n') {
        line_end = 1;
        break;
      }
    }
    spin_release(&console_input.lock);

    /* Copy outside the lock: a copy to user memory may be slow. */
    if (uaccess_copyout(user_dst, dst + done, chunk, len) < 0)
      return done > 0 ? done : -EFAULT;
    done += len;
    if (line_end)
      break;
  }
  return done;

out:
  spin_release(&console_input.lock);
  return done;
}

/*
 * Write n bytes from src (a user address if user_src). Returns n, or the
 * bytes written before a bad address, or -EFAULT if there were none.
 * Holding console_output for the whole write makes each write() reach
 * the screen in one piece: lines that processes on several harts print
 * at once do not mix character by character.
 */
static int console_write(int user_src, uint64 src, int n)
{
  char chunk[COPY_CHUNK];
  int done = 0;

  sleeplock_acquire(&console_output);
  while (done < n) {
    int len = n - done < COPY_CHUNK ? n - done : COPY_CHUNK;
    if (uaccess_copyin(chunk, user_src, src + done, len) < 0)
      break;
    for (int i = 0; i < len; i++)
      uart_putc(chunk[i]);
    done += len;
  }
  sleeplock_release(&console_output);
  return done > 0 || n == 0 ? done : -EFAULT;
}

/* Erase the last character of the line being typed, if there is one. */
static void erase_char(void)
{
  if (console_input.e != console_input.w) {
    console_input.e--;
    console_putc('\b');
  }
}

/* Line editing for one typed character. Caller holds console_input.lock. */
static void edit_line(int c)
{
  ASSERT_HELD(&console_input.lock);
  switch (c) {
  case KEY_BACKSPACE:
  case KEY_DEL:
    erase_char();
    break;
  case KEY_KILL_LINE:
    while (console_input.e != console_input.w)
      erase_char();
    break;
  default:
    /* A full ring drops the character; a reader will make room. */
    if (c == 0 || console_input.e - console_input.r == INPUT_BUF_SIZE)
      break;
    if (c == '\r') /* terminals send CR for Enter */
      c = '\n';
    console_input.buf[console_input.e % INPUT_BUF_SIZE] = c;
    console_input.e++;
    if (c != KEY_EOF) /* end of file is a signal, not text to show */
      console_putc(c);
    if (c == '\n' || c == KEY_EOF ||
        console_input.e - console_input.r == INPUT_BUF_SIZE) {
      /* Hand the line to readers; a full ring must too, or input stalls. */
      console_input.w = console_input.e;
      proc_wakeup(&console_input.r);
    }
    break;
  }
}

/* Queue c for readers as it is, unechoed (raw mode, and the empty line
   after an untaken Ctrl-C). Caller holds the lock. */
static void raw_input(int c)
{
  ASSERT_HELD(&console_input.lock);
  if (console_input.e - console_input.r == INPUT_BUF_SIZE)
    return;
  console_input.buf[console_input.e++ % INPUT_BUF_SIZE] = c;
  console_input.w = console_input.e;
  proc_wakeup(&console_input.r);
}

/*
 * Ctrl-C or Ctrl-Z: drop the line being typed and send sig to the
 * foreground group. Signals are sent without our lock (they take process
 * locks, which come earlier in the lock order).
 */
static void job_control_key(int sig, const char *echo)
{
  /* Echo first, whole: once the signal is out, the shell may print. */
  spin_acquire(&console_input.lock);
  while (console_input.e != console_input.w)
    console_input.e--;
  for (const char *s = echo; *s; s++)
    console_putc(*s);
  int pgid = console_input.fg_pgid;
  spin_release(&console_input.lock);

  if (signal_group(pgid, sig) == 0) {
    /* Nobody took it: hand the reader an empty line (already echoed). */
    spin_acquire(&console_input.lock);
    raw_input('\n');
    spin_release(&console_input.lock);
  }
}

/*
 * One character typed at the console, from the UART interrupt.
 * Control characters that act on processes rather than on the line are
 * handled here, outside the input lock.
 */
void console_intr(int c)
{
  spin_acquire(&console_input.lock);
  int raw = console_input.mode & CON_RAW;
  if (raw)
    raw_input(c);
  spin_release(&console_input.lock);
  if (raw)
    return;

  switch (c) {
  case KEY_PROCDUMP:
    /* proc_dump prints a lot: not under our lock. */
    proc_dump();
    break;
  case KEY_INTR:
    job_control_key(SIGINT, "^C\n");
    break;
  case KEY_SUSP:
    job_control_key(SIGTSTP, "^Z\n");
    break;
  default:
    spin_acquire(&console_input.lock);
    edit_line(c);
    spin_release(&console_input.lock);
    break;
  }
}

/* Device control: see kernel/ioctl.h. */
static int console_ioctl(int request, uint64 arg)
{
  int r = 0;
  spin_acquire(&console_input.lock);
  switch (request) {
  case CON_SETPGRP:
    if ((int64)arg <= 0)
      r = -EINVAL;
    else
      console_input.fg_pgid = arg;
    break;
  case CON_GETPGRP:
    r = console_input.fg_pgid;
    break;
  case CON_SETMODE:
    if (arg & ~(uint64)(CON_RAW | CON_NONBLOCK)) {
      r = -EINVAL;
      break;
    }
    r = console_input.mode;
    console_input.mode = arg;
    /* Leaving raw mode: what was typed raw counts as complete input. */
    console_input.w = console_input.e;
    proc_wakeup(&console_input.r);
    break;
  case CON_GETMODE:
    r = console_input.mode;
    break;
  default:
    r = -EINVAL;
  }
  spin_release(&console_input.lock);
  return r;
}

void console_init(void)
{
  spin_init(&console_input.lock, "console_input.lock");
  sleeplock_init(&console_output, "console_output");
  uart_init();
  devsw[CONSOLE].read = console_read;
  devsw[CONSOLE].write = console_write;
  devsw[CONSOLE].ioctl = console_ioctl;
}
