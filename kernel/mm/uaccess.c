/*
 * uaccess.c: copies to and from a user or a kernel address
 * (kernel/mm/uaccess.h). A user address is always reached through the
 * calling process's page table (vm_copyout, vm_copyin), never directly.
 */
#include "kernel/lib/string.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vm.h"
#include "kernel/proc/proc.h"
#include "kernel/lib/hot.h"

HOT int uaccess_copyout(int user, uint64 dst, const void *src, uint64 len)
{
  if (user)
    return vm_copyout(myproc()->pagetable, dst, src, len);
  memmove((void *)dst, src, len);
  return 0;
}

HOT int uaccess_copyin(void *dst, int user, uint64 src, uint64 len)
{
  if (user)
    return vm_copyin(myproc()->pagetable, dst, src, len);
  memmove(dst, (void *)src, len);
  return 0;
}
