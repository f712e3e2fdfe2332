/*
 * main.c: bringing the machine up.
 *
 * entry.S calls main(hartid, fdt, secondary) on every hart, on its boot
 * stack, with the boot page table on. The boot hart (secondary == 0)
 * reads the device tree, sets up memory, the kernel page table, processes,
 * traps and devices, creates the first process and starts the other harts
 * through SBI HSM; each of those sets up its own hart state. Then every
 * hart runs its scheduler forever.
 */
#include "kernel/types.h"
#include "kernel/errno.h"
#include "kernel/proc/clock.h"
#include "kernel/dev/fdt.h"
#include "kernel/mm/kalloc.h"
#include "kernel/mm/textcache.h"
#include "kernel/memlayout.h"
#include "kernel/riscv/power.h"
#include "kernel/lib/printf.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"
#include "kernel/mm/vm.h"
#include "kernel/dev/console.h"
#include "kernel/dev/irq.h"
#include "kernel/dev/virtio_blk.h"
#include "kernel/fs/bio.h"
#include "kernel/fs/file.h"
#include "kernel/riscv/csr.h"
#include "kernel/riscv/hart.h"
#include "kernel/riscv/timer.h"
#include "kernel/riscv/trap.h"

#define MIB (1024 * 1024)

extern char end[];          /* kernel.ld: first address after the kernel */

static volatile int boot_done; /* the boot hart finished shared set-up */

static void start_other_harts(uint64 boot_hartid)
{
  for (int i = 0; i < machine.nharts; i++) {
    uint64 id = machine.hartids[i];
    if (id == boot_hartid)
      continue;
    long err = hart_start(id);
    if (err)
      printf("hart %ld: SBI hart_start failed (error %ld)\n", id, err);
  }
}

static void boot_hart_main(uint64 hartid, uint64 fdt_pa)
{
  printf_init();
  if (fdt_parse(P2V(fdt_pa)) < 0) {
    printf("boot: no usable device tree at %p\n", (void *)fdt_pa);
    machine_poweroff(POWEROFF_PANIC);
  }
  uint64 ram_end = machine.ram_base + machine.ram_size;
  printf("\nrv64 teaching kernel: %d hart%s, %ld MiB RAM, timebase %ld Hz, boot hart %ld\n",
         machine.nharts, machine.nharts == 1 ? "" : "s", machine.ram_size / MIB,
         machine.timebase, hartid);
  if (machine.bootargs_cut)
    printf("kernel command line cut to its first %d bytes\n", BOOTARGS_MAX - 1);

  /* The device tree has been read: its memory may be reused now. */
  kalloc_init(V2P(end), ram_end);
  textcache_init();
  vm_kernel_init(ram_end);
  vm_kernel_inithart();
  proc_init();
  clock_init(machine.timebase);
  timer_init(machine.timebase, machine.has_sstc);
  sched_init(machine.bootargs); /* after clock_init: slices are in its units */
  trap_inithart();
  console_init();
  int err = virtio_blk_init();
  if (err < 0) {
    /* No file system, so no init to run: nothing to do but stop, saying
       whether the disk is missing (-ENODEV) or misbehaves. */
    printf("boot: no usable disk; powering off\n");
    machine_poweroff(err == -ENODEV ? POWEROFF_NODISK : POWEROFF_BADDISK);
  }
  irq_inithart();
  bio_init();
  file_init();
  proc_userinit();
  timer_inithart();

  __sync_synchronize();
  boot_done = 1;
  mycpu()->started = 1;
  start_other_harts(hartid);
}

static void secondary_main(void)
{
  while (!boot_done)
    ;
  __sync_synchronize();
  vm_kernel_inithart();
  trap_inithart();
  irq_inithart();
  timer_inithart();
  mycpu()->started = 1;
}

static int boot_claimed; /* [atomic] a hart has taken the boot path */

void main(uint64 hartid, uint64 fdt_pa, int secondary)
{
  struct cpu *c = &cpus[hartid];
  c->hartid = hartid;
  c->start_time = r_time();
  w_tp((uint64)c);
  trap_early();
  /* Only one hart boots. Another may still come in at _entry, as if it
     were the boot hart: OpenSBI 1.1 marks a hart START_PENDING before it
     stores the start address, so a hart awake in its wait loop at that
     moment leaves with the old one, the kernel's entry (seen once in 30
     boots with three harts). It is a hart being started: treat it so. */
  if (!secondary && __atomic_exchange_n(&boot_claimed, 1, __ATOMIC_ACQ_REL))
    secondary = 1;
  if (secondary)
    secondary_main();
  else
    boot_hart_main(hartid, fdt_pa);
  scheduler();
}
