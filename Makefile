# Build, run, test and debug the kernel. See README.md.
#
#   make qemu        boot to a shell          make test    run every test
#   make qemu-gdb    boot, wait for gdb        make gdb     attach gdb
#   make grade       run the autograder        make clean   remove outputs
#   make fuzz        random system calls, then check the kernel survived
#
# Variables: CPUS (default 3), MEM (128M), SCHED (boot policy), APPEND (kernel
# command line), DETERMINISTIC=1 (QEMU's instruction-count clock), QEMUEXTRA,
# GDBPORT, NPROC (process slots, built in); for make gantt, RUN (the workload);
# for make crashtest, N (rounds, 100) and SEED; for make soak, N (rounds, 20);
# for make fuzz, SECONDS and SEED.

K := kernel
U := user

TOOLPREFIX ?= riscv64-unknown-elf-
CC      := $(TOOLPREFIX)gcc
LD      := $(TOOLPREFIX)ld
OBJCOPY := $(TOOLPREFIX)objcopy
OBJDUMP := $(TOOLPREFIX)objdump
NM      := $(TOOLPREFIX)nm
QEMU    := qemu-system-riscv64
PYTHON  := python3

CPUS ?= 3
MEM  ?= 128M
GDBPORT ?= $(shell expr `id -u` % 5000 + 25000)

COMMON_CFLAGS := -Wall -Werror -O2 -g -ggdb -fno-omit-frame-pointer \
	-mcmodel=medany -ffreestanding -fno-common -nostdlib -fno-builtin \
	-fno-stack-protector -fno-pie -no-pie -I. -MD
# The kernel itself never uses floating point: user FP state is saved and
# restored by hand (kernel/riscv/fpu.S), so no compiler-generated FP code may
# clobber it.
# NPROC=N builds the kernel and the programs with N process slots instead
# of kernel/param.h's 1024 (xv6's forktest, for one, wants fork to fail
# before 1000). The value is kept in .nproc, so that a change rebuilds all.
ifneq ($(NPROC),)
COMMON_CFLAGS += -DNPROC=$(NPROC)
endif
NPROC_STAMP := .nproc
$(shell echo '$(NPROC)' | cmp -s - $(NPROC_STAMP) || echo '$(NPROC)' > $(NPROC_STAMP))
KCFLAGS := $(COMMON_CFLAGS) -march=rv64imac_zicsr_zifencei -mabi=lp64
UCFLAGS := $(COMMON_CFLAGS) -march=rv64gc -mabi=lp64d
LDFLAGS := -z max-page-size=4096 --no-warn-rwx-segments

# Generated from kernel/syscalls.tbl (one source of truth).
GEN := $K/syscall.h $K/proc/syscall_table.h $U/lib/usys.S

KDIRS := riscv lib mm proc sched dev fs
KSRCS := $(wildcard $K/*.c $(foreach d,$(KDIRS),$K/$d/*.c $K/$d/*.S))
KOBJS := $(patsubst %.S,%.o,$(patsubst %.c,%.o,$(KSRCS)))

ULIBSRCS := $(sort $(wildcard $U/lib/*.c $U/lib/*.S) $U/lib/usys.S)
ULIBOBJS := $(sort $(patsubst %.S,%.o,$(patsubst %.c,%.o,$(ULIBSRCS))))
UPROGS := $(patsubst $U/%.c,$U/_%,$(wildcard $U/*.c))
# Programs written the way xv6-riscv's are, built with the same flags: the
# proof that such programs compile and run here unchanged (user/xv6/).
XV6PROGS := $(patsubst $U/xv6/%.c,$U/xv6/_%,$(wildcard $U/xv6/*.c))
ALLPROGS := $(UPROGS) $(XV6PROGS)

.PHONY: all qemu qemu-gdb gdb test grade bench profile gantt crashtest soak fuzz clean deps print-gdbport \
	print-qemu
.DEFAULT_GOAL := all
# Keep intermediate files (user/_NAME feeds user/bin/_NAME but is wanted too).
.SECONDARY:

all: $K/kernel fs.img mkfs/fsck .gdbinit compile_commands.json

deps:
	@sh scripts/deps.sh

$(GEN) &: $K/syscalls.tbl scripts/gensyscalls.py
	$(PYTHON) scripts/gensyscalls.py $K/syscalls.tbl $(GEN)

# Every object may include generated headers, and param.h's NPROC.
$(KOBJS) $(ULIBOBJS) $(UPROGS:$U/_%=$U/%.o) $(XV6PROGS:$U/xv6/_%=$U/xv6/%.o): | $(GEN)
$(KOBJS) $(ULIBOBJS) $(UPROGS:$U/_%=$U/%.o) $(XV6PROGS:$U/xv6/_%=$U/xv6/%.o): $(NPROC_STAMP)

$K/%.o: $K/%.c
	$(CC) $(KCFLAGS) -c -o $@ $<
$K/%.o: $K/%.S
	$(CC) $(KCFLAGS) -c -o $@ $<

$K/kernel: $(KOBJS) $K/kernel.ld
	$(LD) $(LDFLAGS) -T $K/kernel.ld -o $@ $(KOBJS)
	$(OBJDUMP) -S $@ > $K/kernel.asm
	$(NM) -n $@ | awk 'NF == 3 { print $$1, $$3 }' > $K/kernel.sym

$U/%.o: $U/%.c
	$(CC) $(UCFLAGS) -c -o $@ $<
$U/%.o: $U/%.S
	$(CC) $(UCFLAGS) -c -o $@ $<

$U/_%: $U/%.o $(ULIBOBJS) $U/user.ld
	$(LD) $(LDFLAGS) -T $U/user.ld -o $@ $< $(ULIBOBJS)
	$(OBJDUMP) -S $@ > $U/$*.asm
$U/xv6/_%: $U/xv6/%.o $(ULIBOBJS) $U/user.ld
	$(LD) $(LDFLAGS) -T $U/user.ld -o $@ $< $(ULIBOBJS)
	$(OBJDUMP) -S $@ > $U/xv6/$*.asm

mkfs/mkfs: mkfs/mkfs.c $K/fs.h $K/stat.h $K/param.h $K/types.h
	gcc -Wall -Werror -O2 -I. -o $@ mkfs/mkfs.c

# Checks an image and repairs it with -y (see mkfs/fsck.c).
mkfs/fsck: mkfs/fsck.c $K/fs.h $K/stat.h $K/param.h $K/types.h
	gcc -Wall -Werror -O2 -I. -o $@ mkfs/fsck.c

# fs.img gets copies without debug information (user/bin/); gdb reads the
# symbols from user/_NAME itself.
FSPROGS := $(patsubst $U/_%,$U/bin/_%,$(UPROGS)) $(patsubst $U/xv6/_%,$U/bin/xv6/_%,$(XV6PROGS))
$U/bin/_%: $U/_%
	@mkdir -p $U/bin
	$(OBJCOPY) --strip-debug $< $@
$U/bin/xv6/_%: $U/xv6/_%
	@mkdir -p $U/bin/xv6
	$(OBJCOPY) --strip-debug $< $@

# README.md goes in as /README, where xv6's programs look for it.
fs.img: mkfs/mkfs README.md $(FSPROGS)
	mkfs/mkfs $@ README=README.md $(FSPROGS)

# For clangd and editors: how each file is compiled, from the flags above.
compile_commands.json: Makefile scripts/compdb.py $(KSRCS) $(ULIBSRCS) $(wildcard $U/*.c $U/xv6/*.c)
	$(PYTHON) scripts/compdb.py $@ $(CC) --flags="$(KCFLAGS)" $(KSRCS) \
	  --flags="$(UCFLAGS)" $(ULIBSRCS) $(wildcard $U/*.c $U/xv6/*.c)

.gdbinit: scripts/gdbinit.tmpl Makefile
	sed "s/:GDBPORT/:$(GDBPORT)/" $< > $@

# The kernel command line: sched=NAME picks the scheduling policy at boot
# (SCHED=NAME); the other words are init's arguments (APPEND=autotest runs
# usertests and powers off).
BOOTARGS = $(strip $(if $(SCHED),sched=$(SCHED)) $(APPEND))

# DETERMINISTIC=1: QEMU's clock follows the instructions it runs, not the
# host, so a run with one hart replays the same way, event for event.
ICOUNT := -icount shift=5,align=off,sleep=off

QEMUOPTS = -machine virt -bios default -kernel $K/kernel -m $(MEM) -smp $(CPUS) \
	-nographic -global virtio-mmio.force-legacy=false \
	-drive file=fs.img,if=none,format=raw,id=x0 \
	-device virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0 \
	$(if $(BOOTARGS),-append "$(BOOTARGS)") $(if $(DETERMINISTIC),$(ICOUNT)) $(QEMUEXTRA)

qemu: deps
	@$(MAKE) --no-print-directory all
	$(QEMU) $(QEMUOPTS)

qemu-gdb: deps
	@$(MAKE) --no-print-directory all
	@echo "*** Now run 'gdb' in another window." 1>&2
	$(QEMU) $(QEMUOPTS) -S -gdb tcp::$(GDBPORT)

gdb: .gdbinit
	gdb-multiarch -q -x .gdbinit

print-gdbport:
	@echo $(GDBPORT)

# The QEMU command line, for scripts (grade/, grade/tests/) that boot the kernel.
print-qemu:
	@echo '$(subst ','\'',$(QEMU) $(QEMUOPTS))'

test: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) -m grade.tests

# The autograder for this kernel's own features (grade/grade_kernel.py);
# GRADEFLAGS passes options, e.g. GRADEFLAGS="--list" or a test's name.
grade: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) -m grade.grade_kernel --no-build --cpus $(CPUS) $(GRADEFLAGS)

# A workload's Gantt chart: boots headless, runs RUN under gantt -r, writes
# gantt.svg and trace.json (scripts/gantt.py).
RUN ?= schedtest -p rr -l 100,100,100
gantt: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) scripts/gantt.py --cpus $(CPUS) $(if $(DETERMINISTIC),--deterministic) -- $(RUN)

# user/bench.c, several boots with one hart, summarised (scripts/bench.py).
bench: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) scripts/bench.py --cpus 1

# TLB refills and functions run per call on a kernel path, from QEMU's
# logs (scripts/profile.py), on one hart unless CPUS= is given: RUN= what
# to type (bench pipe), PER= the function counted as one call (pipe_write).
profile: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) scripts/profile.py --cpus $(if $(filter command line,$(origin CPUS)),$(CPUS),1) \
	  --per $(or $(PER),pipe_write) -- "$(if $(filter command line,$(origin RUN)),$(RUN),bench pipe)"

# Power cuts under a file-system workload, N rounds (grade/crashtest.py);
# SEED= repeats a run.
crashtest: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) -m grade.crashtest --rounds $(or $(N),100) $(if $(SEED),--seed $(SEED)) $(if $(filter command line,$(origin CPUS)),--cpus $(CPUS))

# usertests N times (20), five rounds a boot (grade/soak.py); CPUS and MEM
# as given (here 8 and 512M unless said).
soak: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) -m grade.soak --rounds $(or $(N),20) --cpus $(if $(filter command line,$(origin CPUS)),$(CPUS),8) --mem $(if $(filter command line,$(origin MEM)),$(MEM),512M)

# user/sysfuzz.c for SECONDS (60) on CPUS harts, then the checks of
# scripts/fuzz.py: no panic, the shell answers, every page is back. SEED
# repeats a run. Only a SECONDS given on make's command line counts: bash
# has a variable of that name of its own.
FUZZ_SECONDS = $(if $(filter command line,$(origin SECONDS)),$(SECONDS),60)
fuzz: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) scripts/fuzz.py --seconds $(FUZZ_SECONDS) --cpus $(CPUS) $(if $(SEED),--seed $(SEED))

clean:
	rm -f $(KOBJS) $(KOBJS:.o=.d) $K/kernel $K/kernel.asm $K/kernel.sym \
	  $U/*.o $U/*.d $U/lib/*.o $U/lib/*.d $U/_* $U/*.asm $(GEN) \
	  $U/xv6/*.o $U/xv6/*.d $U/xv6/_* $U/xv6/*.asm \
	  mkfs/mkfs mkfs/fsck fs.img .gdbinit compile_commands.json gantt.svg trace.json gantt.log .nproc
	rm -rf $U/bin
	rm -rf grade/tests/logs grade/logs

-include $(KOBJS:.o=.d) $(ULIBOBJS:.o=.d) $(UPROGS:$U/_%=$U/%.d) $(XV6PROGS:$U/xv6/_%=$U/xv6/%.d)
