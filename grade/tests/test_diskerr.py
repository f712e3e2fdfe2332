"""Disk errors, injected with QEMU's blkdebug driver: the kernel says what
failed in an `fs: disk error ...` line, the system call gets EIO, nothing
panics or hangs, reads go on working, and the file system on the disk stays
consistent: mkfs/fsck finds it clean, and a transaction that failed before
its commit point is gone while one that failed after it is there in full
after the next boot (recovery installs it).

Each case copies an image that has been booted once (so /console exists,
and /d holds files whose inodes fill a block the boot does not read),
writes a blkdebug rules file that fails one request (`once`) of one kind
(`iotype` read or write) touching one sector, and boots the copy with
CPUS=1, QEMU reading and writing the copy through blkdebug. After halt,
fsck checks the copy; some cases boot it again without errors."""
import os
import re
import shutil
import subprocess
import tempfile

from grade import PROMPT, SHELL_START
from grade.tests.harness import Case
from grade.tests.test_corrupt import README_INUM, boot as boot_plain, booted_image, has, no_panic
from grade.tests.test_mkfs import DIRENT, IPB, Image
from grade.tests.tree import README, ROOT, expect_halt, expect_poweroff

SECTORS_PER_BLOCK = 2
FSCK = os.path.join(ROOT, "mkfs", "fsck")
FILES = 2 * IPB  # files made in /d: a whole inode block of them at least

def base_image(t):
    """The fresh image, booted once to make /console and /d with FILES
    files in it."""
    return booted_image(t, ("mkdir d",) + tuple(f"echo {i} > d/f{i}" for i in range(FILES)))


def reboot_clean(t, img, session):
    """Boot img again with no errors, run session(sh), halt, and check
    the image with fsck."""
    sh = boot_plain(t, img)
    sh.expect(SHELL_START + PROMPT, 30)
    session(sh)
    sh.sendline("halt")
    expect_halt(sh, 10)
    fsck_clean(img)


def entries(im, dir_inum):
    """{name: inum} of a directory in the image."""
    blocks, _ = im.block_numbers(dir_inum)
    data = b"".join(im.block(b) for b in blocks)[:im.inode(dir_inum)["size"]]
    out = {}
    for off in range(0, len(data), DIRENT.size):
        inum, raw = DIRENT.unpack_from(data, off)
        if inum:
            out[raw.split(b"\0", 1)[0].decode()] = inum
    return out


def rules(path, iotype, block):
    """A blkdebug rules file failing, once, the first iotype request that
    touches the first sector of block."""
    with open(path, "w") as f:
        f.write("[inject-error]\n"
                'event = "none"\n'
                f'iotype = "{iotype}"\n'
                'errno = "5"\n'
                f'sector = "{block * SECTORS_PER_BLOCK}"\n'
                'once = "on"\n')


def boot_failing(t, img, rules_path):
    """Boot img (CPUS=1) with the disk going through blkdebug."""
    return t.boot(cpus=1, snapshot=False, direct=True,
                  extra=["-set", f"drive.x0.file=blkdebug:{rules_path}:{img}"])


def fsck_clean(img):
    done = subprocess.run([FSCK, "-n", img], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=60)
    assert done.returncode == 0, f"fsck -n found the image damaged:\n{done.stdout}"
    return done.stdout


def with_error(t, iotype, block_of, session, after=None):
    """Copy the booted image, fail one iotype request at block_of(Image)
    and run session(sh, block) at the shell; the shell must still answer
    and halt cleanly, and fsck must find the image clean; then after(img)."""
    with tempfile.TemporaryDirectory() as tmp:
        img = os.path.join(tmp, "fs.img")
        shutil.copy(base_image(t), img)
        block = block_of(Image(img))
        rules_path = os.path.join(tmp, "rules")
        rules(rules_path, iotype, block)
        sh = boot_failing(t, img, rules_path)
        sh.expect(SHELL_START + PROMPT, 30)
        session(sh, block)
        assert sh.run("echo ok", 10) == "ok\n", "the shell no longer answers"
        no_panic(sh)
        sh.sendline("halt")
        expect_halt(sh, 10)
        fsck_clean(img)
        if after:
            after(img)


def first_log_slot(im):
    return im.logstart + 1


def log_write_fails(t):
    def session(sh, block):
        out = sh.run("echo hi > x")
        has(out, rf"^fs: disk error writing block {block} \(log\); nothing more is written")
        has(out, r"^sh: x: input/output error$")
        # Nothing of the failed transaction is seen, and reads still work.
        has(sh.run("ls x"), r"^ls: cannot open x: no such file or directory$")
        assert sh.run(f"cat {README} | wc").split()[0] != "0", "the README no longer reads"
        # Later changes fail too: nothing more is written until reboot.
        has(sh.run("mkdir e"), r"^mkdir: cannot create e: input/output error$")

    def after_reboot(sh):
        assert sh.run("ls x").startswith("ls: cannot open x"), "x came back after the reboot"
        sh.run("echo again > x")
        assert sh.run("cat x") == "again\n", "writes do not work again after a reboot"

    with_error(t, "write", first_log_slot, session, lambda img: reboot_clean(t, img, after_reboot))


def bitmap_block(im):
    return im.bmapstart


def install_write_fails(t):
    def session(sh, block):
        out = sh.run("echo hi > x")
        has(out, rf"^fs: disk error writing block {block} \(bitmap\); nothing more is written")

    def after_reboot(sh):
        # The commit point was passed: recovery installs the whole write.
        assert sh.run("cat x") == "hi\n", "the committed write is not there after the reboot"

    with_error(t, "write", bitmap_block, session, lambda img: reboot_clean(t, img, after_reboot))


def bitmap_read_fails(t):
    """The bitmap cannot be read when a file needs a block: its zeros must
    not be taken for free blocks (they would hand out blocks in use)."""
    def session(sh, block):
        out = sh.run("echo hi > x")
        has(out, rf"^fs: disk error reading block {block} \(bitmap\)")
        has(out, r"^echo: write error$")
        assert sh.run(f"cat {README} | wc").split()[0] != "0", "the README no longer reads"
        assert sh.run("cat d/f0") == "0\n", "a file made before no longer reads"

    with_error(t, "read", bitmap_block, session)


def readme_data_block(im):
    return im.block_numbers(README_INUM)[0][0]


def data_read_fails(t):
    def session(sh, block):
        out = sh.run(f"cat {README}")
        has(out, rf"^fs: disk error reading block {block} \(data block\)")
        has(out, rf"^cat: {README}: input/output error$")
        # Not cached: the next read asks the disk again, and gets it.
        assert sh.run(f"cat {README} | wc").split()[0] != "0", "the README no longer reads"

    with_error(t, "read", readme_data_block, session)


def last_file(im):
    """The name and inode block of the last file made in /d: no file the
    boot opens has its inode there, only the boot's scan for orphans
    reads it."""
    files = entries(im, im.root_entries()["d"])
    name = f"f{FILES - 1}"
    return name, im.inodestart + files[name] // IPB


def inode_read_fails(t):
    def session(sh, block):
        # The boot's scan for orphans met it: the boot goes on.
        has(sh.output, rf"^fs: disk error reading block {block} \(inode block\); nothing more")
        name, _ = last_file(Image(base_image(t)))
        assert sh.run(f"cat d/{name}") == f"{FILES - 1}\n", "the file no longer reads"
        out = sh.run("echo hi > x")
        assert re.search(r"input/output error", out), f"a write after the error: {out!r}"

    with_error(t, "read", lambda im: last_file(im)[1], session)


def root_read_fails(t):
    """The root directory's inode cannot be read at boot: the boot says so
    and powers off (POWEROFF_BADDISK), as for a damaged root."""
    with tempfile.TemporaryDirectory() as tmp:
        img = os.path.join(tmp, "fs.img")
        shutil.copy(base_image(t), img)
        block = Image(img).inodestart
        rules_path = os.path.join(tmp, "rules")
        rules(rules_path, "read", block)
        sh = boot_failing(t, img, rules_path)
        sh.expect(rf"fs: disk error reading block {block} \(inode block\)", 30)
        expect_poweroff(sh, "POWEROFF_BADDISK")
        no_panic(sh)
        fsck_clean(img)


CASES = [
    Case("a failed log write: EIO, the transaction gone, nothing more written, clean after",
         log_write_fails),
    Case("a failed install after the commit point: the next boot installs it all",
         install_write_fails),
    Case("a failed read of the bitmap as a file grows: EIO, no block taken for free",
         bitmap_read_fails),
    Case("a failed read of a data block: EIO, and the next read works", data_read_fails),
    Case("a failed read of an inode block at boot: the boot goes on, reads work, writes are EIO",
         inode_read_fails),
    Case("a failed read of the root's inode at boot: a message and POWEROFF_BADDISK",
         root_read_fails),
]
