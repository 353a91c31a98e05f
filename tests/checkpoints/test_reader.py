"""Finding checkpoints and reading their index without TensorFlow, checked against TF's reader."""
import os
import shutil

import numpy as np
import pytest

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
