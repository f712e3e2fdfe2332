/*
 * string.h: memory and string helpers for the kernel.
 */
#ifndef KERNEL_LIB_STRING_H
#define KERNEL_LIB_STRING_H

#include "kernel/types.h"

void *memset(void *dst, int c, uint64 n);
void *memmove(void *dst, const void *src, uint64 n);
void *memcpy(void *dst, const void *src, uint64 n);
int strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, uint64 n);
char *strncpy(char *dst, const char *src, int n);
/* Copy at most n-1 bytes and always NUL-terminate. */
char *safestrcpy(char *dst, const char *src, int n);

#endif
