"""TF1 checkpoints (written by tf.compat.v1 Savers) into eager variables, Keras 3 models and
object-based checkpoints, bit for bit; and every kind of bad input, changing nothing."""
import doctest
import os
import shutil

import numpy as np
import pytest

import tf1init
import tf1init.layers
from tf1init.checkpoints import convert
from tf1init.checkpoints.convert import CONTRIB, GIVEN, KERAS, LAYERS, keras_tf1_names
from tf1init.errors import CheckpointMismatchError, CheckpointNotFoundError, CorruptCheckpointError, MappingError


def tf1_checkpoint(tf, v1, prefix, build):
    """Build a TF1 graph with ``build()``, initialize it with a seed, save; return (prefix, values)."""
    with tf.Graph().as_default():
        build()
        with v1.Session() as session:
            tf1init.initialize_all(session, seed=3)
            values = {v.op.name: session.run(v) for v in v1.global_variables()}
            return v1.train.Saver().save(session, str(prefix)), values


@pytest.fixture(scope="module")
def mlp(tmp_path_factory, tf, v1):
    """A TF1 MLP (3 -> 4 -> 5 -> 2) with an Adam train op: kernels, biases, slots, global step."""

    def build():
        x = v1.placeholder(tf.float32, [None, 3])
        y = tf1init.layers.dense(tf1init.layers.dense(tf1init.layers.dense(x, 4), 5), 2)
        step = v1.train.get_or_create_global_step()
        v1.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(y), global_step=step)

    return tf1_checkpoint(tf, v1, tmp_path_factory.mktemp("mlp") / "model.ckpt", build)


def keras_mlp(tf, widths=(4, 5, 2)):
    return tf.keras.Sequential([tf.keras.Input((3,))] + [tf.keras.layers.Dense(w) for w in widths])


def snapshot(variables):
    return [v.numpy().tobytes() for v in variables]


LAYER_NAMES = ["dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias", "dense_2/kernel", "dense_2/bias"]


def test_docstring_examples():
    result = doctest.testmod(convert, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_keras_model_by_the_default_rule_bit_identical(mlp, tf):
    prefix, values = mlp
    tf.keras.layers.Dense(1)  # Keras' global name counters move on: the rule uses layer order
    model = keras_mlp(tf)
    assert model.layers[0].name != "dense"
    report = tf1init.load_into(model, prefix)
    assert report.convention == LAYERS
    assert report.loaded == tuple((name, name) for name in LAYER_NAMES)
    assert report.missing == ()
    assert "global_step" in report.unused and "dense/kernel/Adam" in report.unused
    assert "beta1_power" in report.unused
    for weight, name in zip(model.weights, LAYER_NAMES):
        assert weight.numpy().dtype == values[name].dtype
        assert weight.numpy().tobytes() == values[name].tobytes()


def test_keras_tf1_names_conventions(tf):
    model = tf.keras.Sequential([
        tf.keras.Input((8, 8, 1)), tf.keras.layers.Conv2D(2, 3), tf.keras.layers.BatchNormalization(),
        tf.keras.layers.Flatten(), tf.keras.layers.Dense(3, name="head"), tf.keras.layers.Dense(1),
    ])
    assert list(keras_tf1_names(model)) == [
        "conv2d/kernel", "conv2d/bias", "batch_normalization/gamma", "batch_normalization/beta",
        "batch_normalization/moving_mean", "batch_normalization/moving_variance",
        "dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias",
    ]
    assert list(keras_tf1_names(model, CONTRIB)) == [
        "Conv/weights", "Conv/biases", "BatchNorm/gamma", "BatchNorm/beta", "BatchNorm/moving_mean",
        "BatchNorm/moving_variance", "fully_connected/weights", "fully_connected/biases",
        "fully_connected_1/weights", "fully_connected_1/biases",
    ]
    assert list(keras_tf1_names(model, KERAS))[6:8] == ["head/kernel", "head/bias"]
    with pytest.raises(MappingError, match="has no weights yet; build it first"):
        keras_tf1_names(tf.keras.Sequential([tf.keras.layers.Dense(2)]))


def test_contrib_names_are_recognised(tf, v1, tmp_path):
    def build():
        for i, (n_in, n_out) in enumerate([(3, 4), (4, 2)]):
            with v1.variable_scope("fully_connected" + ("" if i == 0 else f"_{i}")):
                v1.get_variable("weights", [n_in, n_out])
                v1.get_variable("biases", [n_out], initializer=v1.random_normal_initializer())

    prefix, values = tf1_checkpoint(tf, v1, tmp_path / "contrib.ckpt", build)
    model = keras_mlp(tf, (4, 2))
    report = tf1init.load_into(model, prefix)
    assert report.convention == CONTRIB
    assert [entry for _, entry in report.loaded] == [
        "fully_connected/weights", "fully_connected/biases", "fully_connected_1/weights", "fully_connected_1/biases"]
    assert [w.numpy().tobytes() for w in model.weights] == [values[e].tobytes() for _, e in report.loaded]


def test_eager_variables_by_name_list_and_dict(mlp, tf):
    prefix, values = mlp
    kernel = tf.Variable(np.zeros([3, 4], np.float32), name="dense/kernel")
    bias = tf.Variable(np.zeros([4], np.float32), name="dense/bias")
    report = tf1init.load_into([kernel, bias], prefix)
    assert report.convention == GIVEN and report.loaded == (("dense/kernel", "dense/kernel"), ("dense/bias", "dense/bias"))
    assert kernel.numpy().tobytes() == values["dense/kernel"].tobytes()
    step = tf.Variable(np.int64(-1))
    head = tf.Variable(np.zeros([5, 2], np.float32))
    report = tf1init.load_into({"steps": step, "head": head}, prefix,
                               name_map={"global_step": "steps", "dense_2/kernel": "head"})
    assert int(step.numpy()) == int(values["global_step"]) == 0 and head.numpy().tobytes() == values["dense_2/kernel"].tobytes()
    assert len(report.unused) == len(values) - 2


def test_scope_name_map(tf, v1, tmp_path):
    def build():
        with v1.variable_scope("tower"):
            x = v1.placeholder(tf.float32, [None, 3])
            tf1init.layers.dense(tf1init.layers.dense(x, 4), 2)
        v1.Variable(0, name="extra")

    prefix, values = tf1_checkpoint(tf, v1, tmp_path / "scoped.ckpt", build)
    model = keras_mlp(tf, (4, 2))
    with pytest.raises(CheckpointMismatchError, match="missing from the checkpoint: dense/kernel"):
        tf1init.load_into(model, prefix)
    report = tf1init.load_into(model, prefix, name_map={"tower/": "", "extra": None})
    assert report.loaded[0] == ("dense/kernel", "tower/dense/kernel") and report.unused == ()
    assert model.weights[2].numpy().tobytes() == values["tower/dense_1/kernel"].tobytes()
    renamed = tf1init.load_into(model, prefix, name_map=lambda name: name.replace("tower/", "") or None)
    assert renamed.loaded == report.loaded


def test_keras_object_checkpoint_round_trip_is_bit_identical(mlp, tf, tmp_path):
    prefix, values = mlp
    source = keras_mlp(tf)
    output = tmp_path / "out" / "keras"
    path = tf1init.convert_to_object_checkpoint(prefix, output, model=source)
    assert path == str(output)
    assert sorted(os.listdir(tmp_path / "out")) == ["keras.data-00000-of-00001", "keras.index"]
    fresh = keras_mlp(tf)
    tf.train.Checkpoint(model=fresh).restore(path).assert_consumed()
    for weight, name in zip(fresh.weights, LAYER_NAMES):
        assert np.array_equal(weight.numpy(), values[name])
        assert weight.numpy().tobytes() == values[name].tobytes()
    with pytest.raises(FileExistsError, match="already exists at"):
        tf1init.convert_to_object_checkpoint(prefix, output, model=source)
    assert tf1init.convert_to_object_checkpoint(prefix, output, model=source, overwrite=True) == path


def test_object_checkpoint_without_a_model(mlp, tf, tmp_path):
    prefix, values = mlp
    path = tf1init.convert_to_object_checkpoint(prefix, tmp_path / "vars", name_map={"global_step": None})
    kept = {name: value for name, value in values.items() if name != "global_step"}
    restored = {name: tf.Variable(np.zeros_like(value)) for name, value in kept.items()}
    tf.train.Checkpoint(variables=restored).restore(path).assert_consumed()
    assert all(restored[name].numpy().tobytes() == value.tobytes() for name, value in kept.items())


# --- bad input: a clear error and nothing changed -----------------------------------------------


def test_missing_checkpoint(tf, tmp_path):
    model = keras_mlp(tf)
    before = snapshot(model.weights)
    missing = str(tmp_path / "nowhere" / "model.ckpt")
    with pytest.raises(CheckpointNotFoundError, match=f"no checkpoint at '{missing}'"):
        tf1init.load_into(model, missing)
    with pytest.raises(CheckpointNotFoundError):
        tf1init.convert_to_object_checkpoint(missing, tmp_path / "out", model=model)
    assert snapshot(model.weights) == before and not (tmp_path / "out.index").exists()


def test_checkpoint_of_a_different_model(mlp, tf, tmp_path):
    prefix, _ = mlp
    model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(6), tf.keras.layers.Dense(5),
                                 tf.keras.layers.Dense(2), tf.keras.layers.Dense(1)])
    before = snapshot(model.weights)
    with pytest.raises(CheckpointMismatchError) as error:
        tf1init.load_into(model, prefix)
    message = str(error.value)
    assert f"the checkpoint {prefix!r} does not fit the target (names by tf.compat.v1.layers)" in message
    assert "  missing from the checkpoint: dense_3/kernel (closest entries: " in message
    assert "  shape mismatch: dense/kernel is [3, 6], the entry dense/kernel is [3, 4]" in message
    assert "  shape mismatch: dense_1/kernel is [6, 5], the entry dense_1/kernel is [4, 5]" in message
    assert "Nothing was changed" in message
    assert {(name, kind) for name, kind, _ in error.value.mismatches} >= {("dense_3/kernel", "missing"),
                                                                           ("dense/bias", "shape")}
    with pytest.raises(CheckpointMismatchError):
        tf1init.convert_to_object_checkpoint(prefix, tmp_path / "out", model=model)
    assert snapshot(model.weights) == before
    assert os.listdir(tmp_path) == []  # no output, no staging folder


def test_strict_false_leaves_what_the_checkpoint_lacks(mlp, tf):
    prefix, values = mlp
    model = keras_mlp(tf, (4, 5, 2, 7))
    new_head = snapshot(model.layers[3].weights)
    report = tf1init.load_into(model, prefix, strict=False)
    assert report.missing == ("dense_3/kernel", "dense_3/bias")
    assert snapshot(model.layers[3].weights) == new_head
    assert model.weights[0].numpy().tobytes() == values["dense/kernel"].tobytes()


def test_dtype_mismatch(mlp, tf):
    prefix, _ = mlp
    kernel = tf.Variable(np.zeros([3, 4], np.float64), name="dense/kernel")
    with pytest.raises(CheckpointMismatchError,
                       match="dtype mismatch: dense/kernel is float64, the entry dense/kernel is float32"):
        tf1init.load_into([kernel], prefix)
    assert not kernel.numpy().any()


def test_name_map_aiming_two_entries_at_one_variable(mlp, tf):
    prefix, _ = mlp
    model = keras_mlp(tf)
    before = snapshot(model.weights)
    with pytest.raises(MappingError, match="aims two checkpoint entries at the variable 'dense_1/kernel': "
                                           "'dense/kernel' and 'dense_1/kernel'|'dense_1/kernel' and 'dense/kernel'"):
        tf1init.load_into(model, prefix, name_map={"dense/kernel": "dense_1/kernel"})
    with pytest.raises(MappingError, match=r"the name_map key 'dense/kernal' is not an entry of the checkpoint; "
                                           r"closest entry names: \['dense/kernel'"):
        tf1init.load_into(model, prefix, name_map={"dense/kernal": "dense/kernel"})
    with pytest.raises(MappingError, match="the name_map scope 'model/' matches no checkpoint entry"):
        tf1init.load_into(model, prefix, name_map={"model/": ""})
    with pytest.raises(MappingError, match="two variables get the name 'w'"):
        tf1init.load_into([tf.Variable(1.0, name="w"), tf.Variable(2.0, name="w")], prefix)
    assert snapshot(model.weights) == before


def test_damaged_files(mlp, tf, tmp_path):
    prefix, _ = mlp
    model = keras_mlp(tf)
    before = snapshot(model.weights)
    base = os.path.basename(prefix)
    for damage in ("truncate", "index"):
        folder = tmp_path / damage
        folder.mkdir()
        for name in os.listdir(os.path.dirname(prefix)):
            if name.startswith(base + "."):
                shutil.copy(os.path.join(os.path.dirname(prefix), name), folder)
        copy = str(folder / base)
        if damage == "truncate":
            data = copy + ".data-00000-of-00001"
            os.truncate(data, os.path.getsize(data) - 5)
            named = f"the data file {data!r} is truncated"
        else:
            with open(copy + ".index", "r+b") as handle:
                handle.seek(30)
                handle.write(b"\x00\x00\x00")
            named = f"the checkpoint index {copy + '.index'!r} is damaged"
        with pytest.raises(CorruptCheckpointError) as error:
            tf1init.load_into(model, copy)
        assert named in str(error.value)
        with pytest.raises(CorruptCheckpointError):
            tf1init.convert_to_object_checkpoint(copy, tmp_path / "out" / damage, model=model)
    assert snapshot(model.weights) == before
    assert not (tmp_path / "out").exists() or os.listdir(tmp_path / "out") == []


def test_bad_targets(mlp):
    prefix, _ = mlp
    with pytest.raises(TypeError, match="needs a Keras model or layer, a list of variables, or a dict"):
        tf1init.load_into("dense", prefix)
    with pytest.raises(TypeError, match="expected tf.Variable or Keras variables"):
        tf1init.load_into([np.zeros(3)], prefix)
