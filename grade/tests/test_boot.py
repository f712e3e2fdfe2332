"""Booting: the prompt on every supported shape of machine, and a clear
message (never a hang) when the disk is missing or not a file system."""
import os
import shutil
import tempfile
import time

from machine import Machine, qemu_command
from test_mkfs import DINODE, IPB, T_FILE, Image

PROMPT = r"init: starting sh\n\$ "


def boot_to_prompt(name, cpus, mem, want_mib):
    with Machine(name, cpus=cpus, mem=mem) as m:
        t0 = time.monotonic()
        banner = m.expect(r"(\d+) harts?, (\d+) MiB RAM", 30)
        assert int(banner[1]) == cpus, f"kernel saw {banner[1]} harts, QEMU has {cpus}"
        assert int(banner[2]) == want_mib, f"kernel saw {banner[2]} MiB, QEMU has {want_mib}"
        m.expect(PROMPT, 30)
        boot_text = m.output[:m.pos - 2]
        assert "$ " not in boot_text, "boot messages contain '$ '"
        print(f"   boot to prompt with CPUS={cpus} MEM={mem}: {time.monotonic() - t0:.2f}s")
        out = m.run("echo alive")
        assert out.strip() == "alive", f"echo printed {out!r}"


def prompt_cpus1():
    """One hart, 128 MiB: reaches the prompt."""
    boot_to_prompt("boot-cpus1", 1, "128M", 128)


def prompt_cpus3():
    """Three harts (the default): reaches the prompt."""
    boot_to_prompt("boot-cpus3", 3, "128M", 128)


def prompt_cpus8_1g():
    """Eight harts and 1 GiB: all of it seen, prompt reached."""
    boot_to_prompt("boot-cpus8-1g", 8, "1G", 1024)


def free_memory_uses_all_ram():
    """With MEM=1G the allocator manages (nearly) all of the gigabyte."""
    with Machine("boot-freemem-1g", cpus=1, mem="1G") as m:
        m.expect(PROMPT, 30)
        out = m.run("free")
        pages = int(out.split()[0])
        assert pages * 4096 > 1000 * 1024 * 1024, f"only {pages} free pages with 1 GiB"


def no_disk():
    """Without a disk the kernel says so and QEMU exits non-zero."""
    cmd = qemu_command(1)
    cleaned = []
    i = 0
    while i < len(cmd):
        if cmd[i] in ("-drive", "-device"):
            i += 2  # the option and its value
            continue
        cleaned.append(cmd[i])
        i += 1
    with Machine("boot-nodisk", cmd=cleaned) as m:
        m.expect(r"no virtio block device", 30)
        status = m.wait_exit(30)
        assert status != 0, "QEMU exited 0 with no disk"


def with_image_copy(fn):
    """Run fn(img, cmd) with img a copy of fs.img and cmd QEMU's command
    line (CPUS=1) booting from it."""
    tmp = tempfile.mkdtemp()
    try:
        img = os.path.join(tmp, "fs.img")
        shutil.copy("fs.img", img)
        fn(img, [a.replace("file=fs.img", f"file={img}") for a in qemu_command(1)])
    finally:
        shutil.rmtree(tmp)


def refuses_image(name, damage, message):
    """Boot from a copy of fs.img changed by damage(path): the kernel must
    print message and QEMU exit non-zero (never a panic or a hang)."""
    def run(img, cmd):
        damage(img)
        with Machine(name, cmd=cmd) as m:
            m.expect(message, 30)
            status = m.wait_exit(30)
            assert status != 0, f"QEMU exited 0 after: {message}"
    with_image_copy(run)


def zeroed_disk():
    """A disk that is not a file system gives a message and a non-zero exit."""
    def zero(path):
        with open(path, "r+b") as f:
            f.write(bytes(os.path.getsize(path)))
    refuses_image("boot-zerodisk", zero, r"not a file system")


def corrupt_superblock():
    """A superblock that claims more blocks than the disk has is refused."""
    def oversize(path):
        with open(path, "r+b") as f:
            f.seek(1024 + 4)  # block 1, struct superblock's size field
            f.write((1 << 30).to_bytes(4, "little"))
    refuses_image("boot-badsuper", oversize, r"file system is larger than the disk")


def orphans(img):
    """Inode numbers allocated on disk that no directory names."""
    im = Image(img)
    return [i for i in range(1, im.ninodes)
            if im.inode(i)["type"] != 0 and im.inode(i)["nlink"] == 0]


def crash_orphan_freed():
    """A file unlinked while open when QEMU is killed is freed, with its
    blocks, at the next boot."""
    def run(img, cmd):
        with Machine("boot-orphan-crash", cmd=cmd) as m:
            m.expect(PROMPT, 30)
            m.run("echo left open > orphan")
            m.run("(rm orphan; sleep 1000) < orphan &")
            deadline = time.monotonic() + 20
            while "no such file" not in m.run("ls orphan"):
                assert time.monotonic() < deadline, "rm orphan never happened"
                time.sleep(0.2)
        # Killed by close(): the crash.
        left = orphans(img)
        assert len(left) == 1, f"after the crash, unlinked inodes {left}, want one"
        block = Image(img).inode(left[0])["addrs"][0]
        assert block != 0 and Image(img).block_in_use(block), "the orphan's block is not in use"
        with Machine("boot-orphan-reboot", cmd=cmd) as m:
            m.expect(r"fs: freed 1 unlinked inode left open by a crash\n", 30)
            m.expect(PROMPT, 30)
            m.send("halt\n")
            assert m.wait_exit(30) == 0, "halt did not exit 0"
        assert orphans(img) == [], f"inodes {orphans(img)} still unlinked after reboot"
        assert not Image(img).block_in_use(block), f"block {block} still in use after reboot"
    with_image_copy(run)


def damaged_orphan_left_alone():
    """An unlinked inode whose block numbers point outside the data area is
    reported and left alone: the kernel boots, nothing else is freed."""
    def run(img, cmd):
        im = Image(img)
        inum = next(i for i in range(1, im.ninodes) if im.inode(i)["type"] == 0)
        addrs = [im.size + 5] + [0] * (len(im.inode(inum)["addrs"]) - 1)
        with open(img, "r+b") as f:
            f.seek((im.inodestart + inum // IPB) * len(im.block(0)) + (inum % IPB) * DINODE.size)
            f.write(DINODE.pack(T_FILE, 0, 0, 0, 512, *addrs))
        with Machine("boot-orphan-damaged", cmd=cmd) as m:
            m.expect(rf"fs: inode {inum} is unlinked but looks damaged; left alone\n", 30)
            m.expect(PROMPT, 30)
            assert "panic" not in m.output, "the kernel panicked"
            out = m.run("cat README.md | wc")
            assert out.split()[0].isdigit(), f"wc printed {out!r}"
    with_image_copy(run)


def halt_exits_zero():
    """`halt` powers off: QEMU exits with status 0."""
    with Machine("boot-halt", cpus=3) as m:
        m.expect(PROMPT, 30)
        m.send("halt\n")
        status = m.wait_exit(30)
        assert status == 0, f"QEMU exit status {status} after halt"


CASES = [
    ("prompt with CPUS=1", prompt_cpus1),
    ("prompt with CPUS=3", prompt_cpus3),
    ("prompt with CPUS=8 MEM=1G", prompt_cpus8_1g),
    ("all of 1 GiB is free memory", free_memory_uses_all_ram),
    ("no disk: message and failure exit", no_disk),
    ("zeroed disk: message and failure exit", zeroed_disk),
    ("corrupt superblock: message and failure exit", corrupt_superblock),
    ("a file unlinked while open at a crash is freed at the next boot", crash_orphan_freed),
    ("a damaged unlinked inode is reported and left alone", damaged_orphan_left_alone),
    ("halt exits QEMU with 0", halt_exits_zero),
]
