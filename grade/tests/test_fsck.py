"""Host-side tests of mkfs/fsck, the file-system checker.

Each case builds an image with mkfs/mkfs in a temporary directory, grows
it the way the kernel would (a directory /d holding a file, a
subdirectory and a second name for /small), damages a copy with Python
and runs ./mkfs/fsck on it. It states the exit status it expects (0
clean, 1 problems, 2 usage or unreadable file) and the line fsck must
print. Every `fsck -n` must leave the file byte for byte as it was; for
a repairable problem, `fsck -y` must exit 0 and a second `fsck -n` must
then find the image clean.

The images are edited through Disk below, which does what the kernel's
create, link and unlink do (kernel/fs/sysfile.c), so that an image the
kernel could have written is known to be clean without booting one.

Run alone: python3 -m grade.tests fsck  (make mkfs/mkfs mkfs/fsck first).
"""
import os
import random
import re
import struct
import subprocess
import tempfile

from grade.runner import ROOT
from grade.tests.harness import Case
from grade.tests.tree import header_constant
from grade.tests.test_mkfs import (BSIZE, DINODE, DIRENT, FSMAGIC, FSSIZE, IPB, MAXFILE,
                                   NDIRECT, ROOTINO, SUPERBLOCK, T_DIR, T_FILE, make_file,
                                   pattern, run_mkfs)

FSCK = os.path.join(ROOT, "mkfs", "fsck")
T_DEVICE = header_constant("stat.h", "T_DEVICE")
BPB = BSIZE * 8
FSCK_TIMEOUT = 10      # seconds for one run of fsck, far more than it needs
FUZZ_CASES = 300
FUZZ_SEED = 20261201
FUZZ_SIZE = 128        # blocks: the fuzzed images are shrunk to this

# The files mkfs puts in every image here, and their inode numbers
# (mkfs numbers its inputs from 2 in order).
README, BIG, SMALL, EMPTY = 2, 3, 4, 5
README_TEXT = b"a file of three blocks\n" * 100
BIG_DATA = pattern((NDIRECT + 3) * BSIZE + 100, seed=5)   # needs the indirect block
SMALL_TEXT = b"hi\n"


# ---- An image in memory, changed as the kernel would change it --------------

class Disk:
    """A file-system image, read into memory to be changed and saved."""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            self.raw = bytearray(f.read())
        (self.magic, self.size, self.nblocks, self.ninodes, self.nlog,
         self.logstart, self.inodestart, self.bmapstart) = SUPERBLOCK.unpack_from(self.raw, BSIZE)
        self.data_start = self.bmapstart + (self.size + BPB - 1) // BPB

    def save(self):
        with open(self.path, "wb") as f:
            f.write(self.raw)

    def put_superblock(self, **fields):
        names = ["magic", "size", "nblocks", "ninodes", "nlog", "logstart", "inodestart",
                 "bmapstart"]
        values = [fields.get(n, getattr(self, n)) for n in names]
        SUPERBLOCK.pack_into(self.raw, BSIZE, *values)

    def poke(self, offset, fmt, *values):
        struct.pack_into("<" + fmt, self.raw, offset, *values)

    def peek(self, offset, fmt):
        return struct.unpack_from("<" + fmt, self.raw, offset)[0]

    # Inodes

    def inode_offset(self, inum):
        return (self.inodestart + inum // IPB) * BSIZE + (inum % IPB) * DINODE.size

    def inode(self, inum):
        typ, major, minor, nlink, size, *addrs = DINODE.unpack_from(self.raw,
                                                                    self.inode_offset(inum))
        return dict(type=typ, major=major, minor=minor, nlink=nlink, size=size, addrs=addrs)

    def set_inode(self, inum, addrs=None, **fields):
        """Change fields of inode inum; addrs is {index: block number}."""
        ino = self.inode(inum)
        ino.update(fields)
        for i, bno in (addrs or {}).items():
            ino["addrs"][i] = bno
        DINODE.pack_into(self.raw, self.inode_offset(inum), ino["type"], ino["major"],
                         ino["minor"], ino["nlink"], ino["size"], *ino["addrs"])

    def alloc_inode(self, typ):
        """inode_alloc: the first free inode, zeroed, of type typ."""
        inum = next(i for i in range(1, self.ninodes) if self.inode(i)["type"] == 0)
        DINODE.pack_into(self.raw, self.inode_offset(inum), typ, 0, 0, 0, 0,
                         *[0] * (NDIRECT + 1))
        return inum

    # Blocks and the bitmap

    def bit_offset(self, bno):
        return (self.bmapstart + bno // BPB) * BSIZE + (bno % BPB) // 8

    def in_use(self, bno):
        return bool(self.raw[self.bit_offset(bno)] & (1 << (bno % 8)))

    def set_in_use(self, bno, used):
        if used:
            self.raw[self.bit_offset(bno)] |= 1 << (bno % 8)
        else:
            self.raw[self.bit_offset(bno)] &= ~(1 << (bno % 8)) & 0xFF

    def alloc_block(self):
        """block_alloc: the first free data block, marked in use and zeroed."""
        bno = next(b for b in range(self.data_start, self.size) if not self.in_use(b))
        self.set_in_use(bno, True)
        self.set_block(bno, bytes(BSIZE))
        return bno

    def free_data_block(self):
        return next(b for b in range(self.size - 1, self.data_start, -1) if not self.in_use(b))

    def file_block(self, inum, bn):
        """The block holding block bn of inode inum's contents."""
        addrs = self.inode(inum)["addrs"]
        if bn < NDIRECT:
            return addrs[bn]
        return self.peek(addrs[NDIRECT] * BSIZE + (bn - NDIRECT) * 4, "I")

    # Directories

    def entries(self, dir_inum):
        """[(name, inum, byte offset in the image)] of every entry, free ones too."""
        found = []
        for off in range(0, self.inode(dir_inum)["size"], DIRENT.size):
            at = self.file_block(dir_inum, off // BSIZE) * BSIZE + off % BSIZE
            inum, raw = DIRENT.unpack_from(self.raw, at)
            found.append((raw.split(b"\0", 1)[0].decode("latin-1"), inum, at))
        return found

    def entry_at(self, dir_inum, name):
        return next(at for n, inum, at in self.entries(dir_inum) if inum and n == name)

    def lookup(self, dir_inum, name):
        return next(inum for n, inum, at in self.entries(dir_inum) if inum and n == name)

    def add_entry(self, dir_inum, name, inum):
        """dir_link: reuse a free entry, or append one (with a new block if need be)."""
        for n, used, at in self.entries(dir_inum):
            if used == 0:
                DIRENT.pack_into(self.raw, at, inum, name.encode())
                return
        size = self.inode(dir_inum)["size"]
        assert size // BSIZE < NDIRECT, "Disk grows directories only within direct blocks"
        if size % BSIZE == 0:
            self.set_inode(dir_inum, addrs={size // BSIZE: self.alloc_block()})
        at = self.file_block(dir_inum, size // BSIZE) * BSIZE + size % BSIZE
        DIRENT.pack_into(self.raw, at, inum, name.encode())
        self.set_inode(dir_inum, size=size + DIRENT.size)

    def create(self, dir_inum, name, data=b""):
        """open(O_CREATE) and write: a file of up to NDIRECT blocks."""
        inum = self.alloc_inode(T_FILE)
        addrs = {}
        for bn in range(0, len(data), BSIZE):
            bno = self.alloc_block()
            chunk = data[bn:bn + BSIZE]
            self.raw[bno * BSIZE:bno * BSIZE + len(chunk)] = chunk
            addrs[bn // BSIZE] = bno
        self.set_inode(inum, nlink=1, size=len(data), addrs=addrs)
        self.add_entry(dir_inum, name, inum)
        return inum

    def mkdir(self, dir_inum, name):
        """mkdir: "." does not count as a link, the child's ".." counts for the parent."""
        inum = self.alloc_inode(T_DIR)
        self.set_inode(inum, nlink=1)
        self.add_entry(inum, ".", inum)
        self.add_entry(inum, "..", dir_inum)
        self.add_entry(dir_inum, name, inum)
        self.set_inode(dir_inum, nlink=self.inode(dir_inum)["nlink"] + 1)
        return inum

    def mknod(self, dir_inum, name, major, minor):
        inum = self.alloc_inode(T_DEVICE)
        self.set_inode(inum, nlink=1, major=major, minor=minor)
        self.add_entry(dir_inum, name, inum)
        return inum

    def link(self, dir_inum, name, inum):
        self.set_inode(inum, nlink=self.inode(inum)["nlink"] + 1)
        self.add_entry(dir_inum, name, inum)

    def unlink(self, dir_inum, name):
        """unlink: the entry zeroed, the links dropped; the inode is left for
        the last close to free (an orphan, if the machine stops first)."""
        inum = self.lookup(dir_inum, name)
        self.clear_entry(dir_inum, name)
        if self.inode(inum)["type"] == T_DIR:
            self.set_inode(dir_inum, nlink=self.inode(dir_inum)["nlink"] - 1)
        self.set_inode(inum, nlink=self.inode(inum)["nlink"] - 1)
        return inum

    def clear_entry(self, dir_inum, name):
        at = self.entry_at(dir_inum, name)
        self.raw[at:at + DIRENT.size] = bytes(DIRENT.size)

    def set_block(self, bno, data):
        assert len(data) == BSIZE
        self.raw[bno * BSIZE:(bno + 1) * BSIZE] = data

    def set_entry(self, dir_inum, name, inum=None, new_name=None):
        at = self.entry_at(dir_inum, name)
        old_inum, raw = DIRENT.unpack_from(self.raw, at)
        DIRENT.pack_into(self.raw, at, old_inum if inum is None else inum,
                         raw if new_name is None else new_name.encode())


def fresh_image(d):
    """An image from mkfs holding README, big, small and empty (inodes 2 to 5)."""
    img = os.path.join(d, "fs.img")
    status, err = run_mkfs(img, make_file(d, "README", README_TEXT), make_file(d, "big", BIG_DATA),
                           make_file(d, "small", SMALL_TEXT), make_file(d, "empty", b""))
    assert status == 0, f"mkfs failed: {err.strip()}"
    return img


class Tree:
    """The inode numbers of what tree_image adds."""
    d = e = f = console = 0


def tree_image(d):
    """fresh_image grown as the kernel would: mkdir /d, /d/f holding a line,
    mkdir /d/e, ln /small /d/s and mknod /console. Returns (path, Tree)."""
    img = fresh_image(d)
    disk = Disk(img)
    t = Tree()
    t.d = disk.mkdir(ROOTINO, "d")
    t.f = disk.create(t.d, "f", b"inside\n")
    t.e = disk.mkdir(t.d, "e")
    disk.link(t.d, "s", SMALL)
    t.console = disk.mknod(ROOTINO, "console", 1, 0)
    disk.save()
    return img, t


# ---- Running fsck ------------------------------------------------------------

def run_fsck(img, *flags):
    """Run fsck; return (exit status, stdout and stderr). A run without -y
    must not change the image."""
    assert os.access(FSCK, os.X_OK), f"{FSCK} is not built (run: make mkfs/fsck)"
    with open(img, "rb") as f:
        before = f.read()
    try:
        proc = subprocess.run([FSCK, *flags, img], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, errors="replace",
                              timeout=FSCK_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"fsck {' '.join(flags)} ran longer than {FSCK_TIMEOUT} s")
    assert proc.returncode >= 0, f"fsck {' '.join(flags)} died of signal {-proc.returncode}"
    if "-y" not in flags:
        with open(img, "rb") as f:
            assert f.read() == before, f"fsck {' '.join(flags)} changed the image"
    return proc.returncode, proc.stdout


def expect(img, status, patterns=(), flags=("-n",), absent=()):
    """fsck with flags must exit with status and print a line matching
    each pattern, and none matching a pattern of absent."""
    got, out = run_fsck(img, *flags)
    shown = " ".join(flags)
    assert got == status, f"fsck {shown} exited {got}, want {status}; it printed:\n{out}"
    for p in patterns:
        assert re.search(p, out, re.M), f"fsck {shown}: no line matches /{p}/ in:\n{out}"
    for p in absent:
        assert not re.search(p, out, re.M), f"fsck {shown}: a line matches /{p}/ in:\n{out}"
    return out


CLEAN = r"^fsck: \S+: clean, \d+ inodes and \d+ of \d+ blocks in use"


def damaged(damage, lines, repairable=True, after=None):
    """Damage a copy of the tree image with damage(disk, tree): fsck -n must
    exit 1 printing lines. A repairable problem: fsck -y exits 0 with a
    "fixed:" line, fsck -n then says clean, and after(disk, tree) checks
    the repaired image. Otherwise fsck -y exits 1, saying what is left."""
    with tempfile.TemporaryDirectory() as d:
        img, tree = tree_image(d)
        disk = Disk(img)
        damage(disk, tree)
        disk.save()
        expect(img, 1, lines)
        if not repairable:
            expect(img, 1, [r"left that fsck cannot repair$"], ("-y",))
            return
        expect(img, 0, [r"^fsck: fixed: ", r"^fsck: \S+: fixed \d+ problems?, now clean"], ("-y",))
        expect(img, 0, [CLEAN], absent=[r"^fsck: (?!\S+: clean)"])
        if after:
            after(Disk(img), tree)


# ---- Clean images ---------------------------------------------------------------

def fresh_is_clean(t):
    """A fresh mkfs image is clean (exit 0), and the summary counts its
    inodes and the blocks the bitmap marks; -n and -y leave it as it is."""
    with tempfile.TemporaryDirectory() as d:
        img = fresh_image(d)
        disk = Disk(img)
        used = sum(disk.in_use(b) for b in range(disk.size))
        want = rf"^fsck: {re.escape(img)}: clean, 5 inodes and {used} of {FSSIZE} blocks in use$"
        expect(img, 0, [want])
        with open(img, "rb") as f:
            before = f.read()
        expect(img, 0, [want], ("-y",))
        with open(img, "rb") as f:
            assert f.read() == before, "fsck -y changed a clean image"


def empty_mkfs_is_clean(t):
    """mkfs with no files: a root holding "." and ".." only is clean."""
    with tempfile.TemporaryDirectory() as d:
        img = os.path.join(d, "fs.img")
        status, err = run_mkfs(img)
        assert status == 0, f"mkfs failed: {err.strip()}"
        expect(img, 0, [r"clean, 1 inode and \d+ of"])


def kernel_tree_is_clean(t):
    """Directories, links and a device made as the kernel makes them are
    clean: root nlink 2 with /d, /d nlink 2 with /d/e, /small nlink 2 with
    /d/s."""
    with tempfile.TemporaryDirectory() as d:
        img, tree = tree_image(d)
        disk = Disk(img)
        assert disk.inode(ROOTINO)["nlink"] == 2 and disk.inode(tree.d)["nlink"] == 2
        expect(img, 0, [r"clean, 9 inodes and"], absent=[r"^fsck: (?!\S+: clean)"])


def usage_errors(t):
    """Usage errors and unreadable files exit 2; a file too short for a
    superblock exits 1."""
    for args in ([], ["-x", "fs.img"], ["-n", "-y", "fs.img"], ["a.img", "b.img"]):
        proc = subprocess.run([FSCK, *args], capture_output=True, text=True, timeout=FSCK_TIMEOUT)
        assert proc.returncode == 2, f"fsck {' '.join(args)} exited {proc.returncode}, want 2"
        assert "usage:" in proc.stderr, f"fsck {' '.join(args)} printed no usage: {proc.stderr!r}"
    with tempfile.TemporaryDirectory() as d:
        missing = os.path.join(d, "none.img")
        proc = subprocess.run([FSCK, missing], capture_output=True, text=True, timeout=FSCK_TIMEOUT)
        assert proc.returncode == 2 and "cannot open" in proc.stderr, \
            f"fsck of a missing file: exit {proc.returncode}, {proc.stderr!r}"
        proc = subprocess.run([FSCK, d], capture_output=True, text=True, timeout=FSCK_TIMEOUT)
        assert proc.returncode == 2, f"fsck of a directory exited {proc.returncode}, want 2"
        empty = make_file(d, "empty.img", b"")
        expect(empty, 1, [r"^fsck: \S+: 0 bytes, too short to hold a superblock$"])


# ---- The superblock ----------------------------------------------------------

def superblock_lies(t):
    """A bad magic number, a size beyond the file, inodes over the bitmap,
    a log too small, and a truncated file: each stops the check (exit 1,
    also with -y, which changes nothing)."""
    def truncate(k):
        del k.raw[FSSIZE * BSIZE // 2:]

    holds = r"^fsck: superblock: the file system has {} blocks, but \S+ holds only {}$"
    cases = [
        (lambda k: k.put_superblock(magic=0x12345678),
         r"^fsck: superblock: bad magic number 0x12345678"),
        (lambda k: k.put_superblock(size=FSSIZE + 1), holds.format(FSSIZE + 1, FSSIZE)),
        (lambda k: k.put_superblock(ninodes=k.ninodes * 4),
         r"^fsck: superblock: the bitmap \(block \d+\) overlaps the inodes"),
        (lambda k: k.put_superblock(nlog=3, inodestart=5),
         r"^fsck: superblock: a log of 3 blocks is too small"),
        (lambda k: k.put_superblock(nblocks=FSSIZE), r"^fsck: superblock: .* do not fit in"),
        (lambda k: k.put_superblock(ninodes=70000), r"^fsck: superblock: 70000 inodes"),
        (truncate, holds.format(FSSIZE, FSSIZE // 2)),
    ]
    with tempfile.TemporaryDirectory() as d:
        for damage, line in cases:
            img = fresh_image(d)
            disk = Disk(img)
            damage(disk)
            disk.save()
            expect(img, 1, [line, r"^fsck: \S+: not checked further$"])
            with open(img, "rb") as f:
                before = f.read()
            expect(img, 1, [line], ("-y",))
            with open(img, "rb") as f:
                assert f.read() == before, "fsck -y wrote an image whose superblock is damaged"


# ---- Inodes ------------------------------------------------------------------------

def bad_type(t):
    """An inode of unknown type: -y clears it and the entry naming it."""
    def damage(k, tree):
        k.set_inode(SMALL, type=9)

    def after(k, tree):
        assert k.inode(SMALL)["type"] == 0, "the inode of unknown type is still allocated"
        assert not any(inum == SMALL for n, inum, at in k.entries(ROOTINO)), "/small is still named"
    damaged(damage, [rf"^fsck: inode {SMALL}: unknown type 9$",
                     rf"^fsck: /small: names inode {SMALL}, whose type was unknown$",
                     rf"^fsck: /d/s: names inode {SMALL}, whose type was unknown$"], after=after)


def size_too_big(t):
    """A size beyond MAXFILE blocks: -y cuts it to the blocks the file has."""
    def damage(k, tree):
        k.set_inode(README, size=MAXFILE * BSIZE + 1)

    def after(k, tree):
        assert k.inode(README)["size"] == 3 * BSIZE, f"size {k.inode(README)['size']} after -y"
    damaged(damage, [rf"^fsck: inode {README}: size {MAXFILE * BSIZE + 1} is larger than the "
                     rf"largest file \({MAXFILE * BSIZE} bytes\)$"], after=after)


def block_missing(t):
    """A block missing inside the size: -y cuts the size to before it."""
    def damage(k, tree):
        k.set_inode(README, addrs={1: 0})
    def after(k, tree):
        assert k.inode(README)["size"] == BSIZE, f"size {k.inode(README)['size']} after -y"
    damaged(damage, [rf"^fsck: inode {README}: block 1 of its {len(README_TEXT)} bytes is missing$",
                     r"^fsck: bitmap: block \d+ is marked in use, but no file uses it$"],
            after=after)


def block_out_of_range(t):
    """Direct block numbers beyond the disk or in the metadata, an indirect
    block beyond the disk, and an indirect entry naming the log: each is
    reported with its number; -y clears them."""
    def direct(k, tree):
        k.set_inode(README, addrs={2: FSSIZE + 7})
        k.set_inode(tree.f, addrs={0: 1})
    damaged(direct, [rf"^fsck: inode {README}: direct block number {FSSIZE + 7} is outside the "
                     rf"data area \(blocks \d+-{FSSIZE - 1}\)$",
                     rf"^fsck: inode {README}: block 2 of its \d+ bytes is missing$",
                     r"^fsck: inode \d+: direct block number 1 is outside the data area"])

    def indirect_entry(k, tree):
        ind = k.inode(BIG)["addrs"][NDIRECT]
        k.poke(ind * BSIZE + 4, "I", k.logstart)
    damaged(indirect_entry, [rf"^fsck: inode {BIG}: indirect block \d+ holds 1 block number "
                             rf"outside the data area \(blocks \d+-\d+\), the first 2 at entry 1$"])

    def indirect(k, tree):
        k.set_inode(BIG, addrs={NDIRECT: 0xFFFFFFFF})
    damaged(indirect, [rf"^fsck: inode {BIG}: indirect block number 4294967295 is outside"])


def block_used_twice(t):
    """A block that two files use, and one that a file uses twice: reported
    with both owners; -y cannot repair them (exit 1)."""
    def damage(k, tree):
        k.set_inode(SMALL, addrs={0: k.inode(README)["addrs"][0]})
        k.set_inode(tree.f, addrs={1: k.inode(tree.f)["addrs"][0]}, size=2 * BSIZE)
    damaged(damage, [r"^fsck: block \d+ is used by both /README \(inode 2\) and "
                     r"/small \(inode 4\)$",
                     r"^fsck: block \d+ is used twice by /d/f \(inode \d+\)$"],
            repairable=False)


# ---- The bitmap ------------------------------------------------------------------

def bitmap_wrong(t):
    """A used block marked free, a free block marked in use and a metadata
    block marked free: each reported; -y rewrites the bits."""
    spots = {}

    def damage(k, tree):
        spots["used"] = k.inode(README)["addrs"][1]
        spots["free"] = k.free_data_block()
        k.set_in_use(spots["used"], False)
        k.set_in_use(spots["free"], True)
        k.set_in_use(k.logstart, False)

    def after(k, tree):
        assert k.in_use(spots["used"]) and not k.in_use(spots["free"]) and k.in_use(k.logstart), \
            "fsck -y left the bits wrong"
    damaged(damage, [r"^fsck: bitmap: block \d+, used by /README \(inode 2\), is marked free$",
                     r"^fsck: bitmap: block \d+ is marked in use, but no file uses it$",
                     r"^fsck: bitmap: metadata block 2 marked free$"], after=after)


# ---- Directories -------------------------------------------------------------------

def entry_names_free_inode(t):
    """An entry naming a free inode: -y clears the entry."""
    def damage(k, tree):
        k.add_entry(ROOTINO, "ghost", 150)
    damaged(damage, [r"^fsck: /ghost: names free inode 150$"])


def entry_inum_out_of_range(t):
    """An entry naming an inode number beyond ninodes."""
    def damage(k, tree):
        k.set_entry(tree.d, "f", inum=60000)
    damaged(damage, [r"^fsck: /d/f: names inode 60000, but the last inode is 199$",
                     r"^fsck: orphan inode \d+ \(file, 7 bytes\) has nlink 1"])


def dot_entries(t):
    """A "." that names another inode, a free "..", "." and ".." swapped,
    and a second ".": -y rewrites or clears each."""
    def damage(k, tree):
        k.set_entry(tree.d, ".", inum=README)
        k.set_entry(tree.e, "..", inum=0)
        ents = k.entries(ROOTINO)
        k.poke(ents[0][2] + 2, "2s", b"..")
        k.poke(ents[1][2] + 2, "2s", b".\0")
        k.add_entry(tree.d, ".", tree.d)

    def after(k, tree):
        for dir_inum, parent in ((ROOTINO, ROOTINO), (tree.d, ROOTINO), (tree.e, tree.d)):
            ents = k.entries(dir_inum)
            assert ents[0][:2] == (".", dir_inum) and ents[1][:2] == ("..", parent), \
                f"directory {dir_inum} begins {ents[:2]} after -y"
    damaged(damage, [rf"^fsck: /d: \".\" names inode {README}, not the directory itself",
                     r"^fsck: /d/e: no \"..\" entry \(entry 1 is free\)$",
                     r"^fsck: /: entry 0 is \"..\", not \".\"$",
                     r"^fsck: /: entry 1 is \".\", not \"..\"$",
                     r"^fsck: /d: a second \".\" entry, at offset \d+$"],
            after=after)


def dot_entry_holds_a_name(t):
    """Entry 0 holding a file's name is reported and left (exit 1 after -y)."""
    def damage(k, tree):
        k.poke(k.entries(tree.e)[0][2], "H14s", README, b"x")
    damaged(damage, [r"^fsck: /d/e: entry 0 is \"x\" \(inode 2\), not \".\"$"],
            repairable=False)


def directory_cycle(t):
    """An entry naming an ancestor (a cycle) or the root: cleared, and the
    walk ends."""
    def damage(k, tree):
        k.add_entry(tree.e, "up", tree.d)
        k.add_entry(tree.e, "top", ROOTINO)
    damaged(damage, [r"^fsck: /d/e/up: names directory /d \(inode \d+\), which has a name already$",
                     r"^fsck: /d/e/top: names the root directory$"])


def bad_names(t):
    """Two entries of one name, an empty name and a name holding '/'."""
    def damage(k, tree):
        k.add_entry(tree.d, "f", README)
        k.add_entry(tree.d, "", README)
        k.add_entry(tree.d, "a/b", README)
    damaged(damage, [r"^fsck: /d/f: a second entry of that name, at offset \d+ \(inode 2\)$",
                     r"^fsck: /d: an entry with no name, at offset \d+ \(inode 2\)$",
                     r"^fsck: /d/a/b: a name holding '/', at offset \d+ \(inode 2\)$"])


def directory_size(t):
    """A directory size that is not whole entries: cut to whole ones."""
    def damage(k, tree):
        k.set_inode(tree.d, size=5 * DIRENT.size + 5)  # ".", "..", f, e, s and a bit
    def after(k, tree):
        assert k.inode(tree.d)["size"] == 5 * DIRENT.size, f"size {k.inode(tree.d)['size']}"
    damaged(damage, [rf"^fsck: inode \d+: directory size {5 * DIRENT.size + 5} is not a whole "
                     rf"number of {DIRENT.size}-byte entries$"], after=after)


# ---- Link counts --------------------------------------------------------------------

def link_counts(t):
    """Wrong nlinks on a file, on a directory (its subdirectory's ".."
    counts) and on the root: -y sets each to what the entries say."""
    def damage(k, tree):
        k.set_inode(README, nlink=3)
        k.set_inode(SMALL, nlink=1)
        k.set_inode(tree.d, nlink=1)
        k.set_inode(ROOTINO, nlink=1)

    def after(k, tree):
        got = [k.inode(i)["nlink"] for i in (README, SMALL, tree.d, ROOTINO)]
        assert got == [1, 2, 2, 2], f"nlinks after -y: {got}, want [1, 2, 2, 2]"
    damaged(damage, [r"^fsck: /README \(inode 2\): nlink 3, but 1 directory entry names it$",
                     r"^fsck: /small \(inode 4\): nlink 1, but 2 directory entries name it$",
                     r"^fsck: /d \(inode \d+\): nlink 1, but 2 directory entries name it "
                     r"\(1 of them \"..\"\)$",
                     r"^fsck: / \(inode 1\): nlink 1, but 2 directory entries name it "
                     r"\(2 of them \"..\"\)$"], after=after)


# ---- Orphans -----------------------------------------------------------------------

def orphans_are_not_damage(t):
    """Files unlinked while open and a removed working directory, left by a
    crash with nlink 0: reported as orphans, exit 0; -y frees them and
    their blocks."""
    with tempfile.TemporaryDirectory() as d:
        img, tree = tree_image(d)
        k = Disk(img)
        f = k.unlink(tree.d, "f")
        e = k.unlink(tree.d, "e")
        block = k.inode(f)["addrs"][0]
        k.save()
        expect(img, 0, [rf"^fsck: orphan inode {f} \(file, 7 bytes\)$",
                        rf"^fsck: orphan inode {e} \(directory, 32 bytes\)$",
                        r"clean, 9 inodes and \d+ of \d+ blocks in use, "
                        r"2 orphans for the kernel to free$"])
        expect(img, 0, [rf"^fsck: fixed: orphan inode {f} \(file, 7 bytes\); "
                        r"freed it and its 1 block$",
                        rf"^fsck: fixed: orphan inode {e} \(directory, 32 bytes\); freed it"],
               ("-y",))
        k = Disk(img)
        assert k.inode(f)["type"] == 0 and k.inode(e)["type"] == 0, "fsck -y left the orphans"
        assert not k.in_use(block), f"the orphan's block {block} is still marked in use"
        expect(img, 0, [r"clean, 7 inodes and"], absent=[r"orphan"])


def unreachable_directory(t):
    """/d's entry cleared: /d (with its links) and what only /d names are
    orphans, and damage; -y frees them and fixes the root's nlink."""
    def damage(k, tree):
        k.clear_entry(ROOTINO, "d")

    def after(k, tree):
        assert all(k.inode(i)["type"] == 0 for i in (tree.d, tree.e, tree.f)), "orphans left"
        assert k.inode(SMALL)["nlink"] == 1 and k.inode(ROOTINO)["nlink"] == 1, "nlinks not fixed"
    damaged(damage, [r"^fsck: orphan inode \d+ \(directory, \d+ bytes\) has nlink 2; the kernel "
                     r"frees only orphans with nlink 0$",
                     r"^fsck: orphan inode \d+ \(file, 7 bytes, in orphan directory \d+\) "
                     r"has nlink 1",
                     r"^fsck: orphan inode \d+ \(directory, 32 bytes, in orphan directory \d+\)",
                     r"^fsck: /small \(inode 4\): nlink 2, but 1 directory entry names it$",
                     r"^fsck: / \(inode 1\): nlink 2, but 1 directory entry names it"],
            after=after)


# ---- The log -------------------------------------------------------------------------

def commit(k, blocks):
    """Write a committed log to k: blocks is [(home block, its new contents)]."""
    for i, (home, data) in enumerate(blocks):
        k.set_block(k.logstart + 1 + i, data)
    k.poke(k.logstart * BSIZE, "%dI" % (1 + len(blocks)), len(blocks), *[h for h, _ in blocks])


def log_replay(t):
    """A committed log is replayed before the checks: on a copy with -n
    (the file unchanged), installed and retired with -y."""
    with tempfile.TemporaryDirectory() as d:
        img, tree = tree_image(d)
        k = Disk(img)
        iblock = k.inode_offset(README) // BSIZE
        rblock = k.file_block(ROOTINO, 0)

        def contents(bno):
            return bytes(k.raw[bno * BSIZE:(bno + 1) * BSIZE])
        # A commit that renames /small to /tiny (the root's block) and gives
        # it nlink 5 (the inodes' block): the damage is in the log alone.
        k.set_entry(ROOTINO, "small", new_name="tiny")
        renamed = contents(rblock)
        k.set_entry(ROOTINO, "tiny", new_name="small")
        k.set_inode(SMALL, nlink=5)
        bad_inodes = contents(iblock)
        k.set_inode(SMALL, nlink=2)
        good_inodes = contents(iblock)
        # The disk says /README has nlink 7; either commit's inode block has 1.
        k.set_inode(README, nlink=7)
        replayed = r"^fsck: log: replayed a committed transaction of 2 blocks \(on a copy; " \
                   r"-y installs it\)$"

        commit(k, [(iblock, bad_inodes), (rblock, renamed)])
        k.save()
        expect(img, 1, [replayed, r"^fsck: /tiny \(inode 4\): nlink 5, but 2 directory entries "
                        r"name it$"], absent=[r"nlink 7"])
        commit(k, [(iblock, good_inodes), (rblock, renamed)])
        k.save()
        expect(img, 0, [replayed, CLEAN], absent=[r"nlink 7"])

        expect(img, 0, [r"^fsck: log: installed a committed transaction of 2 blocks and cleared "
                        r"the header$"], ("-y",))
        k = Disk(img)
        assert k.peek(k.logstart * BSIZE, "I") == 0, "fsck -y left the log header's count"
        assert k.inode(README)["nlink"] == 1, "fsck -y did not install the inode block"
        assert k.lookup(ROOTINO, "tiny") == SMALL, "fsck -y did not install the directory block"
        expect(img, 0, [CLEAN], absent=[r"log"])


def log_damaged(t):
    """A log header the kernel would refuse (too many blocks, a home in the
    superblock): not replayed, reported; -y clears the header."""
    def too_many(k, tree):
        k.poke(k.logstart * BSIZE, "I", 200)

    def home_outside(k, tree):
        commit(k, [(1, bytes(BSIZE))])

    def after(k, tree):
        assert k.peek(k.logstart * BSIZE, "I") == 0, "the damaged header was not cleared"
        assert k.magic == FSMAGIC, "the superblock was overwritten"
    damaged(too_many, [r"^fsck: log: the header names 200 blocks, but the log holds \d+; "
                       r"not replayed$"], after=after)
    damaged(home_outside, [r"^fsck: log: entry 0 names block 1, outside blocks \d+-\d+; "
                           r"not replayed$"], after=after)


# ---- Fuzzing -------------------------------------------------------------------------

def fuzz_base(d):
    """The tree image shrunk to FUZZ_SIZE blocks (a smaller superblock size),
    so that hundreds of copies are cheap; it must still be clean."""
    img, tree = tree_image(d)
    k = Disk(img)
    assert k.data_start + 80 < FUZZ_SIZE, "the tree image no longer fits in FUZZ_SIZE blocks"
    k.put_superblock(size=FUZZ_SIZE, nblocks=FUZZ_SIZE - k.data_start)
    del k.raw[FUZZ_SIZE * BSIZE:]
    k.save()
    expect(img, 0, [CLEAN])
    return img, tree


def mutations(k, tree):
    """The kinds of damage the fuzzer picks from: name -> (fn(rng), which
    damages k, and how often to pick it). Damage that fsck refuses at once
    (the superblock, truncation, a whole image of one byte) is picked less
    often, so that most cases reach the deeper checks. "truncate" must
    come last: the others write in place."""
    def scribble(rng, start, length, count):
        for _ in range(count):
            k.raw[start + rng.randrange(length)] = rng.randrange(256)

    # Where things are in the undamaged image, found before any damage.
    dir_blocks = [k.file_block(i, 0) for i in (ROOTINO, tree.d, tree.e)]
    indirect = k.inode(BIG)["addrs"][NDIRECT]
    entry_offsets = [at for i in (ROOTINO, tree.d, tree.e) for n, inum, at in k.entries(i)]

    def entry_inum(rng):
        k.poke(rng.choice(entry_offsets), "H", rng.choice(
            [0, ROOTINO, tree.d, tree.e, tree.f, 150, k.ninodes, rng.randrange(65536)]))

    def inode_field(rng):
        inum = rng.choice([ROOTINO, README, BIG, SMALL, EMPTY, tree.d, tree.e, tree.f,
                           tree.console, 0, 150])
        field = rng.choice(["type", "nlink", "size", "addrs"])
        edge = [0, 1, 2, 3, 0x7FFF, 0xFFFF, k.size - 1, k.size, MAXFILE * BSIZE,
                0xFFFFFFFF, rng.randrange(1 << 32)]
        value = rng.choice(edge)
        if field == "addrs":
            k.set_inode(inum, addrs={rng.randrange(NDIRECT + 1): value & 0xFFFFFFFF})
        elif field == "size":
            k.set_inode(inum, size=value & 0xFFFFFFFF)
        else:
            k.set_inode(inum, **{field: struct.unpack("<h", struct.pack("<H", value & 0xFFFF))[0]})

    def log_header(rng):
        count = rng.choice([1, 2, k.nlog - 1, k.nlog, rng.randrange(1 << 32)])
        homes = [rng.choice([1, k.logstart, k.inodestart, k.bmapstart, rng.randrange(k.size),
                             rng.randrange(1 << 32)]) for _ in range(min(count, k.nlog - 1))]
        k.poke(k.logstart * BSIZE, "%dI" % (1 + len(homes)), count & 0xFFFFFFFF, *homes)
        for i in range(len(homes)):
            scribble(rng, (k.logstart + 1 + i) * BSIZE, BSIZE, 50)

    def garbage_block(rng):
        bno = rng.choice([k.inodestart, k.bmapstart, indirect] + dir_blocks)
        k.set_block(bno, bytes(rng.randrange(256) for _ in range(BSIZE)))

    def truncate(rng):
        del k.raw[rng.randrange(len(k.raw)):]

    def fill(value):
        def f(rng):
            k.raw[:] = bytes([value]) * len(k.raw)
        return f

    return {
        "superblock bytes": (lambda rng: scribble(rng, BSIZE, SUPERBLOCK.size,
                                                  rng.randint(1, 3)), 2),
        "inode bytes": (lambda rng: scribble(rng, k.inodestart * BSIZE, BSIZE,
                                             rng.randint(1, 20)), 4),
        "bitmap bytes": (lambda rng: scribble(rng, k.bmapstart * BSIZE, FUZZ_SIZE // 8,
                                              rng.randint(1, 4)), 3),
        "directory bytes": (lambda rng: scribble(rng, rng.choice(dir_blocks) * BSIZE, 128,
                                                 rng.randint(1, 8)), 4),
        "indirect bytes": (lambda rng: scribble(rng, indirect * BSIZE, 16,
                                                rng.randint(1, 4)), 2),
        "entry inum": (entry_inum, 4),
        "inode field": (inode_field, 6),
        "log header": (log_header, 3),
        "garbage block": (garbage_block, 3),
        "truncate": (truncate, 1),
        "all zero": (fill(0), 1),
        "all 0xff": (fill(0xFF), 1),
    }


def fuzz(t):
    """Seeded random damage, one to three kinds at a time: fsck -n exits 0
    or 1 (never a signal or a hang) and changes nothing; -y exits 0 or 1
    too, and when it exits 0, a second -n finds the image clean."""
    rng = random.Random(FUZZ_SEED)
    with tempfile.TemporaryDirectory() as d:
        base, tree = fuzz_base(d)
        with open(base, "rb") as f:
            pristine = f.read()
        img = os.path.join(d, "fuzz.img")
        counts = {}
        for i in range(FUZZ_CASES):
            with open(img, "wb") as f:
                f.write(pristine)
            k = Disk(img)
            kinds = mutations(k, tree)
            pool = sorted(kinds)
            names = rng.choices(pool, [kinds[n][1] for n in pool], k=rng.choice([1, 1, 2, 3]))
            names.sort(key=lambda n: n == "truncate")
            for name in names:
                kinds[name][0](rng)
                counts[name] = counts.get(name, 0) + 1
            k.save()
            what = f"fuzz case {i} ({', '.join(names)})"
            statuses = []
            for flag in ("-n", "-y", "-n"):
                status, out = run_fsck(img, flag)
                assert status in (0, 1), f"{what}: fsck {flag} exited {status}:\n{out}"
                odd = [l for l in out.splitlines() if not l.startswith("fsck: ")]
                assert not odd, f"{what}: fsck {flag} printed lines without 'fsck: ': {odd}"
                statuses.append(status)
            assert statuses[1] == 1 or statuses[2] == 0, \
                f"{what}: fsck -y exited 0, but -n then found:\n{out}"
        t.note("damage applied: " + ", ".join(f"{n} {c}" for n, c in sorted(counts.items())))


CASES = [
    Case("a fresh mkfs image is clean, and the summary counts it", fresh_is_clean),
    Case("an image with no files is clean", empty_mkfs_is_clean),
    Case("directories made as the kernel makes them are clean", kernel_tree_is_clean),
    Case("usage errors and unreadable files exit 2", usage_errors),
    Case("a superblock that lies stops the check", superblock_lies),
    Case("an inode of unknown type", bad_type),
    Case("a size larger than the largest file", size_too_big),
    Case("a block missing inside a file's size", block_missing),
    Case("block numbers outside the data area", block_out_of_range),
    Case("a block used twice is reported, not repaired", block_used_twice),
    Case("bitmap bits wrong both ways", bitmap_wrong),
    Case("an entry naming a free inode", entry_names_free_inode),
    Case("an entry naming an inode beyond ninodes", entry_inum_out_of_range),
    Case("wrong, missing and extra \".\" and \"..\"", dot_entries),
    Case("entry 0 holding a name is reported and left", dot_entry_holds_a_name),
    Case("a directory cycle and a link to the root", directory_cycle),
    Case("duplicate, empty and '/' names", bad_names),
    Case("a directory size that is not whole entries", directory_size),
    Case("wrong link counts on a file, a directory and the root", link_counts),
    Case("orphans with nlink 0 are not damage; -y frees them", orphans_are_not_damage),
    Case("an unreachable directory and what it holds", unreachable_directory),
    Case("a committed log is replayed: on a copy with -n, installed with -y", log_replay),
    Case("a damaged log header is reported, not replayed", log_damaged),
    Case(f"fuzz: {FUZZ_CASES} seeded random corruptions", fuzz, timeout=60),
]
