/*
 * pipe.h: pipes (kernel/fs/pipe.c), a bounded buffer between two files.
 */
#ifndef KERNEL_FS_PIPE_H
#define KERNEL_FS_PIPE_H

#include "kernel/types.h"

struct file;
struct pipe;

int pipe_alloc(struct file **rf, struct file **wf); /* 0, or -ENFILE / -ENOMEM */
void pipe_close(struct pipe *pi, int writable);
int pipe_write(struct pipe *pi, uint64 user_addr, int n);
int pipe_read(struct pipe *pi, uint64 user_addr, int n);

#endif
