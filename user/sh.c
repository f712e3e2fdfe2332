/*
 * sh: the shell.
 *
 * It reads a line, parses it into a tree, runs the tree, and repeats until
 * end of input. The grammar is xv6's:
 *
 *   list     = pipeline { (';' | '&') pipeline } [ ';' | '&' ]
 *   pipeline = command { '|' command }
 *   command  = '(' list ')' { redir }  |  { word | redir }   (one word at least)
 *   redir    = ('<' | '>' | '>>') word
 *
 * ';' runs the pipeline before it to completion, '&' leaves it running in
 * the background. A parenthesized list runs in a subshell (a forked copy
 * of this shell), so its redirections and `cd`s stay inside it.
 *
 * The shell is the parent of every process of every pipeline it starts,
 * and remembers a started pipeline as a `struct job`.
 *
 * Job control. When a person is typing (standard input is the console),
 * every job gets a process group of its own, and the shell gives the
 * console to the group of the job in the foreground (tcsetpgrp), so that
 * Ctrl-C (SIGINT) and Ctrl-Z (SIGTSTP) reach that job's processes and no
 * others. The shell itself ignores both signals, and takes the console
 * back when the job ends or stops. Stopped and background jobs are kept
 * in a table, listed by `jobs` and resumed by `fg` and `bg`:
 *
 *   $ spin &                  $ sleep 10
 *   [1] 4                     ^Z
 *   $ jobs                    [2]  Stopped  sleep 10
 *   [1]  Running  spin &      $ bg
 *                             [2]  sleep 10 &
 *
 * A foreground job is waited for with waitpid on its group, which also
 * reports a stop. Changes in the other jobs (done, stopped) are collected
 * without waiting and reported just before the next prompt. Without job
 * control (a script, or a subshell) jobs run in the shell's own group,
 * each foreground job is waited for in turn and background ones are not
 * kept: they are reaped whenever the shell waits, as in xv6.
 *
 * Parsing copies every word and node into one arena that is emptied for
 * each line, so the shell never calls malloc. The user stack is a single
 * page, which is why large buffers are static and nesting is limited.
 */
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/param.h"
#include "kernel/errno.h"
#include "user/ulib.h"

#define LINE_MAX    512   /* longest input line, terminator included */
#define ARENA_SIZE  8192  /* bytes of parse tree per line */
#define MAX_STAGES  16    /* commands in one pipeline */
#define MAX_NESTING 6     /* depth of parentheses; each level costs stack */
#define SKIP_BUF_SIZE 512 /* read size when skipping to the end of a file */
#define MAX_JOBS    16    /* stopped and background jobs kept at once */
#define JOB_TEXT_MAX 64   /* characters of a job's command kept to show it */
#define SIGNAL_STATUS 128 /* exit status 128 + N: ended by signal N */
#define CONSOLE_MODE 0    /* the console as the shell reads it: cooked and
                             blocking, no CON_* bits */

#define PROMPT "$ "

/* ---------- The parse tree ---------- */

enum redir_kind { REDIR_IN, REDIR_OUT, REDIR_APPEND };

struct redir {
  enum redir_kind kind;
  char *file;
  struct redir *next;    /* applied in the order written */
};

enum command_kind { CMD_EXEC, CMD_GROUP };

/* One stage of a pipeline. */
struct command {
  enum command_kind kind;
  int argc;                 /* CMD_EXEC: the program and its arguments, */
  char **argv;              /*   argv[argc] == 0 */
  struct pipeline *body;    /* CMD_GROUP: the list a subshell runs */
  struct redir *redirs;
  struct command *next;     /* the stage reading this one's output */
};

/* One element of a list. */
struct pipeline {
  struct command *stages;
  int nstages;
  int background;           /* ended by '&' */
  const char *text;         /* where it was written in the line, */
  int textlen;              /*   to show it as a job */
  struct pipeline *next;
};

/* ---------- Reading and tokenizing ---------- */

enum token {
  TOK_END,      /* end of the line */
  TOK_WORD,
  TOK_PIPE,     /* | */
  TOK_IN,       /* < */
  TOK_OUT,      /* > */
  TOK_APPEND,   /* >> */
  TOK_SEQ,      /* ; */
  TOK_BACK,     /* & */
  TOK_OPEN,     /* ( */
  TOK_CLOSE,    /* ) */
};

static const char spaces[] = " \t\r\n\v";
static const char specials[] = "|<>;&()";

struct parser {
  const char *pos;         /* next character of the line to read */
  const char *tok_start;   /* where the current token starts in the line */
  enum token tok;          /* the current token, */
  char *word;              /*   and its text if it is TOK_WORD */
  int depth;               /* open parentheses */
  const char *error;       /* set by the first error; parsing stops */
  char *arena_next;        /* free part of the arena */
  char *args[MAXARG];      /* words of the simple command being parsed */
};

static char line[LINE_MAX];
static char arena[ARENA_SIZE] __attribute__((aligned(sizeof(void *))));
static char skip_buf[SKIP_BUF_SIZE];   /* scratch for skipping to a file's end */

static const char syntax_error[] = "syntax error";

static int
is_one_of(char c, const char *set)
{
  return c != '\0' && strchr(set, c) != 0;
}

/* Returns n bytes of the arena, pointer aligned, or 0 (with ps->error
   set) when the line needs more than the arena holds. */
static void *
arena_take(struct parser *ps, uint n)
{
  char *p = ps->arena_next;
  uint64 aligned = (n + sizeof(void *) - 1) & ~(sizeof(void *) - 1);

  if (aligned > (uint64)(arena + ARENA_SIZE - p)) {
    ps->error = "command too complex";
    return 0;
  }
  ps->arena_next += aligned;
  memset(p, 0, n);
  return p;
}

/* Reads the next token into ps->tok (and ps->word). */
static void
advance(struct parser *ps)
{
  const char *s = ps->pos, *start;
  uint n;

  while (is_one_of(*s, spaces))
    s++;
  ps->tok_start = s;
  ps->word = 0;
  switch (*s) {
  case '\0': ps->tok = TOK_END; break;
  case '|':  ps->tok = TOK_PIPE; s++; break;
  case '<':  ps->tok = TOK_IN; s++; break;
  case ';':  ps->tok = TOK_SEQ; s++; break;
  case '&':  ps->tok = TOK_BACK; s++; break;
  case '(':  ps->tok = TOK_OPEN; s++; break;
  case ')':  ps->tok = TOK_CLOSE; s++; break;
  case '>':
    s++;
    ps->tok = TOK_OUT;
    if (*s == '>') {
      ps->tok = TOK_APPEND;
      s++;
    }
    break;
  default:
    start = s;
    while (*s != '\0' && !is_one_of(*s, spaces) && !is_one_of(*s, specials))
      s++;
    n = s - start;
    ps->tok = TOK_WORD;
    ps->word = arena_take(ps, n + 1);
    if (ps->word != 0)
      memmove(ps->word, start, n);   /* arena_take zeroed the terminator */
    break;
  }
  ps->pos = s;
}

/* ---------- Parsing ---------- */

static struct pipeline *parse_list(struct parser *ps);

static int
is_redirection(enum token t)
{
  return t == TOK_IN || t == TOK_OUT || t == TOK_APPEND;
}

/* Parses one redirection and appends it at *tail. Returns 0 or -1. */
static int
parse_redir(struct parser *ps, struct redir ***tail)
{
  struct redir *r;
  enum token op = ps->tok;

  advance(ps);
  if (ps->error)
    return -1;
  if (ps->tok != TOK_WORD) {
    ps->error = syntax_error;
    return -1;
  }
  r = arena_take(ps, sizeof(*r));
  if (r == 0)
    return -1;
  r->kind = op == TOK_IN ? REDIR_IN : op == TOK_OUT ? REDIR_OUT : REDIR_APPEND;
  r->file = ps->word;
  **tail = r;
  *tail = &r->next;
  advance(ps);
  return ps->error ? -1 : 0;
}

/* Parses '(' list ')' { redir }; the current token is '('. */
static struct command *
parse_group(struct parser *ps, struct command *c)
{
  struct redir **tail = &c->redirs;

  if (++ps->depth > MAX_NESTING) {
    ps->error = "parentheses nested too deeply";
    return 0;
  }
  advance(ps);
  if (ps->error)
    return 0;
  c->kind = CMD_GROUP;
  c->body = parse_list(ps);
  if (ps->error)
    return 0;
  if (c->body == 0 || ps->tok != TOK_CLOSE) {
    ps->error = syntax_error;
    return 0;
  }
  ps->depth--;
  advance(ps);
  while (!ps->error && is_redirection(ps->tok)) {
    if (parse_redir(ps, &tail) < 0)
      return 0;
  }
  if (ps->error)
    return 0;
  if (ps->tok == TOK_WORD || ps->tok == TOK_OPEN) {
    ps->error = syntax_error;
    return 0;
  }
  return c;
}

/* Parses words and redirections into a program to run. */
static struct command *
parse_exec(struct parser *ps, struct command *c)
{
  struct redir **tail = &c->redirs;
  int argc = 0;

  c->kind = CMD_EXEC;
  for (;;) {
    if (ps->tok == TOK_WORD) {
      if (argc == MAXARG) {        /* exec's limit */
        ps->error = "too many arguments";
        return 0;
      }
      ps->args[argc++] = ps->word;
      advance(ps);
    } else if (is_redirection(ps->tok)) {
      parse_redir(ps, &tail);
    } else {
      break;
    }
    if (ps->error)
      return 0;
  }
  /* Anything else here ends the command: '(' may not follow a word. */
  if (argc == 0 || ps->tok == TOK_OPEN) {
    ps->error = syntax_error;
    return 0;
  }
  c->argc = argc;
  c->argv = arena_take(ps, (argc + 1) * sizeof(char *));
  if (c->argv == 0)
    return 0;
  memmove(c->argv, ps->args, argc * sizeof(char *));
  return c;
}

static struct command *
parse_command(struct parser *ps)
{
  struct command *c = arena_take(ps, sizeof(*c));

  if (c == 0)
    return 0;
  if (ps->tok == TOK_OPEN)
    return parse_group(ps, c);
  return parse_exec(ps, c);
}

static struct pipeline *
parse_pipeline(struct parser *ps)
{
  struct pipeline *pl = arena_take(ps, sizeof(*pl));
  struct command *c;

  if (pl == 0)
    return 0;
  pl->text = ps->tok_start;
  c = pl->stages = parse_command(ps);
  if (c == 0)
    return 0;
  pl->nstages = 1;
  while (ps->tok == TOK_PIPE) {
    if (pl->nstages == MAX_STAGES) {
      ps->error = "pipeline too long";
      return 0;
    }
    advance(ps);
    if (ps->error)
      return 0;
    c->next = parse_command(ps);
    if (c->next == 0)
      return 0;
    c = c->next;
    pl->nstages++;
  }
  pl->textlen = ps->tok_start - pl->text;   /* up to the token ending it */
  return pl;
}

/* Parses pipelines up to the end of the line or a ')', which the caller
   checks. Returns 0 for an empty list, or on error with ps->error set. */
static struct pipeline *
parse_list(struct parser *ps)
{
  struct pipeline *head = 0, **tail = &head, *pl;

  while (ps->tok != TOK_END && ps->tok != TOK_CLOSE) {
    pl = parse_pipeline(ps);
    if (pl == 0)
      return 0;
    *tail = pl;
    tail = &pl->next;
    if (ps->tok != TOK_SEQ && ps->tok != TOK_BACK)
      break;
    pl->background = ps->tok == TOK_BACK;
    advance(ps);
    if (ps->error)
      return 0;
  }
  return head;
}

/* Parses a whole line. Returns its list (0 if the line is blank), or 0
   with *error set to a message. */
static struct pipeline *
parse_line(const char *text, const char **error)
{
  static struct parser ps;
  struct pipeline *list;

  memset(&ps, 0, sizeof(ps));
  ps.pos = text;
  ps.arena_next = arena;
  advance(&ps);
  list = ps.error ? 0 : parse_list(&ps);
  if (!ps.error && ps.tok != TOK_END)
    ps.error = syntax_error;   /* an unmatched ')' */
  *error = ps.error;
  return ps.error ? 0 : list;
}

/* ---------- Running ---------- */

/* What the shell last heard from one process of a job. */
enum proc_status { PROC_RUNNING, PROC_STOPPED, PROC_DONE };

/* What a job as a whole is doing. */
enum job_state { JOB_RUNNING, JOB_STOPPED, JOB_DONE };

/* A started pipeline: its processes, all children of this shell, in the
   order of the stages. */
struct job {
  int id;                   /* its number, [id] in messages; 0: slot free */
  int pgid;                 /* its process group, with job control */
  int npids;
  int pids[MAX_STAGES];
  enum proc_status procs[MAX_STAGES];
  int status;               /* waitpid status last heard from the last stage */
  enum job_state shown;     /* the state the user was last told of */
  int seq;                  /* when it last went to the background or
                               stopped: fg and bg take the latest */
  char text[JOB_TEXT_MAX];  /* the command, to show it */
};

static int job_control;     /* this shell manages jobs (see the top) */
static int shell_pgid;      /* its own process group, with job control */
static struct job jobs[MAX_JOBS];   /* with job control; [i].id is i + 1 */
static int job_seq;         /* the last seq handed out */
/* Without job control, the job being run: one at a time, and nothing is
   kept of a background one. */
static struct job unmanaged_job;

static int run_list(struct pipeline *list);

/* ---------- The job table ---------- */

/* A free slot of the job table for pl, or 0 if all are taken. */
static struct job *
job_alloc(struct pipeline *pl)
{
  struct job *j;
  int len = pl->textlen;

  for (j = jobs; j < jobs + MAX_JOBS; j++) {
    if (j->id == 0)
      break;
  }
  if (j == jobs + MAX_JOBS)
    return 0;
  memset(j, 0, sizeof(*j));
  j->id = j - jobs + 1;
  while (len > 0 && is_one_of(pl->text[len - 1], spaces))
    len--;
  if (len > JOB_TEXT_MAX - 1)
    len = JOB_TEXT_MAX - 1;
  memmove(j->text, pl->text, len);
  return j;
}

static void
job_free(struct job *j)
{
  j->id = 0;
}

static enum job_state
job_state(struct job *j)
{
  int i, stopped = 0;

  for (i = 0; i < j->npids; i++) {
    if (j->procs[i] == PROC_RUNNING)
      return JOB_RUNNING;
    if (j->procs[i] == PROC_STOPPED)
      stopped = 1;
  }
  return stopped ? JOB_STOPPED : JOB_DONE;
}

/* Notes what waitpid said (status) about process pid of j. Returns 1 if
   pid is one of j's processes, else 0. */
static int
job_record(struct job *j, int pid, int status)
{
  int i;

  for (i = 0; i < j->npids; i++) {
    if (j->pids[i] != pid)
      continue;
    if (WIFSTOPPED(status))
      j->procs[i] = PROC_STOPPED;
    else if (WIFCONTINUED(status))
      j->procs[i] = PROC_RUNNING;
    else
      j->procs[i] = PROC_DONE;
    if (i == j->npids - 1 && !WIFCONTINUED(status))
      j->status = status;
    return 1;
  }
  return 0;
}

/* Collects, without waiting, every change in the shell's children, and
   notes each in its job. */
static void
reap_jobs(void)
{
  struct job *j;
  int pid, status;

  while ((pid = waitpid(-1, &status, WNOHANG | WUNTRACED | WCONTINUED)) > 0) {
    for (j = jobs; j < jobs + MAX_JOBS; j++) {
      if (j->id != 0 && job_record(j, pid, status))
        break;
    }
  }
}

/* The exit status a waitpid status stands for, as other shells count. */
static int
exit_status(int status)
{
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSTOPPED(status))
    return SIGNAL_STATUS + WSTOPSIG(status);
  return SIGNAL_STATUS + WTERMSIG(status);
}

/* Writes to fd that j is in state s: "[1]  Stopped  sleep 10". The
   shell's own messages go to standard error, `jobs` lists to standard
   output (so that it can be piped). */
static void
print_job(int fd, struct job *j, enum job_state s)
{
  int st = j->status;

  if (s == JOB_RUNNING)
    fprintf(fd, "[%d]  Running  %s &\n", j->id, j->text);
  else if (s == JOB_STOPPED)
    fprintf(fd, "[%d]  Stopped  %s\n", j->id, j->text);
  else if (WIFSIGNALED(st))
    fprintf(fd, "[%d]  Killed (signal %d)  %s\n", j->id, WTERMSIG(st), j->text);
  else if (WEXITSTATUS(st) != 0)
    fprintf(fd, "[%d]  Exit %d  %s\n", j->id, WEXITSTATUS(st), j->text);
  else
    fprintf(fd, "[%d]  Done  %s\n", j->id, j->text);
}

/* Before a prompt: tells of every job that has stopped or ended since
   the user last heard of it, and forgets the ended ones. */
static void
report_jobs(void)
{
  struct job *j;
  enum job_state s;

  reap_jobs();
  for (j = jobs; j < jobs + MAX_JOBS; j++) {
    if (j->id == 0)
      continue;
    s = job_state(j);
    if (s != j->shown && s != JOB_RUNNING)
      print_job(2, j, s);
    j->shown = s;
    if (s == JOB_DONE)
      job_free(j);
  }
}

/* ---------- Processes, groups and the console ---------- */

/* The console is the shell's again: its group gets Ctrl-C and Ctrl-Z
   (and ignores them), and its mode is the shell's, in case a program
   that changed it could not put it back (say, top killed by a signal). */
static void
take_console(void)
{
  tcsetpgrp(0, shell_pgid);
  ioctl(0, CON_SETMODE, CONSOLE_MODE);
}

/* An interactive shell leads its own process group, which owns the
   console while no job is in the foreground, and ignores the keys that
   interrupt and suspend: those are for the jobs. */
static void
start_job_control(void)
{
  setpgid(0, 0);
  shell_pgid = getpgid(0);
  signal(SIGINT, SIG_IGN);
  signal(SIGTSTP, SIG_IGN);
  take_console();
  job_control = 1;
}

/*
 * First thing in a new child of a job-controlling shell, a process of
 * job: join the job's process group (pgid 0: start it, as the first
 * stage), and if the job is in the foreground, take the console. The
 * shell does both too, for whichever of the two runs first; the child
 * must not run the program before it is in its group. Then give back the
 * default actions of the signals the shell ignores, since dispositions
 * survive exec. A child, subshell or not, does no job control of its
 * own; its copy of the table keeps the other jobs only, for `jobs`.
 */
static void
enter_job(struct job *job, int foreground)
{
  if (!job_control)
    return;
  setpgid(0, job->pgid);
  if (foreground)
    tcsetpgrp(0, getpgid(0));
  signal(SIGINT, SIG_DFL);
  signal(SIGTSTP, SIG_DFL);
  job_control = 0;
  job_free(job);
}

/* Sends SIGCONT to j's processes and counts them as running again. */
static void
continue_job(struct job *j)
{
  int i;

  sigsend(-j->pgid, SIGCONT);
  for (i = 0; i < j->npids; i++) {
    if (j->procs[i] == PROC_STOPPED)
      j->procs[i] = PROC_RUNNING;
  }
}

/*
 * Gives j the console and waits until it ends or stops. An ended job is
 * forgotten and its exit status returned; a stopped one stays in the
 * table, with a message, and counts as having failed.
 */
static int
wait_foreground(struct job *j)
{
  int pid = 0, status;

  if (job_control)
    tcsetpgrp(0, j->pgid);
  while (job_state(j) == JOB_RUNNING) {
    /* Without job control, a pid not in j is a finished background job;
       reaping it here is what keeps it from lingering as a zombie. */
    if (job_control)
      pid = waitpid(-j->pgid, &status, WUNTRACED);
    else
      pid = waitpid(-1, &status, 0);
    if (pid < 0)
      break;   /* no such children left: nothing more will arrive */
    job_record(j, pid, status);
  }
  if (job_control)
    take_console();
  if (pid >= 0 && job_state(j) == JOB_STOPPED) {
    j->seq = ++job_seq;
    j->shown = JOB_STOPPED;
    print_job(2, j, JOB_STOPPED);
    return exit_status(j->status);
  }
  status = exit_status(j->status);
  job_free(j);
  return status;
}

/* Makes fd `from` be fd `to` and closes `from`. Returns 0 or -1. */
static int
move_fd(int from, int to)
{
  int r;

  close(to);
  r = dup(from);   /* dup takes the lowest free fd: `to`, as 0-2 are open */
  close(from);
  return r == to ? 0 : -1;
}

/* Reads fd to its end so writes append: there is no seek system call.
   Only regular files; a device such as the console would wait for input. */
static int
skip_to_end(int fd)
{
  struct stat st;
  int n;

  if (fstat(fd, &st) < 0)
    return -1;
  if (st.type != T_FILE)
    return 0;
  while ((n = read(fd, skip_buf, sizeof(skip_buf))) > 0)
    ;
  return n;
}

/* Applies redirections to fds 0 and 1. Returns 0, or -1 after printing
   why one failed. */
static int
apply_redirs(struct redir *r)
{
  int fd, target, flags;

  for (; r != 0; r = r->next) {
    switch (r->kind) {
    case REDIR_IN:
      flags = O_RDONLY;
      break;
    case REDIR_OUT:
      flags = O_WRONLY | O_CREATE | O_TRUNC;
      break;
    default:    /* REDIR_APPEND reads to the end first */
      flags = O_RDWR | O_CREATE;
      break;
    }
    target = r->kind == REDIR_IN ? 0 : 1;
    fd = open(r->file, flags);
    if (fd < 0 || (r->kind == REDIR_APPEND && skip_to_end(fd) < 0)) {
      fprintf(2, "sh: %s: %s\n", r->file, strerror(errno));
      if (fd >= 0)
        close(fd);
      return -1;
    }
    if (move_fd(fd, target) < 0) {
      fprintf(2, "sh: cannot redirect to %s\n", r->file);
      return -1;
    }
  }
  return 0;
}

/* Builtins run inside the shell, because they change the shell itself. */

static int
builtin_cd(int argc, char **argv)
{
  const char *dir = argc > 1 ? argv[1] : "/";

  if (argc > 2) {
    fprintf(2, "usage: cd [dir]\n");
    return 1;
  }
  if (chdir(dir) < 0) {
    fprintf(2, "cd: no such directory: %s\n", dir);
    return 1;
  }
  return 0;
}

/* jobs: lists the jobs, with what each is doing now. */
static int
builtin_jobs(int argc, char **argv)
{
  struct job *j;

  if (argc != 1) {
    fprintf(2, "usage: jobs\n");
    return 1;
  }
  /* In a child (jobs | grep ...) the table is the shell's as it was at
     the fork, and the jobs are not this process's children: as it is. */
  if (job_control)
    reap_jobs();
  for (j = jobs; j < jobs + MAX_JOBS; j++) {
    if (j->id == 0)
      continue;
    j->shown = job_state(j);
    print_job(1, j, j->shown);
    if (j->shown == JOB_DONE)
      job_free(j);
  }
  return 0;
}

/*
 * The job that fg or bg (name) is about: the one argv[1] names (%N or N),
 * or else the latest to stop or go to the background, among the stopped
 * ones only if stopped_only. Returns 0 after saying why there is none.
 */
static struct job *
pick_job(const char *name, int argc, char **argv, int stopped_only)
{
  struct job *j, *best = 0;
  const char *arg;
  int id;

  if (!job_control) {
    fprintf(2, "sh: %s: no job control\n", name);
    return 0;
  }
  if (argc > 2) {
    fprintf(2, "usage: %s [%%job]\n", name);
    return 0;
  }
  reap_jobs();   /* a job may have ended or stopped without our knowing */
  if (argc == 2) {
    arg = argv[1][0] == '%' ? argv[1] + 1 : argv[1];
    id = atoi(arg);
    j = id >= 1 && id <= MAX_JOBS ? &jobs[id - 1] : 0;
    if (j == 0 || j->id == 0) {
      fprintf(2, "sh: %s: %s: no such job\n", name, argv[1]);
      return 0;
    }
    if (job_state(j) == JOB_DONE) {
      fprintf(2, "sh: %s: job %d has ended\n", name, j->id);
      return 0;
    }
    return j;
  }
  for (j = jobs; j < jobs + MAX_JOBS; j++) {
    if (j->id == 0 || job_state(j) == JOB_DONE ||
        (stopped_only && job_state(j) != JOB_STOPPED))
      continue;
    if (best == 0 || j->seq > best->seq)
      best = j;
  }
  if (best == 0)
    fprintf(2, "sh: %s: no current job\n", name);
  return best;
}

/* fg [%N]: continues a job in the foreground and waits for it. */
static int
builtin_fg(int argc, char **argv)
{
  struct job *j = pick_job("fg", argc, argv, 0);

  if (j == 0)
    return 1;
  /* The console first: the job may read as soon as it runs, and a key
     typed once its line is shown must reach it, not us. */
  tcsetpgrp(0, j->pgid);
  fprintf(2, "%s\n", j->text);
  continue_job(j);
  return wait_foreground(j);
}

/* bg [%N]: continues a stopped job in the background. */
static int
builtin_bg(int argc, char **argv)
{
  struct job *j = pick_job("bg", argc, argv, 1);

  if (j == 0)
    return 1;
  if (job_state(j) != JOB_STOPPED) {
    fprintf(2, "sh: bg: job %d is already running\n", j->id);
    return 0;
  }
  continue_job(j);
  j->seq = ++job_seq;
  j->shown = JOB_RUNNING;
  fprintf(2, "[%d]  %s &\n", j->id, j->text);
  return 0;
}

struct builtin {
  const char *name;
  int (*run)(int argc, char **argv);   /* returns an exit status */
};

static const struct builtin builtins[] = {
  { "cd", builtin_cd },
  { "jobs", builtin_jobs },
  { "fg", builtin_fg },
  { "bg", builtin_bg },
};

#define NBUILTINS (sizeof(builtins) / sizeof(builtins[0]))

static const struct builtin *
find_builtin(struct command *c)
{
  uint i;

  if (c->kind != CMD_EXEC)
    return 0;
  for (i = 0; i < NBUILTINS; i++) {
    if (strcmp(c->argv[0], builtins[i].name) == 0)
      return &builtins[i];
  }
  return 0;
}

/*
 * Runs a builtin in the shell process. Its redirections must not outlast
 * it, so fds 0 and 1 are saved first and put back afterwards.
 */
static int
run_builtin_here(const struct builtin *b, struct command *c)
{
  int saved_in, saved_out, status;

  if (c->redirs == 0)
    return b->run(c->argc, c->argv);
  saved_in = dup(0);
  saved_out = dup(1);
  if (saved_in < 0 || saved_out < 0) {
    fprintf(2, "sh: cannot save descriptors: %s\n", strerror(errno));
    if (saved_in >= 0)
      close(saved_in);
    if (saved_out >= 0)
      close(saved_out);
    return 1;
  }
  status = apply_redirs(c->redirs) < 0 ? 1 : b->run(c->argc, c->argv);
  move_fd(saved_in, 0);
  move_fd(saved_out, 1);
  return status;
}

/* Runs argv[0], looking in / too when the name has no '/'. Only returns
   by exiting, with status 1 if nothing could be run. */
__attribute__((noreturn)) static void
exec_program(char **argv)
{
  execvp(argv[0], argv);
  if (errno == ENOENT)
    fprintf(2, "sh: %s: command not found\n", argv[0]);
  else
    fprintf(2, "sh: %s: %s\n", argv[0], strerror(errno));
  exit(1);
}

/* Runs one stage in a child whose fds 0 and 1 are already connected to
   its pipes. Never returns. */
__attribute__((noreturn)) static void
run_stage(struct command *c)
{
  const struct builtin *b;

  if (apply_redirs(c->redirs) < 0)
    exit(1);
  if (c->kind == CMD_GROUP)
    exit(run_list(c->body));
  b = find_builtin(c);
  if (b != 0)
    exit(b->run(c->argc, c->argv));
  exec_program(c->argv);
}

/*
 * Forks one child per stage of pl, connecting each stage's output to the
 * next one's input by a pipe, and records the children in job; with job
 * control they form a new process group, led by the first. If a pipe or
 * fork fails, the stages already started are left to finish (their pipes
 * close, so they see end of input) and the job holds just them.
 */
static void
start_job(struct pipeline *pl, struct job *job)
{
  struct command *c;
  int prev_in = -1;   /* read end of the pipe from the previous stage */
  int p[2], pid;

  job->npids = 0;
  job->pgid = 0;
  job->status = 0;
  for (c = pl->stages; c != 0; c = c->next) {
    if (c->next != 0 && pipe(p) < 0) {
      fprintf(2, "sh: pipe: %s\n", strerror(errno));
      break;
    }
    pid = fork();
    if (pid < 0) {
      fprintf(2, "sh: fork: %s\n", strerror(errno));
      if (c->next != 0) {
        close(p[0]);
        close(p[1]);
      }
      break;
    }
    if (pid == 0) {
      enter_job(job, !pl->background);
      if (c->next != 0)
        close(p[0]);
      if ((prev_in >= 0 && move_fd(prev_in, 0) < 0) ||
          (c->next != 0 && move_fd(p[1], 1) < 0)) {
        fprintf(2, "sh: cannot connect pipe\n");
        exit(1);
      }
      run_stage(c);
    }
    if (job_control) {
      if (job->pgid == 0)
        job->pgid = pid;
      setpgid(pid, job->pgid);   /* fails harmlessly if it has exited */
    }
    job->procs[job->npids] = PROC_RUNNING;
    job->pids[job->npids++] = pid;
    if (prev_in >= 0)
      close(prev_in);
    prev_in = -1;
    if (c->next != 0) {
      /* Only the children may hold the write end, or the next stage
         would never see end of input. */
      close(p[1]);
      prev_in = p[0];
    }
  }
  if (prev_in >= 0)
    close(prev_in);
}

/* Runs each pipeline of list in turn. Returns the exit status of the last
   one run in the foreground, 0 if there was none. */
static int
run_list(struct pipeline *list)
{
  struct pipeline *pl;
  const struct builtin *b;
  struct job *job;
  int status = 0, partial;

  for (pl = list; pl != 0; pl = pl->next) {
    b = pl->nstages == 1 ? find_builtin(pl->stages) : 0;
    if (b != 0 && !pl->background) {
      status = run_builtin_here(b, pl->stages);
      continue;
    }
    job = job_control ? job_alloc(pl) : &unmanaged_job;
    if (job == 0) {
      fprintf(2, "sh: too many jobs (limit %d)\n", MAX_JOBS);
      status = 1;
      continue;
    }
    start_job(pl, job);
    partial = job->npids < pl->nstages;   /* part of the pipeline never ran */
    if (job->npids == 0) {
      job_free(job);
    } else if (!pl->background) {
      status = wait_foreground(job);
      /* Ctrl-C is meant for the whole line, not just the job it hit. */
      if (job_control && status == SIGNAL_STATUS + SIGINT)
        return status;
    } else if (job_control) {
      job->seq = ++job_seq;
      fprintf(2, "[%d] %d\n", job->id, job->pids[job->npids - 1]);
    }
    if (partial)
      status = 1;
  }
  return status;
}

/* The shell is going away: its stopped jobs would stay stopped forever.
   They get SIGTERM, and SIGCONT so that one that ignores it runs on. */
static void
end_stopped_jobs(void)
{
  struct job *j;

  reap_jobs();
  for (j = jobs; j < jobs + MAX_JOBS; j++) {
    if (j->id != 0 && job_state(j) == JOB_STOPPED) {
      sigsend(-j->pgid, SIGTERM);
      sigsend(-j->pgid, SIGCONT);
    }
  }
}

/* ---------- The read-parse-run loop ---------- */

#define LINE_EOF      (-1)
#define LINE_TOO_LONG (-2)

/*
 * Reads one line of standard input into line, without its newline.
 * Returns its length, LINE_TOO_LONG if it did not fit (the rest of it is
 * read and dropped), or LINE_EOF at end of input. Reads one byte at a time
 * so that commands run later can read the input that follows this line.
 */
static int
read_line(void)
{
  int n = 0, overflow = 0;
  char c;

  for (;;) {
    if (read(0, &c, 1) != 1) {
      if (n == 0 && !overflow)
        return LINE_EOF;
      break;   /* the last line had no newline */
    }
    if (c == '\n')
      break;
    if (n < LINE_MAX - 1)
      line[n++] = c;
    else
      overflow = 1;
  }
  line[n] = '\0';
  return overflow ? LINE_TOO_LONG : n;
}

/* A prompt only makes sense when a person is typing: input from the
   console device, not from a file or a pipe. */
static int
input_is_console(void)
{
  struct stat st;

  return fstat(0, &st) == 0 && st.type == T_DEVICE;
}

int
main(int argc, char *argv[])
{
  struct pipeline *list;
  const char *error;
  int interactive, n;

  if (argc != 1) {
    fprintf(2, "usage: sh\n");
    exit(1);
  }
  interactive = input_is_console();
  if (interactive)
    start_job_control();
  for (;;) {
    if (interactive) {
      report_jobs();
      write(2, PROMPT, sizeof(PROMPT) - 1);
    }
    n = read_line();
    if (n == LINE_EOF)
      break;
    if (n == LINE_TOO_LONG) {
      fprintf(2, "sh: line too long (limit %d characters)\n", LINE_MAX - 1);
      continue;
    }
    list = parse_line(line, &error);
    if (error != 0) {
      fprintf(2, "sh: %s\n", error);
      continue;
    }
    run_list(list);
  }
  if (job_control)
    end_stopped_jobs();
  return 0;
}
