"""restore_or_initialize and warm_start on real checkpoints written by tf.compat.v1 Savers."""
import json
import os
import shutil

import numpy as np
import pytest

import tf1init
from tf1init.errors import (
    CheckpointMismatchError,
    CheckpointNotFoundError,
    CorruptCheckpointError,
    MappingError,
)

KERNEL = np.arange(12, dtype=np.float32).reshape(3, 4) / 8
BIAS = np.array([0.25, -0.5, 0.75, 1.0], dtype=np.float32)
STEP = np.array(41, dtype=np.int64)


def save(tf, v1, directory, values, kind="resource", global_step=None):
    """Write a checkpoint holding ``values`` (name -> array) with a tf.compat.v1 Saver."""
    graph = tf.Graph()
    with graph.as_default():
        variables = [v1.Variable(v, name=n, use_resource=(kind == "resource")) for n, v in values.items()]
        with v1.Session(graph=graph) as session:
            session.run(v1.variables_initializer(variables))
            return v1.train.Saver(variables).save(session, os.path.join(str(directory), "model.ckpt"), global_step=global_step)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, tf, v1):
    """A trained 'version 1' model: dense/kernel, dense/bias, global_step."""
    directory = tmp_path_factory.mktemp("trained")
    prefix = save(tf, v1, directory, {"dense/kernel": KERNEL, "dense/bias": BIAS, "global_step": STEP}, global_step=100)
    return directory, prefix


class Model:
    """Version 2 of the model: the same dense layer, a new head, a local counter."""

    def __init__(self, tf, v1, kind, kernel_shape=(3, 4), kernel_dtype="float32", extra=()):
        self.graph = tf.Graph()
        resource = kind == "resource"
        with self.graph.as_default():
            v1.set_random_seed(7)
            self.kernel = v1.get_variable("dense/kernel", kernel_shape, dtype=kernel_dtype, use_resource=resource)
            self.bias = v1.get_variable("dense/bias", [4], initializer=v1.zeros_initializer(), use_resource=resource)
            self.step = v1.Variable(np.int64(0), name="global_step", use_resource=resource)
            self.head = v1.get_variable("head/kernel", [4, 2], use_resource=resource)
            self.count = v1.Variable(5.0, name="count", use_resource=resource,
                                     collections=[v1.GraphKeys.LOCAL_VARIABLES])
            for name, shape in extra:
                v1.get_variable(name, shape, use_resource=resource)
        self.session = v1.Session(graph=self.graph)

    def values(self):
        names = [v.op.name for v in tf1init.select_variables(self.graph)]
        return dict(zip(names, self.session.run(tf1init.select_variables(self.graph))))

    def close(self):
        self.session.close()


@pytest.fixture
def model(tf, v1, kind):
    m = Model(tf, v1, kind)
    yield m
    m.close()


def assert_values_equal(before, after):
    assert sorted(before) == sorted(after)
    for name in before:
        np.testing.assert_array_equal(before[name], after[name], err_msg=name)


def test_restores_what_the_checkpoint_holds_and_initializes_the_rest(model, trained):
    directory, prefix = trained
    report = tf1init.restore_or_initialize(model.session, directory)
    assert report.checkpoint == prefix
    assert report.restored == {"dense/kernel": "dense/kernel", "dense/bias": "dense/bias", "global_step": "global_step"}
    assert report.initialized == ("head/kernel", "count")
    assert report.missing == ("head/kernel",)
    assert report.unused == () and report.mismatched == () and not report.ok
    values = model.values()
    np.testing.assert_array_equal(values["dense/kernel"], KERNEL)
    np.testing.assert_array_equal(values["dense/bias"], BIAS)
    assert values["global_step"] == 41 and values["count"] == 5.0
    assert values["head/kernel"].shape == (4, 2) and np.all(values["head/kernel"] != 0)


def test_report_text_and_json(model, trained):
    _, prefix = trained
    report = tf1init.restore_or_initialize(model.session, prefix)
    text = str(report).splitlines()
    assert text[0] == f"checkpoint {prefix}: 3 restored, 2 initialized, 1 missing, 0 unused, 0 mismatched"
    assert text[1:] == [
        "  dense/bias    restored     dense/bias",
        "  dense/kernel  restored     dense/kernel",
        "  global_step   restored     global_step",
        "  count         initialized",
        "  head/kernel   missing      initialized instead",
    ]
    data = json.loads(json.dumps(report.to_dict()))
    assert data["missing"] == ["head/kernel"] and data["ok"] is False
    assert data["restored"]["dense/kernel"] == "dense/kernel"


def test_no_checkpoint_yet_initializes_everything(model, tmp_path):
    report = tf1init.restore_or_initialize(model.session, tmp_path)
    assert report.checkpoint is None and report.restored == {}
    assert report.initialized == ("dense/kernel", "dense/bias", "global_step", "head/kernel", "count")
    # This session already ran the random ops unseeded: TF would ignore new seeds there.
    with pytest.raises(tf1init.SeedTooLateError, match="seed=3"):
        tf1init.restore_or_initialize(model.session, None, seed=3)
    fresh = type(model.session)(graph=model.session.graph)
    report = tf1init.restore_or_initialize(fresh, None, seed=3)
    assert len(report.initialized) == 5
    fresh.close()


def test_local_variables_restore_only_when_included(tf, v1, kind, tmp_path):
    prefix = save(tf, v1, tmp_path, {"count": np.float32(9.0), "dense/bias": BIAS})
    m = Model(tf, v1, kind)
    report = tf1init.restore_or_initialize(m.session, prefix)
    assert "count" not in report.restored and report.skipped == ("count",)
    assert m.values()["count"] == 5.0
    report = tf1init.restore_or_initialize(m.session, prefix, include=["count", "dense/bias"], exclude="dense")
    assert report.restored == {"count": "count"} and report.skipped == ("dense/bias",)
    assert m.values()["count"] == 9.0
    m.close()


def test_selection_limits_what_is_touched(model, trained):
    _, prefix = trained
    tf1init.initialize_all(model.session)
    head = model.session.run(model.head)
    report = tf1init.restore_or_initialize(model.session, prefix, selection="dense")
    assert report.initialized == () and sorted(report.restored) == ["dense/bias", "dense/kernel"]
    assert report.skipped == ("global_step",)
    np.testing.assert_array_equal(model.session.run(model.head), head)


def test_strict_failure_changes_nothing(model, trained):
    _, prefix = trained
    tf1init.restore_or_initialize(model.session, prefix)
    with model.graph.as_default():
        model.session.run(model.bias.assign(BIAS * 3))
    before = model.values()
    with pytest.raises(CheckpointMismatchError) as error:
        tf1init.restore_or_initialize(model.session, prefix, policy="strict")
    message = str(error.value)
    assert f"checkpoint {prefix!r} does not fit the graph exactly" in message
    assert "1 variables missing from the checkpoint: ['head/kernel']" in message
    assert_values_equal(before, model.values())
    # Strict and complete: excluding the new head makes it pass.
    report = tf1init.restore_or_initialize(model.session, prefix, policy="strict", exclude="head")
    assert report.ok and report.initialized == ("head/kernel", "count")


def test_unused_entries_are_reported_and_strict_rejects_them(tf, v1, kind, tmp_path):
    prefix = save(tf, v1, tmp_path, {"dense/bias": BIAS, "old_head/w": np.ones([2], np.float32)})
    m = Model(tf, v1, kind)
    report = tf1init.restore_or_initialize(m.session, prefix, selection="dense")
    assert report.unused == ("old_head/w",) and report.restored == {"dense/bias": "dense/bias"}
    assert report.missing == ("dense/kernel",)
    with pytest.raises(CheckpointMismatchError, match=r"1 checkpoint entries name no variable: \['old_head/w'\]"):
        tf1init.restore_or_initialize(m.session, prefix, selection="dense/bias", policy="strict")
    m.close()


@pytest.mark.parametrize("policy", ["partial", "strict"])
def test_shape_mismatch_is_caught_before_restoring(tf, v1, kind, trained, policy):
    """Upstream #52220: Saver restores a [3,4] tensor into a [3,5] resource variable silently."""
    _, prefix = trained
    m = Model(tf, v1, kind, kernel_shape=(3, 5))
    expected = "variable 'dense/kernel' <- 'dense/kernel': shape [3, 5] vs [3, 4] in the checkpoint"
    if policy == "strict":
        tf1init.initialize_all(m.session, seed=1)
        before = m.values()
        with pytest.raises(CheckpointMismatchError) as error:
            tf1init.restore_or_initialize(m.session, prefix, policy=policy, exclude="head")
        assert expected in str(error.value) and prefix in str(error.value)
        assert [mm.variable for mm in error.value.mismatches] == ["dense/kernel"]
        assert_values_equal(before, m.values())
    else:
        with pytest.raises(CheckpointMismatchError, match="on_mismatch='initialize'"):
            tf1init.restore_or_initialize(m.session, prefix, seed=1)
        report = tf1init.restore_or_initialize(m.session, prefix, seed=1, on_mismatch="initialize")
        assert [str(mm) for mm in report.mismatched] == [expected]
        assert "dense/kernel" in report.initialized and "dense/kernel" not in report.restored
        fresh = Model(tf, v1, kind, kernel_shape=(3, 5))
        tf1init.initialize_all(fresh.session, seed=1)
        np.testing.assert_array_equal(m.values()["dense/kernel"], fresh.values()["dense/kernel"])
        fresh.close()
        np.testing.assert_array_equal(m.values()["dense/bias"], BIAS)
    m.close()


def test_dtype_mismatch_names_both_dtypes(tf, v1, kind, trained):
    _, prefix = trained
    m = Model(tf, v1, kind, kernel_dtype="float64")
    tf1init.initialize_all(m.session)
    before = m.values()
    with pytest.raises(CheckpointMismatchError) as error:
        tf1init.restore_or_initialize(m.session, prefix, policy="strict")
    assert "variable 'dense/kernel' <- 'dense/kernel': dtype float64 vs float32 in the checkpoint" in str(error.value)
    assert_values_equal(before, m.values())
    m.close()


def test_checkpoint_of_another_model_is_refused_with_suggestions(tf, v1, kind, tmp_path):
    prefix = save(tf, v1, tmp_path, {"fc/weights": KERNEL, "fc/biases": BIAS, "other/x": np.zeros([7], np.float32)})
    m = Model(tf, v1, kind)
    tf1init.initialize_all(m.session)
    before = m.values()
    with pytest.raises(CheckpointMismatchError) as error:
        tf1init.restore_or_initialize(m.session, prefix)
    message = str(error.value)
    assert f"checkpoint {prefix!r} restores none of this graph's variables" in message
    assert "renamed? try mapping={'fc/biases': 'dense/bias', 'fc/weights': 'dense/kernel'}" in message
    assert_values_equal(before, m.values())
    report = tf1init.restore_or_initialize(m.session, prefix, mapping={"fc/": "dense/", "fc/weights": "dense/kernel"})
    assert report.restored == {"dense/kernel": "fc/weights"} and report.unused == ("fc/biases", "other/x")
    report = tf1init.restore_or_initialize(m.session, prefix, mapping={"fc/weights": "dense/kernel", "fc/biases": "dense/bias"})
    assert report.restored == {"dense/kernel": "fc/weights", "dense/bias": "fc/biases"}
    np.testing.assert_array_equal(m.values()["dense/kernel"], KERNEL)
    m.close()


def test_scope_mapping_like_init_from_checkpoint(tf, v1, kind, tmp_path):
    prefix = save(tf, v1, tmp_path, {"bert/layer/kernel": KERNEL, "bert/layer/bias": BIAS, "adam/m": BIAS})
    graph = tf.Graph()
    with graph.as_default():
        kernel = v1.get_variable("encoder/layer/kernel", [3, 4], use_resource=(kind == "resource"))
        bias = v1.get_variable("encoder/layer/bias", [4], use_resource=(kind == "resource"))
    with v1.Session(graph=graph) as session:
        report = tf1init.restore_or_initialize(session, prefix, mapping={"bert/": "encoder/", "adam/": None}, policy="strict")
        assert report.restored == {"encoder/layer/kernel": "bert/layer/kernel", "encoder/layer/bias": "bert/layer/bias"}
        assert report.skipped == ("adam/m",) and report.ok
        np.testing.assert_array_equal(session.run(kernel), KERNEL)
        np.testing.assert_array_equal(session.run(bias), BIAS)


def test_split_and_join_across_model_versions(tf, v1, kind, tmp_path):
    """v1 stored one [6,4] 'qkv' and two [2,4] halves; v2 has two [3,4] and one [4,4]."""
    qkv = np.arange(24, dtype=np.float32).reshape(6, 4)
    top, bottom = np.full([2, 4], 1.5, np.float32), np.full([2, 4], -2.5, np.float32)
    prefix = save(tf, v1, tmp_path, {"qkv": qkv, "half_a": top, "half_b": bottom})
    graph = tf.Graph()
    resource = kind == "resource"
    with graph.as_default():
        q = v1.get_variable("q", [3, 4], use_resource=resource)
        kv = v1.get_variable("kv", [3, 4], use_resource=resource)
        both = v1.get_variable("both", [4, 4], use_resource=resource)
    with v1.Session(graph=graph) as session:
        report = tf1init.restore_or_initialize(
            session, prefix, mapping={"qkv": ("q", "kv"), ("half_a", "half_b"): "both"}, policy="strict"
        )
        assert report.restored == {"q": "qkv[0:3]", "kv": "qkv[3:6]", "both": "half_a + half_b"}
        np.testing.assert_array_equal(session.run(q), qkv[:3])
        np.testing.assert_array_equal(session.run(kv), qkv[3:])
        np.testing.assert_array_equal(session.run(both), np.concatenate([top, bottom]))
        with pytest.raises(MappingError, match=r"the variables \['q', 'both'\] have 7 rows in all, but the entry 'qkv' has 6"):
            tf1init.restore_or_initialize(session, prefix, mapping={"qkv": ("q", "both")})


def test_callable_mapping(tf, v1, kind, trained):
    _, prefix = trained
    m = Model(tf, v1, kind)
    report = tf1init.restore_or_initialize(m.session, prefix, mapping=lambda name: None if name == "global_step" else name)
    assert sorted(report.restored) == ["dense/bias", "dense/kernel"] and report.skipped == ("global_step",)
    m.close()


def test_mapping_that_targets_a_variable_twice(model, trained):
    _, prefix = trained
    tf1init.initialize_all(model.session)
    before = model.values()
    with pytest.raises(MappingError) as error:
        tf1init.restore_or_initialize(model.session, prefix, mapping={"dense/bias": "dense/kernel"})
    message = str(error.value)
    assert "aims two checkpoint entries at the variable 'dense/kernel'" in message
    assert "'dense/bias'" in message and "'dense/kernel'" in message
    assert_values_equal(before, model.values())


@pytest.mark.parametrize(
    "mapping, expected",
    [
        ({"dense/kernal": "dense/kernel"}, "the mapping key 'dense/kernal' names 'dense/kernal', which the checkpoint does not hold; closest entry names: ['dense/kernel'"),
        ({"dense/kernel": "dense/kernl"}, "sends 'dense/kernel' to 'dense/kernl', which is not a variable of the graph; closest variable names: ['dense/kernel'"),
        ({"bert/": "encoder/"}, "no checkpoint entry is in the scope 'bert/'"),
    ],
)
def test_mapping_mistakes(model, trained, mapping, expected):
    _, prefix = trained
    with pytest.raises(MappingError) as error:
        tf1init.restore_or_initialize(model.session, prefix, mapping=mapping)
    assert expected in str(error.value)


def test_partitioned_variables_restore_their_slices(tf, v1, kind, tmp_path):
    value = np.arange(40, dtype=np.float32).reshape(10, 4)
    prefix = save(tf, v1, tmp_path, {"emb": value})
    graph = tf.Graph()
    with graph.as_default():
        emb = v1.get_variable("emb", [10, 4], partitioner=v1.fixed_size_partitioner(3), use_resource=(kind == "resource"))
    with v1.Session(graph=graph) as session:
        report = tf1init.restore_or_initialize(session, prefix, policy="strict")
        assert report.restored == {"emb/part_0": "emb[0:4]", "emb/part_1": "emb[4:7]", "emb/part_2": "emb[7:10]"}
        np.testing.assert_array_equal(np.concatenate(session.run(list(emb))), value)


def test_warm_start_keeps_the_backbone_and_initializes_the_head(tf, v1, kind, trained):
    _, prefix = trained
    m = Model(tf, v1, kind)
    report = tf1init.warm_start(m.session, prefix, "dense", seed=5)
    assert sorted(report.restored) == ["dense/bias", "dense/kernel"]
    assert report.initialized == ("global_step", "head/kernel", "count")
    assert report.skipped == ("global_step",)
    values = m.values()
    np.testing.assert_array_equal(values["dense/kernel"], KERNEL)
    assert values["global_step"] == 0
    other = Model(tf, v1, kind)
    tf1init.initialize_all(other.session, seed=5)
    np.testing.assert_array_equal(values["head/kernel"], other.values()["head/kernel"])
    with pytest.raises(CheckpointMismatchError, match=r"(?s)every selected variable must be restored .*\['head/kernel'\]"):
        tf1init.warm_start(m.session, prefix, ["dense/kernel", "head/kernel"])
    with pytest.raises(CheckpointNotFoundError):
        tf1init.warm_start(m.session, None, "dense")
    m.close()
    other.close()


def test_initial_value_reading_a_restored_variable_sees_the_restored_value(tf, v1, kind, trained):
    _, prefix = trained
    graph = tf.Graph()
    with graph.as_default():
        bias = v1.Variable(np.zeros(4, np.float32), name="dense/bias", use_resource=(kind == "resource"))
        double = v1.Variable(bias.initial_value * 0 + v1.convert_to_tensor(bias) * 2, name="double",
                             use_resource=(kind == "resource"))
    with v1.Session(graph=graph) as session:
        report = tf1init.restore_or_initialize(session, prefix, exclude="double")
        assert report.initialized == ("double",)
        np.testing.assert_array_equal(session.run(double), BIAS * 2)


def test_repeated_calls_do_not_grow_the_graph(model, trained):
    _, prefix = trained
    tf1init.restore_or_initialize(model.session, prefix)
    size = len(model.graph.get_operations())
    for _ in range(3):
        tf1init.restore_or_initialize(model.session, prefix)
    assert len(model.graph.get_operations()) == size


def test_missing_checkpoint_changes_nothing(model, trained, tmp_path):
    directory, _ = trained
    tf1init.initialize_all(model.session)
    before = model.values()
    for path in (tmp_path / "nowhere", directory / "model.ckpt-5"):
        with pytest.raises(CheckpointNotFoundError) as error:
            tf1init.restore_or_initialize(model.session, str(path))
        assert repr(str(path)) in str(error.value)
    assert_values_equal(before, model.values())


def copy_of(prefix, directory):
    for name in os.listdir(os.path.dirname(prefix)):
        if name.startswith(os.path.basename(prefix) + "."):
            shutil.copy(os.path.join(os.path.dirname(prefix), name), directory)
    return os.path.join(str(directory), os.path.basename(prefix))


@pytest.mark.parametrize("damage", ["truncate data", "corrupt index"])
def test_damaged_checkpoint_changes_nothing(model, trained, tmp_path, damage):
    _, prefix = trained
    copy = copy_of(prefix, tmp_path)
    data, index = copy + ".data-00000-of-00001", copy + ".index"
    if damage == "truncate data":
        os.truncate(data, 10)
        expected = f"the data file {data!r} is truncated"
    elif damage == "corrupt index":
        raw = bytearray(open(index, "rb").read())
        raw[12] ^= 0xFF
        open(index, "wb").write(bytes(raw))
        expected = f"the checkpoint index {index!r} is damaged"
    tf1init.initialize_all(model.session, seed=2)
    before = model.values()
    with pytest.raises(CorruptCheckpointError) as error:
        tf1init.restore_or_initialize(model.session, copy, exclude="head")
    assert expected in str(error.value)
    assert_values_equal(before, model.values())


def test_damaged_data_bytes_fail_in_the_run_and_restore_nothing(model, trained, tmp_path):
    """A flipped byte keeps the file's length: only the CRC that TensorFlow checks while it
    reads finds it. The restore is one op, so no variable is restored (and the initializers
    run only after it: test_restore_defaults.py)."""
    _, prefix = trained
    copy = copy_of(prefix, tmp_path)
    data = copy + ".data-00000-of-00001"
    raw = bytearray(open(data, "rb").read())
    raw[5] ^= 0x01
    open(data, "wb").write(bytes(raw))
    tf1init.initialize_all(model.session, seed=2)
    before = model.values()
    with pytest.raises(CorruptCheckpointError) as error:
        tf1init.restore_or_initialize(model.session, copy)
    assert f"restoring from {copy!r} failed while reading its data files" in str(error.value)
    assert "Checksum does not match" in str(error.value)
    after = model.values()
    for name in ("dense/kernel", "dense/bias", "global_step"):
        np.testing.assert_array_equal(before[name], after[name])


def test_suggestions_are_unambiguous_and_cheap_for_big_renames():
    from tf1init.checkpoints.suggest import suggest_mapping

    sig = ((16, 16), "float32")
    # Two same-shape candidates equally alike: no guess.
    assert suggest_mapping({"a/w1": sig, "a/w2": sig}, {"b/kernel": sig}) == {}
    assert suggest_mapping({"conv/weights": sig, "conv/biases": ((16,), "float32")},
                           {"conv/kernel": sig, "conv/bias": ((16,), "float32")}) == {
        "conv/biases": "conv/bias", "conv/weights": "conv/kernel"}
    # 3,000 same-shape variables under a renamed scope: matched by name below the scope.
    unused = {f"old/layer{i}/weights": sig for i in range(3000)}
    missing = {f"new/layer{i}/kernel": sig for i in range(3000)}
    found = suggest_mapping(unused, missing)
    assert len(found) == 3000 and found["old/layer7/weights"] == "new/layer7/kernel"


def test_finalized_graph_restores_after_prepare(tf, v1, kind, trained):
    directory, _ = trained
    m = Model(tf, v1, kind)
    m.graph.finalize()
    with pytest.raises(tf1init.FinalizedGraphError, match=r"call tf1init.prepare_restore\(graph, checkpoint, ...\)"):
        tf1init.restore_or_initialize(m.session, directory)
    m.close()
    m = Model(tf, v1, kind)
    preview = tf1init.prepare_restore(m.graph, directory)
    assert sorted(preview.restored) == ["dense/bias", "dense/kernel", "global_step"] and preview.initialized == ()
    m.graph.finalize()
    report = tf1init.restore_or_initialize(m.session, directory)
    assert report.initialized == ("head/kernel", "count")
    np.testing.assert_array_equal(m.values()["dense/kernel"], KERNEL)
    m.close()


def test_unknown_policy_is_refused_before_anything(model, trained):
    _, prefix = trained
    with pytest.raises(ValueError, match=r"policy must be one of \['partial', 'strict'\], not 'lenient'"):
        tf1init.restore_or_initialize(model.session, prefix, policy="lenient")
