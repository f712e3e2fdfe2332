"""Booting: the prompt on every supported shape of machine, and a clear
message and the exact power-off code (never a hang) when the disk is
missing or not a file system; after a crash, boot frees what the crash
left allocated.

Each case boots its own QEMU through the grade library. Cases that check
how QEMU exits boot it directly (t.boot(direct=True)) so that its exit
status is QEMU's own, and compare it with the POWEROFF_* code that
kernel/riscv/power.h names (tree.py reads it)."""
import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager

from grade import PROMPT, SHELL_START
from grade.tests.harness import Case
from grade.tests.test_mkfs import DINODE, IPB, T_FILE, Image
from grade.tests.tree import README, expect_halt, expect_poweroff

BANNER = r"(\d+) harts?, (\d+) MiB RAM"


def boot_to_prompt(t, cpus, mem, want_mib):
    sh = t.boot(cpus=cpus, mem=mem)
    banner = sh.expect(BANNER, 30)
    assert int(banner[1]) == cpus, f"kernel saw {banner[1]} harts, QEMU has {cpus}"
    assert int(banner[2]) == want_mib, f"kernel saw {banner[2]} MiB, QEMU has {want_mib}"
    sh.expect(SHELL_START + PROMPT, 30)
    t.note(f"boot to prompt with CPUS={cpus} MEM={mem}: {time.monotonic() - sh.started:.2f}s")
    assert "$ " not in sh.output[:sh.pos - 2], "boot messages contain '$ '"
    out = sh.run("echo alive")
    assert out == "alive\n", f"echo printed {out!r}"


def prompt_cpus1(t):
    """One hart, 128 MiB: reaches the prompt."""
    boot_to_prompt(t, 1, "128M", 128)


def prompt_cpus3(t):
    """Three harts (the default): reaches the prompt."""
    boot_to_prompt(t, 3, "128M", 128)


def prompt_cpus8_1g(t):
    """Eight harts and 1 GiB: all of it seen, prompt reached."""
    boot_to_prompt(t, 8, "1G", 1024)


def free_memory_uses_all_ram(t):
    """With MEM=1G the allocator manages (nearly) all of the gigabyte."""
    sh = t.shell(cpus=1, mem="1G")
    out = sh.run("free")
    m = re.search(r"\): (\d+) free,", out)
    assert m, f"free printed {out!r}"
    pages = int(m[1])
    assert pages * 4096 > 1000 * 1024 * 1024, f"only {pages} free pages with 1 GiB"


def no_disk(t):
    """Without a disk the kernel says so and powers off with POWEROFF_NODISK."""
    sh = t.boot(cpus=1, disk=False)
    sh.expect(r"no virtio block device", 30)
    expect_poweroff(sh, "POWEROFF_NODISK")


@contextmanager
def image_copy():
    """A copy of fs.img in a temporary directory, removed afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        img = os.path.join(tmp, "fs.img")
        shutil.copy("fs.img", img)
        yield img


def boot_copy(t, img):
    """Boot from img itself (the kernel's writes land in it), QEMU run
    directly so that its exit status is its own."""
    return t.boot(cpus=1, image=img, snapshot=False, direct=True)


def refuses_image(t, damage, message):
    """Boot from a copy of fs.img changed by damage(path): the kernel must
    print message and power off with POWEROFF_BADDISK (never a panic or a
    hang)."""
    with image_copy() as img:
        damage(img)
        sh = boot_copy(t, img)
        sh.expect(message, 30)
        expect_poweroff(sh, "POWEROFF_BADDISK")
        assert "panic" not in sh.output, "the kernel panicked"


def zeroed_disk(t):
    """A disk that is not a file system: a message and POWEROFF_BADDISK."""
    def zero(path):
        with open(path, "r+b") as f:
            f.write(bytes(os.path.getsize(path)))
    refuses_image(t, zero, r"not a file system")


def corrupt_superblock(t):
    """A superblock that claims more blocks than the disk has: a message
    and POWEROFF_BADDISK."""
    def oversize(path):
        with open(path, "r+b") as f:
            f.seek(1024 + 4)  # block 1, struct superblock's size field
            f.write((1 << 30).to_bytes(4, "little"))
    refuses_image(t, oversize, r"file system is larger than the disk")


def orphans(img):
    """Inode numbers allocated on disk that no directory names."""
    im = Image(img)
    return [i for i in range(1, im.ninodes)
            if im.inode(i)["type"] != 0 and im.inode(i)["nlink"] == 0]


def crash_orphan_freed(t):
    """A file unlinked while open when QEMU is killed is freed, with its
    blocks, at the next boot."""
    with image_copy() as img:
        sh = boot_copy(t, img)
        sh.expect(SHELL_START + PROMPT, 30)
        sh.run("echo left open > orphan")
        sh.run("(rm orphan; sleep 1000) < orphan &")
        # The crash must come once the unlink is on the disk, not merely
        # in the kernel's buffer cache (where ls would already miss the
        # file): wait until the image itself shows the open, unlinked inode.
        deadline = time.monotonic() + 20
        while len(orphans(img)) != 1:
            assert time.monotonic() < deadline, \
                f"the unlink never reached the disk; ls orphan says: {sh.run('ls orphan')!r}"
            time.sleep(0.2)
        sh.close()   # QEMU killed: the crash
        left = orphans(img)
        assert len(left) == 1, f"after the crash, unlinked inodes {left}, want one"
        block = Image(img).inode(left[0])["addrs"][0]
        assert block != 0 and Image(img).block_in_use(block), "the orphan's block is not in use"

        sh = boot_copy(t, img)
        sh.expect(r"fs: freed 1 unlinked inode left open by a crash\n", 30)
        sh.expect(SHELL_START + PROMPT, 30)
        sh.sendline("halt")
        expect_halt(sh)
        assert orphans(img) == [], f"inodes {orphans(img)} still unlinked after reboot"
        assert not Image(img).block_in_use(block), f"block {block} still in use after reboot"


def damaged_orphan_left_alone(t):
    """An unlinked inode whose block numbers point outside the data area is
    reported and left alone: the kernel boots, nothing else is freed."""
    with image_copy() as img:
        im = Image(img)
        inum = next(i for i in range(1, im.ninodes) if im.inode(i)["type"] == 0)
        addrs = [im.size + 5] + [0] * (len(im.inode(inum)["addrs"]) - 1)
        with open(img, "r+b") as f:
            f.seek((im.inodestart + inum // IPB) * len(im.block(0)) + (inum % IPB) * DINODE.size)
            f.write(DINODE.pack(T_FILE, 0, 0, 0, 512, *addrs))
        sh = boot_copy(t, img)
        sh.expect(rf"fs: inode {inum} is unlinked but looks damaged; left alone\n", 30)
        sh.expect(SHELL_START + PROMPT, 30)
        assert "panic" not in sh.output, "the kernel panicked"
        out = sh.run(f"cat {README} | wc")
        assert re.match(r"\s*\d+ ", out), f"wc printed {out!r}"


def halt_exits_zero(t):
    """`halt` powers off cleanly: QEMU exits with status 0."""
    sh = t.shell(cpus=3, direct=True)
    sh.sendline("halt")
    expect_halt(sh)


CASES = [
    Case("prompt with CPUS=1", prompt_cpus1),
    Case("prompt with CPUS=3", prompt_cpus3),
    Case("prompt with CPUS=8 MEM=1G", prompt_cpus8_1g),
    Case("all of 1 GiB is free memory", free_memory_uses_all_ram),
    Case("no disk: message and POWEROFF_NODISK", no_disk),
    Case("zeroed disk: message and POWEROFF_BADDISK", zeroed_disk),
    Case("corrupt superblock: message and POWEROFF_BADDISK", corrupt_superblock),
    Case("a file unlinked while open at a crash is freed at the next boot", crash_orphan_freed,
         timeout=60),
    Case("a damaged unlinked inode is reported and left alone", damaged_orphan_left_alone),
    Case("halt exits QEMU with 0", halt_exits_zero),
]
