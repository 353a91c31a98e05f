"""Finding checkpoints and reading their index without TensorFlow, checked against TF's reader."""
import os
import shutil
import subprocess

import numpy as np
import pytest
from tf1_reference import NO_TF1, tf1_env, tf1_python

import tf1init
from tf1init.checkpoints import _atomic
from tf1init.checkpoints.reader import (
    Entry,
    checkpoint_entries,
    read_tensor,
    resolve_checkpoint,
    verify_checkpoint,
)
from tf1init.errors import CheckpointNotFoundError, CorruptCheckpointError


def copy_checkpoint(prefix, directory):
    """Copy every file of a checkpoint into ``directory``; return the new prefix."""
    os.makedirs(directory, exist_ok=True)
    base = os.path.basename(prefix)
    for name in os.listdir(os.path.dirname(prefix)):
        if name.startswith(base + "."):
            shutil.copy(os.path.join(os.path.dirname(prefix), name), directory)
    return os.path.join(directory, base)


def test_resolve_prefix_directory_and_file_paths(small_checkpoint):
    directory, prefix, _ = small_checkpoint
    assert resolve_checkpoint(directory) == prefix
    assert resolve_checkpoint(prefix) == prefix
    assert resolve_checkpoint(prefix + ".index") == prefix
    assert resolve_checkpoint(prefix + ".data-00000-of-00001") == prefix


def test_entries_name_shape_dtype_size(small_checkpoint):
    _, prefix, _ = small_checkpoint
    entries = checkpoint_entries(prefix)
    assert list(entries) == ["dense/bias", "dense/kernel", "step"]
    assert [(e.name, e.shape, e.dtype, e.nbytes) for e in entries.values()] == [
        ("dense/bias", (4,), "float64", 32),
        ("dense/kernel", (3, 4), "float32", 48),
        ("step", (), "int64", 8),
    ]
    assert isinstance(entries["step"], Entry)
    with pytest.raises(Exception):
        entries["step"].name = "other"  # frozen


def test_read_tensor_values_exact(small_checkpoint):
    _, prefix, values = small_checkpoint
    for name, value in values.items():
        got = read_tensor(prefix, name)
        assert got.dtype == value.dtype
        np.testing.assert_array_equal(got, value)
    with pytest.raises(KeyError, match="closest names: \\['dense/kernel'"):
        read_tensor(prefix, "dense/kernal")


def test_index_parser_agrees_with_tensorflow_on_many_blocks_shards_and_partitions(tmp_path, tf, v1):
    """300 variables (many index blocks), a sharded Saver, a partitioned variable, strings."""
    graph = tf.Graph()
    with graph.as_default():
        for i in range(300):
            with tf.device(f"/cpu:{i % 2}"):  # a sharded Saver writes one shard per device
                v1.get_variable(f"layer_{i}/w", [i % 5 + 1, 3], dtype=tf.float32 if i % 2 else tf.float16)
        v1.get_variable("part", [10, 4], partitioner=v1.fixed_size_partitioner(3))
        v1.Variable(tf.constant(["a", "bcd"]), name="words")
        v1.Variable(tf.zeros([2, 0]), name="empty")
        config = v1.ConfigProto(device_count={"CPU": 2})
        with v1.Session(graph=graph, config=config) as session:
            session.run(v1.global_variables_initializer())
            prefix = v1.train.Saver(sharded=True, max_to_keep=None).save(session, str(tmp_path / "m"))
    entries = verify_checkpoint(prefix)
    reader = v1.train.NewCheckpointReader(prefix)
    shapes, dtypes = reader.get_variable_to_shape_map(), reader.get_variable_to_dtype_map()
    assert sorted(entries) == sorted(shapes)
    for name, entry in entries.items():
        assert list(entry.shape) == shapes[name], name
        assert entry.dtype == dtypes[name].name, name
        if entry.dtype != "string":
            assert entry.nbytes == reader.get_tensor(name).nbytes, name
    assert entries["part"].shape == (10, 4) and entries["part"].nbytes == 160
    assert len([f for f in os.listdir(tmp_path) if ".data-" in f]) > 1


def test_object_graph_key_is_internal(tmp_path, tf):
    checkpoint = tf.train.Checkpoint(w=tf.Variable([1.0, 2.0]))
    prefix = checkpoint.write(str(tmp_path / "obj"))
    assert list(checkpoint_entries(prefix)) == ["w/.ATTRIBUTES/VARIABLE_VALUE"]


def test_empty_directory_is_none_only_when_allowed(tmp_path):
    assert resolve_checkpoint(tmp_path, allow_none=True) is None
    with pytest.raises(CheckpointNotFoundError, match="holds no checkpoint"):
        resolve_checkpoint(tmp_path)


@pytest.mark.parametrize("relative", ["no_such_dir/model.ckpt", "model.ckpt-99"])
def test_missing_path_names_it_and_says_what_is_expected(small_checkpoint, relative):
    directory, _, _ = small_checkpoint
    path = os.path.join(directory, relative)
    with pytest.raises(CheckpointNotFoundError) as error:
        resolve_checkpoint(path, allow_none=True)
    assert repr(path) in str(error.value)
    assert "expected a checkpoint prefix" in str(error.value)
    assert isinstance(error.value, FileNotFoundError)


def test_state_file_pointing_at_a_deleted_checkpoint(small_checkpoint, tmp_path):
    _, prefix, _ = small_checkpoint
    copy = copy_checkpoint(prefix, tmp_path)
    (tmp_path / "checkpoint").write_text('model_checkpoint_path: "model.ckpt-3"\n')
    with pytest.raises(CheckpointNotFoundError, match="points at 'model.ckpt-3'"):
        resolve_checkpoint(tmp_path)
    (tmp_path / "checkpoint").write_text(f'model_checkpoint_path: "{os.path.basename(copy)}"\n')
    assert resolve_checkpoint(tmp_path) == copy


def test_truncated_data_file_is_named(small_checkpoint, tmp_path):
    _, prefix, _ = small_checkpoint
    copy = copy_checkpoint(prefix, tmp_path)
    data = copy + ".data-00000-of-00001"
    os.truncate(data, os.path.getsize(data) - 3)
    checkpoint_entries(copy)  # the index itself is fine
    with pytest.raises(CorruptCheckpointError) as error:
        verify_checkpoint(copy)
    assert f"the data file {data!r} is truncated: 85 bytes, but the index needs 88" in str(error.value)


def test_missing_data_file_is_named(small_checkpoint, tmp_path):
    _, prefix, _ = small_checkpoint
    copy = copy_checkpoint(prefix, tmp_path)
    os.remove(copy + ".data-00000-of-00001")
    with pytest.raises(CorruptCheckpointError, match="data-00000-of-00001' of checkpoint .* is missing"):
        verify_checkpoint(copy)


@pytest.mark.parametrize("damage", ["flip", "truncate", "zero"])
def test_corrupt_index_is_named(small_checkpoint, tmp_path, damage):
    _, prefix, _ = small_checkpoint
    copy = copy_checkpoint(prefix, tmp_path)
    index = copy + ".index"
    data = bytearray(open(index, "rb").read())
    if damage == "flip":
        data[20] ^= 0x40  # inside the first entry: only the block checksum can tell
    elif damage == "truncate":
        data = data[: len(data) // 2]
    else:
        data = bytearray(len(data))
    open(index, "wb").write(bytes(data))
    with pytest.raises(CorruptCheckpointError) as error:
        verify_checkpoint(copy)
    assert f"the checkpoint index {index!r} is damaged" in str(error.value)


# --- the `checkpoint` state file, read as TensorFlow reads it (issue 19, item 4) ---------------

NAME = "modèle.ckpt-3"


def octal_escaped(path: str) -> bytes:
    """A path as TensorFlow 1.15 writes it in a state file: each non-ASCII byte as an octal escape
    (measured: TF 1.15 writes `d\\303\\251/mod\\303\\250le.ckpt-3`, TF 2.21 the raw UTF-8 bytes)."""
    return b"".join(b"\\%03o" % byte if byte >= 128 else bytes([byte]) for byte in path.encode("utf-8"))


def save_small(tf, v1, prefix, saver_kind):
    graph = tf.Graph()
    with graph.as_default():
        v1.Variable([1.5, 2.5], name="w")
        saver = v1.train.Saver() if saver_kind == "tf_saver" else tf1init.AtomicSaver(durable=False)
        with v1.Session(graph=graph) as session:
            session.run(v1.global_variables_initializer())
            return saver.save(session, prefix[: -len("-3")], global_step=3)


@pytest.mark.parametrize("writer", ["tf_saver", "tf1.15 escapes", "tf1init.AtomicSaver"])
def test_non_ascii_checkpoint_names_are_found_through_their_folder(tf, v1, tmp_path, writer):
    folder = tmp_path / "dé"
    folder.mkdir()
    prefix = str(folder / NAME)
    assert save_small(tf, v1, prefix, "tf_saver" if writer != "tf1init.AtomicSaver" else writer) == prefix
    if writer == "tf1.15 escapes":
        (folder / "checkpoint").write_bytes(
            b'model_checkpoint_path: "%s"\nall_model_checkpoint_paths: "%s"\n' % ((octal_escaped(prefix),) * 2))
    elif writer == "tf_saver":  # TensorFlow 2 writes the name's UTF-8 bytes as they are
        assert NAME.encode("utf-8") in (folder / "checkpoint").read_bytes()
    assert v1.train.get_checkpoint_state(str(folder)).model_checkpoint_path == prefix
    assert resolve_checkpoint(folder) == prefix
    assert _atomic.read_state(str(folder)) == (prefix, [prefix])
    assert read_tensor(folder / NAME, "w").tolist() == [1.5, 2.5]


def test_a_non_ascii_checkpoint_saved_by_tensorflow_1_15_is_found(tf, v1, tmp_path):
    python = tf1_python()
    if python is None:
        pytest.skip(NO_TF1)
    folder = tmp_path / "dé"
    folder.mkdir()
    program = (
        "import sys, tensorflow as tf\n"
        "v = tf.Variable([1.5, 2.5], name='w')\n"
        "with tf.Session() as s:\n"
        "    s.run(v.initializer)\n"
        "    tf.train.Saver().save(s, sys.argv[1], global_step=3)\n"
    )
    run = subprocess.run([python, "-c", program, str(folder / "modèle.ckpt")], capture_output=True, text=True,
                         env=tf1_env(TF_CPP_MIN_LOG_LEVEL="3"), cwd="/", timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    prefix = str(folder / NAME)
    assert octal_escaped(prefix) in (folder / "checkpoint").read_bytes()
    assert v1.train.get_checkpoint_state(str(folder)).model_checkpoint_path == prefix
    assert resolve_checkpoint(folder) == prefix


# Spellings protobuf's text format accepts; TensorFlow's get_checkpoint_state is the reference.
SPELLINGS = {
    "raw utf-8": b'model_checkpoint_path: "mod\xc3\xa8le"\nall_model_checkpoint_paths: "mod\xc3\xa8le"\n',
    "octal": b'model_checkpoint_path: "mod\\303\\250le"\n',
    "hex": b'model_checkpoint_path: "mod\\xc3\\xA8le \\x9tab"\n',
    "unicode escapes": b'model_checkpoint_path: "mod\\u00e8le \\U0001F600"\n',
    "escaped backslash before u": b'model_checkpoint_path: "a\\\\u00e8"\n',
    "quotes, joined strings, comments": b"# saved\nmodel_checkpoint_path: 'mod' \"\\303\\250le\"  # end\n",
    "list form": b'model_checkpoint_path: "b"\nall_model_checkpoint_paths: ["a", \'b\']\n',
    "last wins": b'model_checkpoint_path: "a"\nmodel_checkpoint_path: "b"\n',
    "timestamps": (b'model_checkpoint_path: "a"\nall_model_checkpoint_paths: "a"\n'
                   b"all_model_checkpoint_timestamps: 1.5e9\nlast_preserved_timestamp: 1700000000.25\n"),
    "escapes": b'model_checkpoint_path: "t\\tq\\"b\\\\ \\1\\12 \\?\\a\\n"\n',
    "absolute": b'model_checkpoint_path: "/abs/p\\303\\251"\n',
    "separators, one line, CRLF": b'model_checkpoint_path:"a";all_model_checkpoint_paths: "a",\r\n'
                                  b'all_model_checkpoint_paths :"c"',
}


@pytest.mark.parametrize("text", SPELLINGS.values(), ids=SPELLINGS)
def test_state_file_is_parsed_as_tensorflow_parses_it(v1, tmp_path, text):
    (tmp_path / "checkpoint").write_bytes(text)
    state = v1.train.get_checkpoint_state(str(tmp_path))
    assert _atomic.read_state(str(tmp_path)) == (state.model_checkpoint_path, list(state.all_model_checkpoint_paths))


# (file bytes, what the error says). TensorFlow raises a bare UnicodeDecodeError on the first and
# silently ignores the others (latest_checkpoint is None).
UNREADABLE = {
    "latin-1 byte": (b'model_checkpoint_path: "mod\xe9le.ckpt-3"\n',
                     "is not UTF-8: byte 0xe9 at line 1, column 28 ('model_checkpoint_path: \"modéle.ckpt-3\"' if "
                     "it was Latin-1); TensorFlow cannot read it either"),
    "escaped latin-1": (b'# x\nmodel_checkpoint_path: "mod\\351le"\n',
                        "names a path on line 2 whose escapes do not decode to UTF-8 (b'mod\\xe9le')"),
    "no closing quote": (b'model_checkpoint_path: "model.ckpt-3\n',
                         "line 1: a string runs to the end of its line without a closing quote"),
    "no colon": (b'model_checkpoint_path "model.ckpt-3"\n', "line 1: expected ':' after model_checkpoint_path"),
}


@pytest.mark.parametrize("text, says", UNREADABLE.values(), ids=UNREADABLE)
def test_a_state_file_tensorflow_cannot_read_gives_a_clear_error(small_checkpoint, tmp_path, text, says):
    _, prefix, _ = small_checkpoint
    copy_checkpoint(prefix, tmp_path)
    state = tmp_path / "checkpoint"
    state.write_bytes(text)
    with pytest.raises(CorruptCheckpointError) as error:
        resolve_checkpoint(tmp_path)
    message = str(error.value)
    assert message.startswith(f"the checkpoint state file {str(state)!r} ")
    assert says in message
    assert message.endswith("delete it so that the next save writes a new one, or pass a checkpoint prefix "
                            "instead of the folder.")
