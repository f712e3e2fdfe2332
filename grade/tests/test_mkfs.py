"""Host-side tests of mkfs/mkfs, the file-system image builder.

Each case runs ./mkfs/mkfs on files made in a temporary directory and
raises AssertionError with an explanation if mkfs misbehaves. Good builds
are checked by parsing the image here, independently of the kernel: the
superblock, the root directory and file contents read back through the
inodes' direct and indirect blocks, and the free-block bitmap.

The on-disk constants are read from kernel/param.h and kernel/fs.h, so the
tests follow the headers rather than repeating their numbers. The Image
parser here is also how test_boot and test_corrupt read and damage images.

Run alone: python3 -m grade.tests mkfs  (mkfs must be built first).
"""
import os
import struct
import subprocess
import tempfile

from grade.runner import ROOT
from grade.tests.harness import Case
from grade.tests.tree import header_constant

MKFS = os.path.join(ROOT, "mkfs", "mkfs")


FSSIZE = header_constant("param.h", "FSSIZE")
BSIZE = header_constant("fs.h", "BSIZE")
FSMAGIC = header_constant("fs.h", "FSMAGIC")
ROOTINO = header_constant("fs.h", "ROOTINO")
NDIRECT = header_constant("fs.h", "NDIRECT")
DIRSIZ = header_constant("fs.h", "DIRSIZ")
T_DIR = header_constant("stat.h", "T_DIR")
T_FILE = header_constant("stat.h", "T_FILE")
NINDIRECT = BSIZE // 4
MAXFILE = NDIRECT + NINDIRECT
NINODES = 200                      # what mkfs promises to provide

SUPERBLOCK = struct.Struct("<8I")  # magic size nblocks ninodes nlog logstart inodestart bmapstart
DINODE = struct.Struct("<4hI%dI" % (NDIRECT + 1))  # type major minor nlink size addrs
DIRENT = struct.Struct("<H%ds" % DIRSIZ)
IPB = BSIZE // DINODE.size


# ---- Running mkfs and reading images --------------------------------------

def run_mkfs(image, *inputs):
    """Run mkfs; return (exit status, stderr text)."""
    assert os.access(MKFS, os.X_OK), f"{MKFS} is not built (run: make mkfs/mkfs)"
    proc = subprocess.run([MKFS, image, *inputs], cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=60)
    return proc.returncode, proc.stderr


def make_file(directory, name, data):
    path = os.path.join(directory, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def pattern(n, seed):
    """n bytes that differ from block to block, so misplaced blocks show."""
    return bytes((i * 7 + i // BSIZE + seed) & 0xFF for i in range(n))


class Image:
    """A parsed file-system image."""

    def __init__(self, path):
        with open(path, "rb") as f:
            self.raw = f.read()
        (self.magic, self.size, self.nblocks, self.ninodes, self.nlog,
         self.logstart, self.inodestart, self.bmapstart) = \
            SUPERBLOCK.unpack_from(self.block(1))

    def block(self, bno):
        assert 0 <= bno < len(self.raw) // BSIZE, f"block {bno} is outside the image"
        return self.raw[bno * BSIZE:(bno + 1) * BSIZE]

    def inode(self, inum):
        blk = self.block(self.inodestart + inum // IPB)
        typ, major, minor, nlink, size, *addrs = DINODE.unpack_from(blk, (inum % IPB) * DINODE.size)
        return {"type": typ, "nlink": nlink, "size": size, "addrs": addrs}

    def block_numbers(self, inum):
        """The data blocks of an inode in file order, plus its indirect block."""
        ino = self.inode(inum)
        count = (ino["size"] + BSIZE - 1) // BSIZE
        assert count <= MAXFILE, f"inode {inum} claims {ino['size']} bytes, over MAXFILE blocks"
        blocks = ino["addrs"][:min(count, NDIRECT)]
        extra = []
        if count > NDIRECT:
            ind = ino["addrs"][NDIRECT]
            assert ind != 0, f"inode {inum} has {count} blocks but no indirect block"
            extra.append(ind)
            blocks += list(struct.unpack_from("<%dI" % (count - NDIRECT), self.block(ind)))
        for b in blocks:
            assert b != 0, f"inode {inum} has a hole (block number 0) within its size"
        return blocks, extra

    def read(self, inum):
        blocks, _ = self.block_numbers(inum)
        data = b"".join(self.block(b) for b in blocks)
        return data[:self.inode(inum)["size"]]

    def root_entries(self):
        """{name: inum} of the root directory's used entries."""
        data = self.read(ROOTINO)
        assert len(data) % DIRENT.size == 0, f"root directory size {len(data)} is not whole entries"
        entries = {}
        for off in range(0, len(data), DIRENT.size):
            inum, raw = DIRENT.unpack_from(data, off)
            if inum:
                name = raw.split(b"\0", 1)[0].decode()
                assert name not in entries, f"root directory names {name!r} twice"
                entries[name] = inum
        return entries

    def block_in_use(self, bno):
        byte = self.block(self.bmapstart + bno // (BSIZE * 8))[(bno % (BSIZE * 8)) // 8]
        return bool(byte & (1 << (bno % 8)))


def expect_refusal(inputs, why, mention):
    """mkfs on inputs must fail with a message on stderr that mentions `mention`."""
    with tempfile.TemporaryDirectory() as d:
        image = os.path.join(d, "fs.img")
        status, err = run_mkfs(image, *[p(d) if callable(p) else p for p in inputs])
        assert status != 0, f"mkfs accepted {why} (exit status 0)"
        assert err.strip(), f"mkfs refused {why} but printed nothing on stderr"
        assert mention in err, f"mkfs's message for {why} does not mention {mention!r}: {err.strip()!r}"


# ---- Cases ----------------------------------------------------------------

def good_build(t):
    """A normal build: superblock, names, contents (direct + indirect), bitmap."""
    with tempfile.TemporaryDirectory() as d:
        big = pattern((NDIRECT + 5) * BSIZE + 123, seed=1)  # needs the indirect block
        small = b"hello, file system\n"
        files = [make_file(d, "_prog", big), make_file(d, "README.md", small),
                 make_file(d, "empty", b"")]
        image = os.path.join(d, "fs.img")
        with open(image, "wb") as f:
            f.write(b"x" * (FSSIZE * BSIZE + 5000))  # an old, larger image must be replaced
        status, err = run_mkfs(image, *files)
        assert status == 0, f"mkfs failed on good input (status {status}): {err.strip()}"
        assert os.path.getsize(image) == FSSIZE * BSIZE, \
            f"image is {os.path.getsize(image)} bytes, want FSSIZE*BSIZE = {FSSIZE * BSIZE}"

        img = Image(image)
        assert img.magic == FSMAGIC, f"superblock magic {img.magic:#x}, want {FSMAGIC:#x}"
        assert img.size == FSSIZE, f"superblock size {img.size}, want {FSSIZE}"
        assert img.ninodes == NINODES, f"superblock ninodes {img.ninodes}, want {NINODES}"
        assert img.logstart < img.inodestart < img.bmapstart < FSSIZE - img.nblocks, \
            "regions out of order: log, inodes, bitmap, then data"
        assert img.bmapstart + 1 <= FSSIZE - img.nblocks, "bitmap overlaps the data blocks"

        root = img.inode(ROOTINO)
        assert root["type"] == T_DIR, f"root inode type {root['type']}, want T_DIR"
        entries = img.root_entries()
        for name in (".", "..", "prog", "README.md", "empty"):
            assert name in entries, f"root directory lacks {name!r}; has {sorted(entries)}"
        assert "_prog" not in entries, "leading '_' was not stripped from _prog"
        assert entries["."] == ROOTINO and entries[".."] == ROOTINO, \
            "root's '.' and '..' must both name the root inode"

        for name, want in (("prog", big), ("README.md", small), ("empty", b"")):
            ino = img.inode(entries[name])
            assert ino["type"] == T_FILE, f"/{name} has type {ino['type']}, want T_FILE"
            assert ino["nlink"] == 1, f"/{name} has nlink {ino['nlink']}, want 1"
            got = img.read(entries[name])
            assert got == want, f"/{name} reads back {len(got)} bytes that differ from the " \
                                f"{len(want)}-byte input"

        used = set()
        for inum in set(entries.values()):
            blocks, extra = img.block_numbers(inum)
            for b in blocks + extra:
                assert FSSIZE - img.nblocks <= b < FSSIZE, f"inode {inum} uses non-data block {b}"
                assert b not in used, f"block {b} belongs to two files"
                assert img.block_in_use(b), f"block {b} of inode {inum} is free in the bitmap"
                used.add(b)
        for b in range(FSSIZE - img.nblocks):
            assert img.block_in_use(b), f"metadata block {b} is free in the bitmap"
        free = [b for b in range(FSSIZE - img.nblocks, FSSIZE) if not img.block_in_use(b)]
        assert len(free) == img.nblocks - len(used), \
            f"{len(free)} data blocks free in the bitmap, want {img.nblocks - len(used)}"


def no_files(t):
    """No input files: a valid image whose root holds only '.' and '..'."""
    with tempfile.TemporaryDirectory() as d:
        image = os.path.join(d, "fs.img")
        status, err = run_mkfs(image)
        assert status == 0, f"mkfs failed with no input files: {err.strip()}"
        entries = Image(image).root_entries()
        assert sorted(entries) == [".", ".."], f"empty root should hold . and .., has {sorted(entries)}"


def largest_file(t):
    """A file of exactly MAXFILE blocks fits and reads back whole."""
    with tempfile.TemporaryDirectory() as d:
        data = pattern(MAXFILE * BSIZE, seed=3)
        image = os.path.join(d, "fs.img")
        status, err = run_mkfs(image, make_file(d, "max", data))
        assert status == 0, f"mkfs refused a file of exactly MAXFILE blocks: {err.strip()}"
        img = Image(image)
        assert img.read(img.root_entries()["max"]) == data, "largest file does not read back"


def missing_input(t):
    """A missing input file is refused (exit status 1 expected, name in message)."""
    expect_refusal([lambda d: os.path.join(d, "no-such-file")], "a missing input file",
                   "no-such-file")


def name_too_long(t):
    """A name of DIRSIZ + 1 characters is refused; DIRSIZ exactly is accepted."""
    long_name = "n" * (DIRSIZ + 1)
    expect_refusal([lambda d: make_file(d, long_name, b"x")], "a name longer than DIRSIZ",
                   long_name)
    with tempfile.TemporaryDirectory() as d:
        ok = "m" * DIRSIZ
        image = os.path.join(d, "fs.img")
        status, err = run_mkfs(image, make_file(d, "_" + ok, b"x"))
        assert status == 0, f"mkfs refused a name of exactly DIRSIZ characters: {err.strip()}"
        assert ok in Image(image).root_entries(), f"{ok!r} missing from the root directory"


def file_too_large(t):
    """A file of MAXFILE blocks plus one byte is refused."""
    expect_refusal([lambda d: make_file(d, "huge", b"\0" * (MAXFILE * BSIZE + 1))],
                   "a file larger than MAXFILE*BSIZE", "huge")


def too_many_files(t):
    """One file more than the inodes allow is refused; exactly that many fit."""
    most = NINODES - 2  # inode 0 is unused and the root takes one

    def files(d, n):
        return [make_file(d, "f%d" % i, b"%d" % i) for i in range(n)]

    with tempfile.TemporaryDirectory() as d:
        image = os.path.join(d, "fs.img")
        status, err = run_mkfs(image, *files(d, most + 1))
        assert status != 0, f"mkfs accepted {most + 1} files with {NINODES} inodes"
        assert "too many" in err, f"unclear message for too many files: {err.strip()!r}"
        status, err = run_mkfs(image, *files(d, most))
        assert status == 0, f"mkfs refused {most} files, which should fit: {err.strip()}"
        entries = Image(image).root_entries()
        assert len(entries) == most + 2, f"root has {len(entries)} entries, want {most + 2}"


def disk_full(t):
    """Files that together exceed the data blocks are refused."""
    def files(d):
        size = MAXFILE * BSIZE
        count = FSSIZE // MAXFILE + 1
        return [make_file(d, "big%d" % i, b"\1" * size) for i in range(count)]

    with tempfile.TemporaryDirectory() as d:
        status, err = run_mkfs(os.path.join(d, "fs.img"), *files(d))
        assert status != 0, "mkfs accepted more data than the disk holds"
        assert "blocks" in err, f"unclear message for a full disk: {err.strip()!r}"


def duplicate_name(t):
    """Two inputs that map to the same name (a/x and b/_x) are refused."""
    def inputs(d):
        os.mkdir(os.path.join(d, "a"))
        os.mkdir(os.path.join(d, "b"))
        return [make_file(d, "a/x", b"1"), make_file(d, "b/_x", b"2")]

    with tempfile.TemporaryDirectory() as d:
        status, err = run_mkfs(os.path.join(d, "fs.img"), *inputs(d))
        assert status != 0, "mkfs accepted two files both named /x"
        assert "/x" in err, f"message for a duplicate name does not name it: {err.strip()!r}"


def named_input(t):
    """NAME=FILE installs FILE as /NAME (the build's README=README.md);
    a long, empty or duplicate NAME is refused like any other name."""
    with tempfile.TemporaryDirectory() as d:
        text = b"# a readme\n"
        src = make_file(d, "README.md", text)
        image = os.path.join(d, "fs.img")
        status, err = run_mkfs(image, f"README={src}", make_file(d, "_prog", b"p"))
        assert status == 0, f"mkfs refused README=FILE: {err.strip()}"
        img = Image(image)
        entries = img.root_entries()
        assert "README" in entries and "README.md" not in entries, \
            f"README=FILE gave the entries {sorted(entries)}"
        assert img.read(entries["README"]) == text, "/README does not hold the file's bytes"
    long_name = "n" * (DIRSIZ + 1)
    expect_refusal([lambda d: f"{long_name}={make_file(d, 'x', b'x')}"],
                   "NAME=FILE with a NAME longer than DIRSIZ", long_name)
    expect_refusal([lambda d: f"={make_file(d, 'x', b'x')}"], "an empty NAME", "empty")
    expect_refusal([lambda d: f"x={make_file(d, 'y', b'y')}", lambda d: make_file(d, "_x", b"x")],
                   "NAME=FILE naming the same file as another input", "/x")


CASES = [
    Case("good build: superblock, root entries, contents, bitmap", good_build),
    Case("no input files: empty root", no_files),
    Case("file of exactly MAXFILE blocks", largest_file),
    Case("missing input file is refused", missing_input),
    Case("name longer than DIRSIZ is refused", name_too_long),
    Case("file larger than MAXFILE blocks is refused", file_too_large),
    Case("more files than inodes is refused", too_many_files),
    Case("more data than the disk holds is refused", disk_full),
    Case("duplicate name is refused", duplicate_name),
    Case("NAME=FILE names the file in the image", named_input),
]
