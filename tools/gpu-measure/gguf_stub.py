#!/usr/bin/env python3
"""Carry the test kit's synthetic GGUFs as their headers only, and rebuild them byte for byte elsewhere.

The test kit (testkit/, eu.prositronic.testkit.SyntheticGguf) writes GGUF v3 files whose tensor data is all zero and
never written: the file is its header (metadata, tensor infos, padding to the alignment) followed by a hole up to the
full size. So the header and the size are the whole file. `pack` keeps those (a gzip of the header, a few MB for a
248,320-token vocabulary); `expand` writes the header and extends the file with a hole to the size, which gives the
same bytes as the jar (the README's check: sha256 of both). The GPU machine needs neither Java nor the jar.

  gguf_stub.py info FILE.gguf
  gguf_stub.py pack FILE.gguf STUB.gguf.hdr.gz     # prints one JSON line: file, bytes, data_offset, header_sha256
  gguf_stub.py expand STUB.gguf.hdr.gz BYTES OUT.gguf

Python 3.8+ standard library only.
"""
import gzip
import hashlib
import json
import os
import struct
import sys

GGUF_MAGIC = b"GGUF"
DEFAULT_ALIGNMENT = 32
# gguf value types (ggml/include/gguf.h): fixed sizes in bytes; 8 = string, 9 = array
_FIXED = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
_STRING, _ARRAY = 8, 9
_UINT32 = 4


class GgufError(ValueError):
    pass


class _Reader:
    def __init__(self, f):
        self.f = f
        self.pos = 0

    def read(self, n):
        b = self.f.read(n)
        if len(b) != n:
            raise GgufError("truncated GGUF header at byte %d" % self.pos)
        self.pos += n
        return b

    def u32(self):
        return struct.unpack("<I", self.read(4))[0]

    def u64(self):
        return struct.unpack("<Q", self.read(8))[0]

    def string(self):
        return self.read(self.u64()).decode("utf-8")

    def skip_value(self, t):
        if t in _FIXED:
            self.read(_FIXED[t])
        elif t == _STRING:
            self.read(self.u64())
        elif t == _ARRAY:
            et = self.u32()
            n = self.u64()
            if et in _FIXED:
                self.read(_FIXED[et] * n)
            else:
                for _ in range(n):
                    self.skip_value(et)
        else:
            raise GgufError("unknown GGUF value type %d" % t)


def header_info(path):
    """Architecture, counts and the offset where tensor data starts (the header padded to the alignment)."""
    with open(path, "rb") as f:
        return _header_info(f, os.path.getsize(path), path)


def block_count_of_stub(stub):
    """`<arch>.block_count` of a packed header: llama.cpp's n_layer_all, so -ngl all = block_count + 1."""
    with gzip.open(stub, "rb") as g:
        return _header_info(g, None, stub)["block_count"]


def _header_info(f, size, path):
    r = _Reader(f)
    if r.read(4) != GGUF_MAGIC:
        raise GgufError("%s is not a GGUF file" % path)
    version = r.u32()
    if version != 3:
        raise GgufError("GGUF version %d, expected 3" % version)
    n_tensors = r.u64()
    n_kv = r.u64()
    arch = None
    block_count = None
    alignment = DEFAULT_ALIGNMENT
    for _ in range(n_kv):
        key = r.string()
        t = r.u32()
        if key == "general.architecture" and t == _STRING:
            arch = r.string()
        elif key == "general.alignment" and t == _UINT32:
            alignment = r.u32()
        elif key.endswith(".block_count") and t == _UINT32:
            block_count = r.u32()
        else:
            r.skip_value(t)
    for _ in range(n_tensors):
        r.string()  # name
        n_dims = r.u32()
        r.read(8 * n_dims)  # dimensions
        r.read(4 + 8)  # type, offset
    # tensor data starts at the header padded to the alignment (ggml/src/gguf.cpp)
    data_offset = (r.pos + alignment - 1) // alignment * alignment
    return {"arch": arch, "version": version, "tensors": n_tensors, "kv": n_kv, "alignment": alignment,
            "block_count": block_count, "data_offset": data_offset, "bytes": size}


def _all_zero_after(path, start):
    """True when every byte from `start` on is zero; holes are skipped with SEEK_DATA where the OS has it."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        fd = f.fileno()
        pos = start
        while pos < size:
            try:
                pos = os.lseek(fd, pos, os.SEEK_DATA)
                end = os.lseek(fd, pos, os.SEEK_HOLE)
            except (OSError, AttributeError) as e:
                if getattr(e, "errno", None) == 6:  # ENXIO: no data after pos
                    return True
                end = size  # no SEEK_DATA: read everything
            f.seek(pos)
            while pos < end:
                chunk = f.read(min(1 << 24, end - pos))
                if not chunk:
                    break
                if chunk.count(0) != len(chunk):
                    return False
                pos += len(chunk)
    return True


def pack(src, dst):
    info = header_info(src)
    if not _all_zero_after(src, info["data_offset"]):
        raise GgufError("%s has non-zero tensor data: only all-zero synthetic files can be carried as a header" % src)
    with open(src, "rb") as f:
        header = f.read(info["data_offset"])
    with gzip.GzipFile(dst, "wb", mtime=0) as g:
        g.write(header)
    return {"file": os.path.basename(src), "arch": info["arch"], "tensors": info["tensors"], "bytes": info["bytes"],
            "data_offset": info["data_offset"], "header_sha256": hashlib.sha256(header).hexdigest()}


def expand(stub, size, dst):
    with gzip.open(stub, "rb") as g:
        header = g.read()
    if size < len(header):
        raise GgufError("size %d is smaller than the header (%d bytes)" % (size, len(header)))
    tmp = dst + ".part"
    with open(tmp, "wb") as f:
        f.write(header)
        f.truncate(size)  # a hole: zeros that cost no disk blocks
    os.replace(tmp, dst)
    return {"file": os.path.basename(dst), "bytes": size, "header_sha256": hashlib.sha256(header).hexdigest()}


def main(argv):
    try:
        if len(argv) == 2 and argv[0] == "info":
            print(json.dumps(header_info(argv[1])))
        elif len(argv) == 3 and argv[0] == "pack":
            print(json.dumps(pack(argv[1], argv[2])))
        elif len(argv) == 4 and argv[0] == "expand":
            print(json.dumps(expand(argv[1], int(argv[2]), argv[3])))
        else:
            sys.stderr.write(__doc__)
            return 2
    except (GgufError, OSError) as e:
        sys.stderr.write("gguf_stub: %s\n" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
