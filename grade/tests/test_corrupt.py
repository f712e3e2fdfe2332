"""Damaged file-system images: the kernel says what is wrong in an `fs: `
line and the user gets an error, never a panic or a hang, and the shell
goes on working. Damage the kernel cannot work around (the root directory,
the log header, a log too small) powers off with POWEROFF_BADDISK instead,
without writing to the disk.

Each case copies a fresh image, damages the copy with Python (through
test_mkfs's independent parser of the image), boots it with CPUS=1 (QEMU
run directly and writing to the copy, so that its exit status is its
own) and types at the shell. Before the fixes these cases panicked (or,
for a directory that names itself, hung).

The fresh image is made here with mkfs from the same inputs as fs.img
(tree.fs_inputs()), rather than copied from fs.img, which a QEMU running
meanwhile (make qemu, usertests) may be changing. It is made once, by the
first case that needs it, and so is the image holding a directory, which
a boot makes; if making one fails, each case that needs it fails saying
why."""
import atexit
import os
import re
import shutil
import struct
import tempfile

from grade import PROMPT, SHELL_START
from grade.tests.harness import Case
from grade.tests.test_mkfs import (BSIZE, DINODE, DIRENT, IPB, MAXFILE, NDIRECT, ROOTINO,
                                   T_FILE, Image, run_mkfs)
from grade.tests.tree import README, expect_halt, expect_poweroff, fs_inputs

LOG_HEADER = struct.Struct("<2I")  # count, home[0]
README_INUM = 2  # mkfs installs its first input, the README, as inode 2


# ---- Editing an image --------------------------------------------------------

def poke(img, offset, fmt, *values):
    """Write values packed with struct format fmt at byte offset of img."""
    with open(img, "r+b") as f:
        f.seek(offset)
        f.write(struct.pack(fmt, *values))


def inode_offset(im, inum):
    return (im.inodestart + inum // IPB) * BSIZE + (inum % IPB) * DINODE.size


def patch_inode(img, inum, addrs=None, **fields):
    """Change fields (type, nlink, size) of disk inode inum, and its block
    numbers given as {index: block} in addrs."""
    im = Image(img)
    off = inode_offset(im, inum)
    typ, major, minor, nlink, size, *blocks = DINODE.unpack_from(im.raw, off)
    old = dict(type=typ, major=major, minor=minor, nlink=nlink, size=size)
    old.update(fields)
    for i, bno in (addrs or {}).items():
        blocks[i] = bno
    poke(img, off, DINODE.format, old["type"], old["major"], old["minor"],
         old["nlink"], old["size"], *blocks)


def dirent_offset(im, dir_inum, name):
    """Byte offset in the image of the entry for name in directory dir_inum."""
    blocks, _ = im.block_numbers(dir_inum)
    size = im.inode(dir_inum)["size"]
    for off in range(0, size, DIRENT.size):
        bno = blocks[off // BSIZE]
        at = bno * BSIZE + off % BSIZE
        inum, raw = DIRENT.unpack_from(im.raw, at)
        if inum and raw.split(b"\0", 1)[0].decode() == name:
            return at
    raise AssertionError(f"no entry {name} in directory {dir_inum}")


def free_inode(im):
    """A free inode number well above those that boot may allocate."""
    return next(i for i in range(im.ninodes - 1, 0, -1) if im.inode(i)["type"] == 0)


def data_start(im):
    return im.bmapstart + (im.size + BSIZE * 8 - 1) // (BSIZE * 8)


def set_bitmap(img, bno, used):
    im = Image(img)
    off = (im.bmapstart + bno // (BSIZE * 8)) * BSIZE + (bno % (BSIZE * 8)) // 8
    byte = im.raw[off]
    mask = 1 << (bno % 8)
    poke(img, off, "B", byte | mask if used else byte & ~mask)


# ---- Booting a damaged copy ----------------------------------------------------

_pristine = []


def pristine():
    """A fresh image built by mkfs from fs.img's inputs, made once."""
    if not _pristine:
        tmp = tempfile.mkdtemp()
        atexit.register(shutil.rmtree, tmp, ignore_errors=True)
        img = os.path.join(tmp, "fs.img")
        status, err = run_mkfs(img, *fs_inputs())
        assert status == 0, f"making the fresh image: mkfs failed: {err}"
        inum = Image(img).root_entries().get(README)
        assert inum == README_INUM, \
            f"making the fresh image: /{README} is inode {inum}, the cases expect {README_INUM}"
        _pristine.append(img)
    return _pristine[0]


def boot(t, img):
    """Boot img itself (CPUS=1): the kernel's writes land in it, and QEMU
    runs directly, so that its exit status is its own."""
    return t.boot(cpus=1, image=img, snapshot=False, direct=True)


def no_panic(sh):
    assert not re.search(r"^panic: ", sh.output, re.M), "the kernel panicked"


def has(out, pattern):
    """Assert that the output of a command matches pattern."""
    assert re.search(pattern, out, re.M), f"wanted /{pattern}/ in:\n{out}"


def boots_damaged(t, damage, session, after=None, base=None):
    """Boot a copy of base (the fresh image) changed by damage(img); run
    session(sh) at the shell; check that the shell still answers, nothing
    panicked and halt powers off cleanly; then run after(img) on the image
    the kernel left."""
    with tempfile.TemporaryDirectory() as tmp:
        img = os.path.join(tmp, "fs.img")
        shutil.copy(base or pristine(), img)
        damage(img)
        sh = boot(t, img)
        sh.expect(SHELL_START + PROMPT, 30)
        session(sh)
        out = sh.run("echo ok", 10)
        assert out == "ok\n", f"the shell no longer answers: {out!r}"
        no_panic(sh)
        sh.sendline("halt")
        expect_halt(sh, 10)
        if after:
            after(img)


def refused(t, damage, message):
    """Boot a copy changed by damage(img): the kernel must print message,
    power off with POWEROFF_BADDISK, and leave the image as it found it."""
    with tempfile.TemporaryDirectory() as tmp:
        img = os.path.join(tmp, "fs.img")
        shutil.copy(pristine(), img)
        damage(img)
        with open(img, "rb") as f:
            before = f.read()
        sh = boot(t, img)
        sh.expect(message, 30)
        expect_poweroff(sh, "POWEROFF_BADDISK")
        no_panic(sh)
        with open(img, "rb") as f:
            assert f.read() == before, "the refused disk was written"


_booted = {}


def booted_image(t, commands):
    """A copy of the fresh image that the kernel has booted on, running
    the shell commands given (a tuple) before halt; made once for each
    list of commands. The boot also makes /console."""
    if commands not in _booted:
        tmp = tempfile.mkdtemp()
        atexit.register(shutil.rmtree, tmp, ignore_errors=True)
        img = os.path.join(tmp, "fs.img")
        shutil.copy(pristine(), img)
        sh = boot(t, img)
        sh.expect(SHELL_START + PROMPT, 30)
        for command in commands:
            sh.run(command)
        sh.sendline("halt")
        expect_halt(sh, 10)
        _booted[commands] = img
    return _booted[commands]


def image_with_dir(t):
    """The fresh image holding directory /d with file /d/f."""
    return booted_image(t, ("mkdir d", "echo inside > d/f"))


def dir_inum(im):
    return im.root_entries()["d"]


# ---- Block numbers outside the data area -------------------------------------

def readme_unreadable(sh, bad):
    """cat of the README fails with EIO and the kernel names the block."""
    out = sh.run(f"cat {README}")
    has(out, rf"^fs: inode {README_INUM}: block number {bad} is outside the data area")
    has(out, rf"^cat: {README}: input/output error$")


def rm_readme(sh, skipped):
    """rm of the README works, skipping the bad block numbers, and it is gone."""
    out = sh.run(f"rm {README}")
    has(out, rf"^fs: inode {README_INUM}: skipped {skipped} bad block numbers? "
             "while freeing its blocks$")
    has(sh.run("ls"), r"^cat\s")
    has(sh.run(f"ls {README}"), r"no such file or directory")


def block_past_disk(t):
    """A direct block number beyond the disk: read gives EIO, rm frees the
    rest of the file."""
    bad = [0]

    def damage(img):
        bad[0] = Image(img).size + 100
        patch_inode(img, README_INUM, addrs={0: bad[0]})

    def session(sh):
        readme_unreadable(sh, bad[0])
        rm_readme(sh, 1)

    def after(img):
        im = Image(img)
        assert im.inode(README_INUM)["type"] == 0, "the README's inode was not freed"
        assert not im.block_in_use(48), "the README's good blocks were not freed"
    boots_damaged(t, damage, session, after)


def block_in_metadata(t):
    """A direct block number naming the superblock: read gives EIO (not the
    superblock's bytes), and rm does not free or overwrite it."""
    def damage(img):
        patch_inode(img, README_INUM, addrs={0: 1})

    def session(sh):
        readme_unreadable(sh, 1)
        rm_readme(sh, 1)

    def after(img):
        im, orig = Image(img), Image(pristine())
        assert im.block(1) == orig.block(1), "the superblock changed"
        assert im.block_in_use(1), "the superblock's bitmap bit was cleared"
    boots_damaged(t, damage, session, after)


def indirect_past_disk(t):
    """An indirect block number beyond the disk: reading stops with EIO
    after the direct blocks; rm frees the direct blocks."""
    bad = [0]

    def damage(img):
        bad[0] = Image(img).size + 7
        patch_inode(img, README_INUM, addrs={NDIRECT: bad[0]})

    def session(sh):
        out = sh.run(f"wc {README}")
        has(out, rf"^fs: inode {README_INUM}: block number {bad[0]} is outside the data area")
        has(out, rf"^wc: {README}: input/output error$")
        rm_readme(sh, 1)

    def after(img):
        assert not Image(img).block_in_use(47), "the README's direct blocks were not freed"
    boots_damaged(t, damage, session, after)


def indirect_entry_names_log(t):
    """An entry of the indirect block naming the log header: EIO on read,
    and rm leaves the log header's block alone."""
    def damage(img):
        im = Image(img)
        ind = im.inode(README_INUM)["addrs"][NDIRECT]
        poke(img, ind * BSIZE, "<I", im.logstart)

    def session(sh):
        out = sh.run(f"wc {README}")
        has(out, rf"^fs: inode {README_INUM}: block number 2 is outside the data area")
        has(out, rf"^wc: {README}: input/output error$")
        rm_readme(sh, 1)

    def after(img):
        assert Image(img).block_in_use(Image(img).logstart), \
            "the log header's bitmap bit was cleared"
    boots_damaged(t, damage, session, after)


def missing_block(t):
    """A file with no block where its size says there is data: EIO."""
    def damage(img):
        patch_inode(img, README_INUM, addrs={1: 0})

    def session(sh):
        out = sh.run(f"wc {README}")
        has(out, rf"^fs: inode {README_INUM}: block 1 of its \d+ bytes is missing$")
        has(out, rf"^wc: {README}: input/output error$")
        out = sh.run(f"rm {README}")
        assert out == "", f"rm printed {out!r}"
    boots_damaged(t, damage, session)


# ---- The free-block bitmap ----------------------------------------------------

def block_already_free(t):
    """A file block the bitmap marks free: rm skips it instead of freeing
    it twice."""
    def damage(img):
        set_bitmap(img, Image(img).inode(README_INUM)["addrs"][0], False)

    def session(sh):
        out = sh.run(f"cat {README} | wc")
        has(out, r"^\d+ \d+ \d+")
        rm_readme(sh, 1)
    boots_damaged(t, damage, session)


def metadata_marked_free(t):
    """A bitmap that marks the metadata blocks free: new files still get
    only data blocks, and the superblock, log and inodes survive."""
    def damage(img):
        for bno in range(data_start(Image(img))):
            set_bitmap(img, bno, False)

    def session(sh):
        sh.run(f"cat {README} > copy")
        want = sh.run(f"wc {README}").split()[:3]
        got = sh.run("wc copy").split()[:3]
        assert got == want, f"copy reads back as {got}, the README as {want}"

    def after(img):
        im, orig = Image(img), Image(pristine())
        assert im.block(1) == orig.block(1), "the superblock changed"
        copy = im.root_entries()["copy"]
        blocks, extra = im.block_numbers(copy)
        low = [b for b in blocks + extra if b < data_start(im)]
        assert not low, f"the new file got metadata blocks {low}"
        assert im.read(copy) == orig.read(README_INUM), "the copy differs from the README"
    boots_damaged(t, damage, session, after)


# ---- Inodes that directory entries name ---------------------------------------

def entry_problem(t, damage, problem):
    """The README's entry leads to a bad inode: opening it fails with EIO and
    a message, ls lists the rest, and rm removes the entry (only: the inode
    is left for fsck), after which the name is gone."""
    def session(sh):
        out = sh.run(f"cat {README}")
        has(out, rf"^fs: directory {ROOTINO}: entry {README} names inode \d+, {problem}$")
        has(out, rf"^cat: cannot open {README}$")
        out = sh.run("ls")
        has(out, rf"^ls: cannot stat ./{README}: input/output error$")
        has(out, r"^usertests\s")
        out = sh.run(f"rm {README}")
        has(out, rf"^fs: directory {ROOTINO}: entry {README} removed; inode \d+ left as it is")
        assert "rm:" not in out, f"rm failed: {out!r}"
        out = sh.run("ls")
        assert "ls:" not in out and not re.search(rf"^{README}\s", out, re.M), out
    boots_damaged(t, damage, session)


def entry_names_free_inode(t):
    """An entry naming a free inode."""
    def damage(img):
        im = Image(img)
        poke(img, dirent_offset(im, ROOTINO, README), "<H", free_inode(im))
    entry_problem(t, damage, "which is free")


def entry_names_no_inode(t):
    """An entry naming an inode number beyond the inode area."""
    def damage(img):
        poke(img, dirent_offset(Image(img), ROOTINO, README), "<H", 60000)
    entry_problem(t, damage, r"but the disk has \d+ inodes")


def inode_bad_type(t):
    """An inode of a type that does not exist."""
    entry_problem(t, lambda img: patch_inode(img, README_INUM, type=9),
                  "which has an unknown type")


def inode_too_large(t):
    """An inode whose size is beyond the largest file."""
    entry_problem(t, lambda img: patch_inode(img, README_INUM, size=MAXFILE * BSIZE + 1),
                  "which is larger than the largest file")


def program_bad_inode(t):
    """exec of a program whose inode is free fails; the shell goes on."""
    def damage(img):
        im = Image(img)
        poke(img, dirent_offset(im, ROOTINO, "wc"), "<H", free_inode(im))

    def session(sh):
        out = sh.run(f"wc {README}")
        has(out, r"^fs: directory 1: entry wc names inode \d+, which is free$")
        has(out, r"^sh: wc: input/output error$")
    boots_damaged(t, damage, session)


def program_bad_block(t):
    """exec of a program whose first block is outside the disk fails."""
    def damage(img):
        patch_inode(img, Image(img).root_entries()["wc"], addrs={0: Image(img).size + 1})

    def session(sh):
        out = sh.run(f"wc {README}")
        has(out, r"is outside the data area")
        has(out, r"^sh: wc: not an executable$")
    boots_damaged(t, damage, session)


# ---- Directories ----------------------------------------------------------------

def directory_unreadable(t):
    """A directory whose block is outside the disk: lookups, creates and
    removal in it fail with EIO; the rest of the system works."""
    def damage(img):
        im = Image(img)
        patch_inode(img, dir_inum(im), addrs={0: im.size + 3})

    def session(sh):
        out = sh.run("cat d/f")
        has(out, r"^fs: inode \d+: block number \d+ is outside the data area")
        has(out, r"^cat: cannot open d/f$")
        has(sh.run("echo x > d/g"), r"^sh: d/g: input/output error$")
        has(sh.run("mkdir d/e"), r"^mkdir: cannot create d/e: input/output error$")
        has(sh.run("rm d"), r"^rm: cannot remove d: input/output error$")
        has(sh.run("ls d"), r"^ls: cannot read d: input/output error$")
        has(sh.run("ls"), r"^d\s")
    boots_damaged(t, damage, session, base=image_with_dir(t))


def directory_names_itself(t):
    """A directory entry other than "." naming its own directory: rm of it
    fails (it used to wait for ever on the directory's own lock)."""
    def damage(img):
        im = Image(img)
        d = dir_inum(im)
        ino = im.inode(d)
        at = ino["addrs"][0] * BSIZE + ino["size"]
        poke(img, at, DIRENT.format, d, b"loop")
        patch_inode(img, d, size=ino["size"] + DIRENT.size)

    def session(sh):
        out = sh.run("rm d/loop", 10)
        has(out, r"^fs: directory \d+ names itself as loop; not removed$")
        has(out, r"^rm: cannot remove d/loop: input/output error$")
        has(sh.run("cat d/loop/loop/f"), r"^inside$")
    boots_damaged(t, damage, session, base=image_with_dir(t))


# ---- Damage that stops the boot ---------------------------------------------------

def log_header_too_many(t):
    """A log header that names more blocks than the log holds."""
    def damage(img):
        poke(img, Image(img).logstart * BSIZE, LOG_HEADER.format, 1000, 0)
    refused(t, damage,
            r"fs: disk 1: damaged log header: it names 1000 blocks, the log holds \d+\n")


def log_header_bad_home(t):
    """A log header whose block would be installed over the superblock."""
    def damage(img):
        poke(img, Image(img).logstart * BSIZE, LOG_HEADER.format, 1, 1)
    refused(t, damage,
            r"fs: disk 1: damaged log header: entry 0 names block 1, outside blocks")


def log_too_small(t):
    """A superblock whose log cannot hold one operation."""
    def damage(img):
        im = Image(img)
        nlog = 5
        poke(img, BSIZE + 4 * 4, "<3I", nlog, im.logstart, im.logstart + nlog)
    refused(t, damage, r"log too small to hold one file-system operation")


def init_bad_inode(t):
    """/init's entry names a free inode: the boot stops with a message."""
    def damage(img):
        im = Image(img)
        poke(img, dirent_offset(im, ROOTINO, "init"), "<H", free_inode(im))
    refused(t, damage, r"cannot run /init \(error 5\): is fs.img built by mkfs")


def root_not_directory(t):
    """A root inode that is not a directory."""
    refused(t, lambda img: patch_inode(img, ROOTINO, type=T_FILE),
            r"fs: disk 1 is damaged: the root directory \(inode 1\) is not a directory\n")


def root_no_links(t):
    """A root inode with no links: the boot's orphan scan would free it
    (and then panic on /init); it is refused instead."""
    refused(t, lambda img: patch_inode(img, ROOTINO, nlink=0),
            r"fs: disk 1 is damaged: the root directory \(inode 1\) has no links")


def too_many_inodes(t):
    """A superblock with more inodes than a directory entry's 16-bit
    number can name (dir_link would assert)."""
    refused(t, lambda img: poke(img, BSIZE + 3 * 4, "<I", 70000),
            r"more inodes than a directory entry can name")


CASES = [
    Case("a block number past the disk: read EIO, rm works", block_past_disk),
    Case("a block number naming the superblock: read EIO, rm leaves it", block_in_metadata),
    Case("an indirect block past the disk: read EIO, rm works", indirect_past_disk),
    Case("an indirect entry naming the log: read EIO, rm leaves it", indirect_entry_names_log),
    Case("a missing block inside a file: read EIO", missing_block),
    Case("a file block marked free: rm skips it", block_already_free),
    Case("a bitmap marking metadata free: new files get data blocks", metadata_marked_free),
    Case("an entry naming a free inode: EIO; rm removes the entry", entry_names_free_inode),
    Case("an entry naming no inode: EIO; rm removes the entry", entry_names_no_inode),
    Case("an inode of unknown type: EIO; rm removes the entry", inode_bad_type),
    Case("an inode larger than the largest file: EIO; rm removes the entry", inode_too_large),
    Case("exec of a program with a free inode fails", program_bad_inode),
    Case("exec of a program with a bad block fails", program_bad_block),
    Case("a directory with a bad block: EIO inside it, ls says so", directory_unreadable),
    Case("a directory naming itself: rm fails, no hang", directory_names_itself),
    Case("a log header naming too many blocks: refused", log_header_too_many),
    Case("a log header naming the superblock: refused", log_header_bad_home),
    Case("a log too small for one operation: refused", log_too_small),
    Case("a root inode that is not a directory: refused", root_not_directory),
    Case("a root inode with no links: refused, not freed as an orphan", root_no_links),
    Case("a superblock with more inodes than entries can name: refused", too_many_inodes),
    Case("an /init that cannot be run: refused", init_bad_inode),
]
