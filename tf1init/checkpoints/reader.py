"""Find a checkpoint on disk and read its table of contents, without TensorFlow.

A TF2-format ("V2") checkpoint is a prefix ``P`` with ``P.index`` (a LevelDB-style table:
tensor name -> dtype, shape, shard, offset, size) and ``P.data-0000k-of-0000n`` shards. We parse
the index here, checking every block's CRC32C, so that a damaged index or a truncated data
shard is reported, naming the file, before a restore touches any variable. Only
``read_tensor`` needs TensorFlow.
"""
import dataclasses
import functools
import os
import re
import struct
from typing import Dict, List, Optional, Tuple

from tf1init.checkpoints import _state
from tf1init.errors import CheckpointNotFoundError, CorruptCheckpointError

# Keys the checkpoint machinery writes for itself, never a model variable.
INTERNAL_KEYS = frozenset({"_CHECKPOINTABLE_OBJECT_GRAPH"})

_EXPECTED = (
    "expected a checkpoint prefix PATH (with PATH.index and PATH.data-* files next to it), "
    "or a directory holding a `checkpoint` state file written by a Saver"
)

# tensorflow/core/framework/types.proto DataType -> name (the names of tf.DType.name).
_DTYPES = {
    1: "float32", 2: "float64", 3: "int32", 4: "uint8", 5: "int16", 6: "int8", 7: "string",
    8: "complex64", 9: "int64", 10: "bool", 11: "qint8", 12: "quint8", 13: "qint32",
    14: "bfloat16", 15: "qint16", 16: "quint16", 17: "uint16", 18: "complex128", 19: "float16",
    20: "resource", 21: "variant", 22: "uint32", 23: "uint64",
}
_ITEMSIZE = {
    "float32": 4, "float64": 8, "int32": 4, "uint8": 1, "int16": 2, "int8": 1, "complex64": 8,
    "int64": 8, "bool": 1, "qint8": 1, "quint8": 1, "qint32": 4, "bfloat16": 2, "qint16": 2,
    "quint16": 2, "uint16": 2, "complex128": 16, "float16": 2, "uint32": 4, "uint64": 8,
}


@dataclasses.dataclass(frozen=True)
class Entry:
    """One tensor stored in a checkpoint, as its index describes it."""

    name: str
    shape: Tuple[int, ...]
    dtype: str  # "float32", "int64", ... (tf.DType.name)
    nbytes: int
    shard: int = 0
    offset: int = 0


# --- finding the checkpoint --------------------------------------------------------------


def resolve_checkpoint(path, *, allow_none: bool = False) -> Optional[str]:
    """The checkpoint prefix that ``path`` means.

    ``path`` is a prefix (``ckpt/model-100``; a path to one of its files also works), or a
    directory whose latest checkpoint (its ``checkpoint`` state file) is used. A directory with
    no checkpoint yet gives None when ``allow_none``; otherwise, and for a path that does not
    exist, :class:`tf1init.CheckpointNotFoundError` names the path and says what was expected.
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        prefix = _latest_in_directory(path)
        if prefix is None and not allow_none:
            raise CheckpointNotFoundError(f"the directory {path!r} holds no checkpoint; {_EXPECTED}")
        return prefix
    prefix = _strip_file_suffix(path)
    if os.path.isfile(prefix + ".index"):
        return prefix
    if os.path.isfile(path):
        raise CheckpointNotFoundError(
            f"{path!r} is a file but not part of a TF2-format checkpoint (no {prefix + '.index'!r}); "
            f"{_EXPECTED}"
        )
    parent = os.path.dirname(prefix) or "."
    hint = "" if os.path.isdir(parent) else f" (the directory {parent!r} does not exist either)"
    raise CheckpointNotFoundError(f"no checkpoint at {path!r}{hint}; {_EXPECTED}")


def _strip_file_suffix(path: str) -> str:
    for pattern in (r"\.index$", r"\.data-\d+-of-\d+$", r"\.meta$"):
        stripped = re.sub(pattern, "", path)
        if stripped != path:
            return stripped
    return path


def _latest_in_directory(directory: str) -> Optional[str]:
    state = os.path.join(directory, "checkpoint")
    if os.path.isfile(state):
        with open(state, "rb") as handle:
            name, _ = _state.parse(handle.read(), state)  # as TF parses it; a damaged file raises
        if not name:
            raise CorruptCheckpointError(
                f"the state file {state!r} names no model_checkpoint_path; delete it or pass a "
                f"checkpoint prefix instead of the directory"
            )
        prefix = name if os.path.isabs(name) else os.path.join(directory, name)
        if not os.path.isfile(prefix + ".index"):
            # Saved elsewhere and moved: TF's own fallback is the same name in this directory.
            moved = os.path.join(directory, os.path.basename(name))
            if os.path.isfile(moved + ".index"):
                return moved
            raise CheckpointNotFoundError(
                f"the state file {state!r} points at {name!r}, but {prefix + '.index'!r} does not "
                f"exist; pass an existing checkpoint prefix, or fix or delete the state file"
            )
        return prefix
    prefixes = sorted(f[: -len(".index")] for f in os.listdir(directory) if f.endswith(".index"))
    if len(prefixes) == 1:
        return os.path.join(directory, prefixes[0])
    if prefixes:
        raise CheckpointNotFoundError(
            f"the directory {directory!r} has no `checkpoint` state file and several checkpoints "
            f"{prefixes[:5]}; pass the prefix of the one you mean"
        )
    return None


# --- reading the index -------------------------------------------------------------------


def checkpoint_entries(prefix) -> Dict[str, Entry]:
    """The tensors a checkpoint holds, by name, sorted by name (internal keys left out).

    Reads only the ``.index`` file; a damaged one raises
    :class:`tf1init.CorruptCheckpointError` naming it.
    """
    return dict(_index(os.fspath(prefix))[1])


def verify_checkpoint(prefix) -> Dict[str, Entry]:
    """Check that a checkpoint can be restored: a readable index and every data shard present
    and long enough for the tensors the index places in it. Returns the entries.

    Costs one parse of the index and one ``stat`` per shard, so call it before every restore:
    a damaged checkpoint must fail before any variable changes.
    """
    prefix = os.fspath(prefix)
    num_shards, entries, placed = _index(prefix)
    needed = [0] * num_shards
    for shard, end in placed:
        if shard >= num_shards:
            raise CorruptCheckpointError(
                f"{prefix + '.index'!r} places a tensor in data shard {shard}, but the header "
                f"says there are {num_shards}; the index is damaged"
            )
        needed[shard] = max(needed[shard], end)
    for shard, end in enumerate(needed):
        data = f"{prefix}.data-{shard:05d}-of-{num_shards:05d}"
        try:
            size = os.stat(data).st_size
        except FileNotFoundError:
            raise CorruptCheckpointError(
                f"the data file {data!r} of checkpoint {prefix!r} is missing; copy it back "
                f"from where the checkpoint was saved, or restore an older checkpoint"
            ) from None
        if size < end:
            raise CorruptCheckpointError(
                f"the data file {data!r} is truncated: {size} bytes, but the index needs "
                f"{end}; the checkpoint was not written completely (a killed save?) - restore "
                f"an older checkpoint"
            )
    return dict(entries)


def read_tensor(prefix, name: str):
    """The value stored under ``name``, as a numpy array (needs TensorFlow)."""
    from tf1init._tf import v1

    prefix = os.fspath(prefix)
    entries = checkpoint_entries(prefix)
    if name not in entries:
        from tf1init.errors import closest

        raise KeyError(
            f"checkpoint {prefix!r} holds no tensor named {name!r}; closest names: "
            f"{closest(name, entries)}"
        )
    return v1.train.NewCheckpointReader(prefix).get_tensor(name)


def _index(prefix: str):
    """(num_shards, [(name, Entry)] sorted, [(shard, end offset)]), cached per file version."""
    path = prefix + ".index"
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        raise CheckpointNotFoundError(f"no checkpoint at {prefix!r}: {path!r} does not exist; {_EXPECTED}") from None
    return _parse_index_cached(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _parse_index_cached(path: str, mtime_ns: int, size: int):
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        return _parse_index(data)
    except _Damaged as damage:
        raise CorruptCheckpointError(
            f"the checkpoint index {path!r} is damaged ({damage}); it cannot be read - restore "
            f"an older checkpoint or copy this one again"
        ) from None


class _Damaged(Exception):
    pass


_MAGIC = 0xDB4775248B80FB57
_FOOTER = 48


def _parse_index(data: bytes):
    if len(data) < _FOOTER:
        raise _Damaged(f"{len(data)} bytes, shorter than a table footer")
    footer = data[-_FOOTER:]
    if struct.unpack("<Q", footer[-8:])[0] != _MAGIC:
        raise _Damaged("bad table magic number at the end of the file")
    pos = 0
    _meta_offset, pos = _varint(footer, pos)
    _meta_size, pos = _varint(footer, pos)
    index_offset, pos = _varint(footer, pos)
    index_size, pos = _varint(footer, pos)
    num_shards = None
    entries: List[Tuple[str, Entry]] = []
    placed = []
    for _key, handle in _block_entries(data, index_offset, index_size):
        offset, at = _varint(handle, 0)
        size, _ = _varint(handle, at)
        for key, value in _block_entries(data, offset, size):
            if key == b"":
                num_shards = _header_shards(value)
                continue
            entry = _entry(key, value)
            if entry.nbytes_on_disk:
                placed.append((entry.shard, entry.offset + entry.nbytes_on_disk))
            if key[:1] == b"\x00":  # a slice of a partitioned variable, under an encoded key
                continue
            name = key.decode("utf-8", "replace")
            if name in INTERNAL_KEYS:
                continue
            entries.append((name, entry.public(name)))
    if num_shards is None:
        raise _Damaged("no header entry")
    return num_shards, tuple(entries), tuple(placed)


def _block_entries(data: bytes, offset: int, size: int):
    """The (key, value) pairs of one table block, after checking its CRC32C."""
    end = offset + size
    if offset < 0 or end + 5 > len(data):
        raise _Damaged(f"a block at {offset}+{size} runs past the end of the file")
    block, compression = data[offset:end], data[end]
    (stored,) = struct.unpack("<I", data[end + 1 : end + 5])
    if _unmask(stored) != _crc32c(data[offset : end + 1]):
        raise _Damaged(f"checksum mismatch in the block at byte {offset}")
    if compression != 0:
        raise _Damaged(f"block compression type {compression} (TensorFlow writes 0, none)")
    if len(block) < 4:
        raise _Damaged(f"a block at {offset} is too short")
    (restarts,) = struct.unpack("<I", block[-4:])
    limit = len(block) - 4 * (restarts + 1)
    if limit < 0:
        raise _Damaged(f"bad restart count in the block at {offset}")
    pos, key = 0, b""
    while pos < limit:
        shared, pos = _varint(block, pos)
        unshared, pos = _varint(block, pos)
        length, pos = _varint(block, pos)
        if shared > len(key) or pos + unshared + length > limit:
            raise _Damaged(f"bad entry at byte {offset + pos}")
        key = key[:shared] + block[pos : pos + unshared]
        pos += unshared
        yield key, block[pos : pos + length]
        pos += length


def _varint(data: bytes, pos: int) -> Tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise _Damaged("a number runs past its field")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _fields(message: bytes):
    """(field number, wire type, value) of a protobuf message; value is int or bytes."""
    pos = 0
    while pos < len(message):
        tag, pos = _varint(message, pos)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = _varint(message, pos)
        elif wire == 1:
            value, pos = message[pos : pos + 8], pos + 8
        elif wire == 2:
            length, pos = _varint(message, pos)
            value, pos = message[pos : pos + length], pos + length
        elif wire == 5:
            value, pos = message[pos : pos + 4], pos + 4
        else:
            raise _Damaged(f"protobuf wire type {wire}")
        if pos > len(message):
            raise _Damaged("a protobuf field runs past its message")
        yield number, wire, value


def _header_shards(value: bytes) -> int:
    for number, wire, field in _fields(value):
        if number == 1 and wire == 0:  # BundleHeaderProto.num_shards
            return field
    return 1


class _RawEntry:
    __slots__ = ("dtype", "shape", "shard", "offset", "nbytes_on_disk", "sliced")

    def public(self, name: str) -> Entry:
        dtype = _DTYPES.get(self.dtype, f"dtype{self.dtype}")
        nbytes = self.nbytes_on_disk
        if self.sliced and dtype in _ITEMSIZE:  # a partitioned variable: the whole tensor
            nbytes = _ITEMSIZE[dtype]
            for dim in self.shape:
                nbytes *= dim
        return Entry(name, self.shape, dtype, nbytes, self.shard, self.offset)


def _entry(key: bytes, value: bytes) -> _RawEntry:
    # BundleEntryProto: dtype=1, shape=2, shard_id=3, offset=4, size=5, crc32c=6, slices=7
    raw = _RawEntry()
    raw.dtype, raw.shape, raw.shard, raw.offset, raw.nbytes_on_disk, raw.sliced = 0, (), 0, 0, 0, False
    for number, wire, field in _fields(value):
        if number == 1 and wire == 0:
            raw.dtype = field
        elif number == 2 and wire == 2:
            raw.shape = _shape(field)
        elif number == 3 and wire == 0:
            raw.shard = field
        elif number == 4 and wire == 0:
            raw.offset = field
        elif number == 5 and wire == 0:
            raw.nbytes_on_disk = field
        elif number == 7:
            raw.sliced = True
    if raw.dtype == 0:
        raise _Damaged(f"the entry {key!r} has no dtype")
    return raw


def _shape(message: bytes) -> Tuple[int, ...]:
    dims = []
    for number, wire, field in _fields(message):
        if number == 2 and wire == 2:  # TensorShapeProto.dim
            size = 0
            for sub, sub_wire, value in _fields(field):
                if sub == 1 and sub_wire == 0:
                    size = value - (1 << 64) if value >= 1 << 63 else value
            dims.append(size)
        elif number == 3 and wire == 0 and field:  # unknown_rank
            return ()
    return tuple(dims)


# --- CRC32C (Castagnoli), as LevelDB tables store it -------------------------------------


def _make_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _make_table()


def _crc32c(data: bytes) -> int:
    crc, table = 0xFFFFFFFF, _TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _unmask(masked: int) -> int:
    rot = (masked - 0xA282EAD8) & 0xFFFFFFFF
    return ((rot >> 17) | (rot << 15)) & 0xFFFFFFFF
