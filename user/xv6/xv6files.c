// xv6files: the file habits of xv6 programs: /README in the image, a
// path element longer than DIRSIZ cut to DIRSIZ characters, directories
// read as struct dirent, and a program that defines names of its own that
// this kernel's library or system calls also use (is_number, strerror,
// execvp, signal, freemem, struct procinfo, RUNNING, errno).

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "user/user.h"

int failed;

void
check(int ok, char *what)
{
  if(!ok){
    printf("xv6files: FAIL %s\n", what);
    failed = 1;
  }
}

// Our own helpers, with other meanings than the library's.
int
is_number(char c)
{
  return c >= '0' && c <= '9';
}

char*
strerror(void)
{
  return "my own strerror";
}

int
execvp(int x)
{
  return x + 1;
}

// Names of this kernel's system calls and headers, used for other things.
struct procinfo {
  int mine;
};

enum { RUNNING = 42 };

int errno = 7;

int
signal(struct procinfo *pi)
{
  return pi->mine;
}

int
freemem(int pages)
{
  return pages * 2;
}

// Is name in directory dir?
int
listed(char *dir, char *name)
{
  struct dirent de;
  int fd, found = 0;

  if((fd = open(dir, O_RDONLY)) < 0)
    return 0;
  while(read(fd, &de, sizeof(de)) == sizeof(de)){
    if(de.inum != 0 && strcmp(de.name, name) == 0)
      found = 1;
  }
  close(fd);
  return found;
}

int
main(int argc, char *argv[])
{
  char buf[64];
  struct stat st;
  int fd, n;

  // The image's /README is a copy of the project's README.md.
  fd = open("README", O_RDONLY);
  check(fd >= 0, "cannot open README");
  if(fd >= 0){
    n = read(fd, buf, sizeof(buf) - 1);
    check(n > 0, "README is empty");
    buf[n > 0 ? n : 0] = 0;
    check(buf[0] == '#', "README does not start with a heading");
    check(fstat(fd, &st) == 0 && st.type == T_FILE, "fstat of README");
    close(fd);
  }

  // A long name is cut to DIRSIZ characters.
  char *longname = "xv6-a-rather-long-file-name";
  fd = open(longname, O_CREATE | O_RDWR);
  check(fd >= 0, "cannot create a long name");
  if(fd >= 0){
    write(fd, "hi", 2);
    close(fd);
  }
  char cut[DIRSIZ + 1];
  memmove(cut, longname, DIRSIZ);
  cut[DIRSIZ] = 0;
  check(stat(cut, &st) == 0 && st.size == 2, "the name cut to DIRSIZ does not reach the file");
  check(listed(".", cut), "the directory entry is not the cut name");
  check(unlink(longname) == 0, "unlink by the long name");
  check(stat(cut, &st) < 0, "the file outlived its unlink");

  // Our helpers are the ones that run.
  check(is_number('7') && !is_number('x'), "is_number is not ours");
  check(strcmp(strerror(), "my own strerror") == 0, "strerror is not ours");
  check(execvp(1) == 2, "execvp is not ours");
  struct procinfo pi = { RUNNING };
  check(signal(&pi) == 42 && freemem(3) == 6, "signal or freemem is not ours");
  check(open("no-such-file", O_RDONLY) < 0 && errno == 7, "a failing call changed our errno");

  if(failed)
    exit(1);
  printf("xv6files: ok\n");
  exit(0);
}
