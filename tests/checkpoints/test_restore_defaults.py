"""restore_or_initialize on the cases real training jobs hit (issue 19, items 1-3): a mismatch
raises by default, mappings reach partitioned variables as init_from_checkpoint's do, and a
failed call leaves the session as it was. Real checkpoints written by tf.compat.v1 Savers."""
import os
import shutil

import numpy as np
import pytest

import tf1init
from tf1init.errors import CheckpointMismatchError, CorruptCheckpointError

EMB = np.arange(40, dtype=np.float32).reshape(10, 4) / 8
KERNEL = np.arange(12, dtype=np.float32).reshape(3, 4) - 5


def save(tf, v1, directory, values):
    graph = tf.Graph()
    with graph.as_default():
        variables = [v1.Variable(value, name=name) for name, value in values.items()]
        with v1.Session(graph=graph) as session:
            session.run(v1.variables_initializer(variables))
            return v1.train.Saver(variables).save(session, os.path.join(str(directory), "model.ckpt"), global_step=100)


@pytest.fixture(scope="module")
def old(tmp_path_factory, tf, v1):
    """An older run's checkpoint: global_step int32 (as old TF1 code made it), a [10,4] embedding."""
    directory = tmp_path_factory.mktemp("old")
    save(tf, v1, directory, {"global_step": np.int32(41), "emb": EMB, "dense/kernel": KERNEL})
    return str(directory)


@pytest.fixture(scope="module")
def bert(tmp_path_factory, tf, v1):
    """A pretrained checkpoint under bert/, and the same names at its root (other values)."""
    return save(tf, v1, tmp_path_factory.mktemp("bert"), {
        "bert/emb": EMB, "bert/kernel": KERNEL, "emb": EMB + 100, "kernel": KERNEL + 100,
    })


class Model:
    """A graph of ``get_variable``s: name -> (shape, dtype, partitions)."""

    def __init__(self, tf, v1, kind, spec):
        self.graph = tf.Graph()
        self.variables = {}
        with self.graph.as_default():
            v1.set_random_seed(3)
            for name, (shape, dtype, parts) in spec.items():
                self.variables[name] = v1.get_variable(
                    name, shape, dtype=tf.as_dtype(dtype), use_resource=(kind == "resource"),
                    initializer=None if dtype.startswith("float") else v1.zeros_initializer(),
                    partitioner=v1.fixed_size_partitioner(parts) if parts else None,
                )
            self.uninitialized_op = v1.report_uninitialized_variables()
        self.session = v1.Session(graph=self.graph)

    def uninitialized(self):
        return sorted(n.decode() for n in self.session.run(self.uninitialized_op))

    def values(self):
        variables = tf1init.select_variables(self.graph)
        return dict(zip([v.op.name for v in variables], self.session.run(variables)))

    def value(self, name):
        variable = self.variables[name]
        parts = list(variable) if not hasattr(variable, "op") else [variable]
        return np.concatenate(self.session.run(parts)) if len(parts) > 1 else self.session.run(parts[0])


def same(before, after):
    assert sorted(before) == sorted(after)
    for name in before:
        np.testing.assert_array_equal(before[name], after[name], err_msg=name)


NEXT_VERSION = {  # the model grown since the old checkpoint: int64 step, two more rows, a head
    "global_step": ((), "int64", 0),
    "emb": ((12, 4), "float32", 0),
    "dense/kernel": ((3, 4), "float32", 0),
    "head/kernel": ((4, 2), "float32", 0),
}
ALL = ["dense/kernel", "emb", "global_step", "head/kernel"]


# --- 1: a mismatch raises by default, naming each variable, and changes nothing -----------


def test_mismatch_raises_by_default_and_changes_nothing(tf, v1, kind, old):
    m = Model(tf, v1, kind, NEXT_VERSION)
    with pytest.raises(CheckpointMismatchError) as error:
        tf1init.restore_or_initialize(m.session, old)
    message = str(error.value)
    assert "variable 'emb' <- 'emb': shape [12, 4] vs [10, 4] in the checkpoint" in message
    assert "variable 'global_step' <- 'global_step': dtype int64 vs int32 in the checkpoint" in message
    assert "on_mismatch='initialize'" in message and "exclude=['emb', 'global_step']" in message
    assert "nothing was changed" in message and "older checkpoint" not in message
    assert [mm.variable for mm in error.value.mismatches] == ["emb", "global_step"]
    assert m.uninitialized() == ALL  # nothing restored, nothing initialized
    with pytest.raises(CheckpointMismatchError, match="on_mismatch='initialize'"):
        tf1init.prepare_restore(m.graph, old)

    tf1init.initialize_all(m.session, seed=4)
    before = m.values()
    with pytest.raises(CheckpointMismatchError):
        tf1init.restore_or_initialize(m.session, old)
    same(before, m.values())


def test_on_mismatch_initialize_accepts_them_and_reports_them(tf, v1, old):
    m = Model(tf, v1, "resource", NEXT_VERSION)
    report = tf1init.restore_or_initialize(m.session, old, on_mismatch="initialize")
    assert [str(mm) for mm in report.mismatched] == [
        "variable 'emb' <- 'emb': shape [12, 4] vs [10, 4] in the checkpoint",
        "variable 'global_step' <- 'global_step': dtype int64 vs int32 in the checkpoint",
    ]
    assert report.restored == {"dense/kernel": "dense/kernel"}
    assert sorted(report.initialized) == ["emb", "global_step", "head/kernel"]
    assert m.uninitialized() == []
    np.testing.assert_array_equal(m.value("dense/kernel"), KERNEL)
    assert m.value("global_step") == 0 and m.value("emb").shape == (12, 4)
    # Leaving them out says the same thing.
    report = tf1init.restore_or_initialize(m.session, old, exclude=["emb", "global_step"])
    assert report.mismatched == () and report.skipped == ("emb", "global_step")
    with pytest.raises(ValueError, match=r"on_mismatch must be one of \['raise', 'initialize'\], not 'ignore'"):
        tf1init.restore_or_initialize(m.session, old, on_mismatch="ignore")
    with pytest.raises(ValueError, match="policy='strict' refuses every mismatch"):
        tf1init.restore_or_initialize(m.session, old, policy="strict", on_mismatch="initialize")


def test_the_scaffold_takes_the_same_choice(tf, v1, old):
    """RestoreOrInitializeScaffold (MonitoredTrainingSession) raises by default too, and passes
    on_mismatch= through."""
    m = Model(tf, v1, "resource", NEXT_VERSION)
    with pytest.raises(CheckpointMismatchError):
        tf1init.RestoreOrInitializeScaffold(old).restore_or_initialize(m.session, old)
    assert m.uninitialized() == ALL
    report = tf1init.RestoreOrInitializeScaffold(old, on_mismatch="initialize").restore_or_initialize(m.session, old)
    assert [mm.variable for mm in report.mismatched] == ["emb", "global_step"] and m.uninitialized() == []


# --- 2: mappings reach partitioned variables, in init_from_checkpoint's forms ---------------

TARGETS = {
    "encoder/emb": ((10, 4), "float32", 2),
    "encoder/kernel": ((3, 4), "float32", 0),
    "decoder/kernel": ((3, 4), "float32", 0),
}
FORMS = {  # init_from_checkpoint's documented assignment maps (TF 2.21), and what they restore
    "scope": (lambda vs: {"bert/": "encoder/"}, {"encoder/emb": EMB, "encoder/kernel": KERNEL}),
    "root": (lambda vs: {"/": "encoder/"}, {"encoder/emb": EMB + 100, "encoder/kernel": KERNEL + 100}),
    "names": (lambda vs: {"bert/emb": "encoder/emb", "bert/kernel": "encoder/kernel"},
              {"encoder/emb": EMB, "encoder/kernel": KERNEL}),
    "variables": (lambda vs: {"bert/emb": list(vs["encoder/emb"]), "bert/kernel": vs["decoder/kernel"]},
                  {"encoder/emb": EMB, "decoder/kernel": KERNEL}),
    "pairs": (lambda vs: [("bert/kernel", "encoder/kernel"), ("bert/kernel", "decoder/kernel"), ("emb", "encoder/emb")],
              {"encoder/emb": EMB + 100, "encoder/kernel": KERNEL, "decoder/kernel": KERNEL}),
}


@pytest.fixture(scope="module")
def by_init_from_checkpoint(tf, v1, bert):
    """What tf.compat.v1.train.init_from_checkpoint restores for each form, on TF 2.21."""
    found = {}
    for form, (mapping, _) in FORMS.items():
        m = Model(tf, v1, "resource", TARGETS)
        with m.graph.as_default():
            v1.train.init_from_checkpoint(bert, mapping(m.variables))
            m.session.run(v1.global_variables_initializer())
        found[form] = {name: m.value(name) for name in TARGETS}
        m.session.close()
    return found


@pytest.mark.parametrize("form", sorted(FORMS))
def test_mappings_reach_partitioned_variables_as_init_from_checkpoint(tf, v1, bert, by_init_from_checkpoint, form):
    mapping, expected = FORMS[form]
    for name, value in expected.items():  # the reference itself, so the test knows what TF does
        np.testing.assert_array_equal(by_init_from_checkpoint[form][name], value, err_msg=name)
    m = Model(tf, v1, "resource", TARGETS)
    report = tf1init.restore_or_initialize(m.session, bert, mapping=mapping(m.variables))
    for name, value in expected.items():
        np.testing.assert_array_equal(m.value(name), value, err_msg=name)
    restored = {name.split("/part_")[0] for name in report.restored}
    assert restored == set(expected)
    assert sorted(report.initialized) == sorted(
        n for n in ["encoder/emb/part_0", "encoder/emb/part_1", "encoder/kernel", "decoder/kernel"]
        if n.split("/part_")[0] not in expected
    )


def test_partitioned_scope_mapping_restores_every_slice(tf, v1, kind, bert):
    m = Model(tf, v1, kind, TARGETS)
    report = tf1init.restore_or_initialize(m.session, bert, mapping={"bert/": "encoder/", "/": None})
    assert report.restored == {
        "encoder/emb/part_0": "bert/emb[0:5]", "encoder/emb/part_1": "bert/emb[5:10]",
        "encoder/kernel": "bert/kernel",
    }
    assert report.skipped == ("emb", "kernel") and report.missing == ("decoder/kernel",)
    np.testing.assert_array_equal(m.value("encoder/emb"), EMB)


# --- 3: a failed call leaves the session as it was -------------------------------------------

GROWN_PARTITIONED = {
    "global_step": ((), "int32", 0),
    "emb": ((12, 4), "float32", 2),
    "dense/kernel": ((3, 4), "float32", 0),
    "head/kernel": ((4, 2), "float32", 0),
}


def test_partitioned_variable_grown_is_a_mismatch_not_damage(tf, v1, kind, old):
    m = Model(tf, v1, kind, GROWN_PARTITIONED)
    with pytest.raises(CheckpointMismatchError) as error:
        tf1init.restore_or_initialize(m.session, old)
    message = str(error.value)
    assert not isinstance(error.value, CorruptCheckpointError) and "older checkpoint" not in message
    assert ("variable 'emb' (partitioned: 'emb/part_0', 'emb/part_1') <- 'emb': "
            "shape [12, 4] vs [10, 4] in the checkpoint") in message
    assert "exclude=['emb/part_0', 'emb/part_1']" in message
    assert m.uninitialized() == ["dense/kernel", "emb/part_0", "emb/part_1", "global_step", "head/kernel"]
    report = tf1init.restore_or_initialize(m.session, old, exclude=["emb/part_0", "emb/part_1"])
    assert report.mismatched == () and report.skipped == ("emb",)
    report = tf1init.restore_or_initialize(m.session, old, on_mismatch="initialize")
    assert sorted(report.initialized) == ["emb/part_0", "emb/part_1", "head/kernel"]
    text = [" ".join(line.split()) for line in str(report).splitlines()]
    assert "emb mismatched shape [12, 4] vs [10, 4] in the checkpoint; initialized instead" in text
    assert not any(line.startswith("emb/part_") for line in text)
    assert report.to_dict()["mismatched"][0]["parts"] == ["emb/part_0", "emb/part_1"]
    assert m.value("global_step") == 41 and m.value("emb").shape == (12, 4)


def test_damaged_data_bytes_change_no_variable(tf, v1, kind, old, tmp_path):
    """Same-length garbage in the .data file is found only by TensorFlow's CRC while it reads:
    the variables to initialize must not have been assigned by then."""
    spec = dict(NEXT_VERSION, global_step=((), "int32", 0), emb=((10, 4), "float32", 0))
    prefix = tf1init.resolve_checkpoint(old)
    for name in os.listdir(old):
        if name.startswith(os.path.basename(prefix) + "."):
            shutil.copy(os.path.join(old, name), tmp_path)
    copy = str(tmp_path / os.path.basename(prefix))
    data = copy + ".data-00000-of-00001"
    raw = bytearray(open(data, "rb").read())
    for at in range(8, len(raw), 16):
        raw[at] ^= 0x5A
    open(data, "wb").write(bytes(raw))

    m = Model(tf, v1, kind, spec)
    with pytest.raises(CorruptCheckpointError, match="Checksum does not match|checksum"):
        tf1init.restore_or_initialize(m.session, copy)
    assert m.uninitialized() == ALL

    tf1init.initialize_all(m.session)
    before = m.values()
    with pytest.raises(CorruptCheckpointError, match="no variable was changed"):
        tf1init.restore_or_initialize(m.session, copy)
    same(before, m.values())


@pytest.mark.parametrize("reads", ["a variable that holds no value", "a placeholder"])
def test_initializer_mistakes_raise_before_the_restore(tf, v1, old, reads):
    """The restore runs before the initializers, so their checks must come before it."""
    from tf1init.errors import UnfedPlaceholderError, UninitializedVariablesError

    graph = tf.Graph()
    with graph.as_default():
        kernel = v1.get_variable("dense/kernel", [3, 4], use_resource=True)
        other = v1.get_variable("other", [4], use_resource=True)
        source = v1.convert_to_tensor(other) if reads.startswith("a variable") else v1.placeholder(tf.float32, [4])
        v1.Variable(source * 2, name="head", use_resource=True)
    session = v1.Session(graph=graph)
    expected = UninitializedVariablesError if reads.startswith("a variable") else UnfedPlaceholderError
    with pytest.raises(expected, match="head"):
        tf1init.restore_or_initialize(session, old, selection=["dense/kernel", "head"])
    assert len(tf1init.uninitialized_variables(session)) == 3  # dense/kernel not restored either
    del kernel


@pytest.mark.parametrize(
    "mapping, expected",
    [
        (["bert/emb", "encoder/emb"], "a mapping given as a list holds (checkpoint name, variable name) pairs, not 'bert/emb'"),
        ({"bert/emb": ("encoder/emb", "encoder/kernel")}, "cannot be split into the partitioned variable 'encoder/emb'"),
        ({("bert/kernel", "kernel"): "encoder/emb"}, "cannot go into the partitioned variable 'encoder/emb'"),
        ({"bert/": "encoder"}, "the scope 'bert/' must map to a scope ending in '/' ('/' or '' for the root)"),
        ([("bert/kernel", "encoder/kernel"), ("kernel", "encoder/kernel")],
         "aims two checkpoint entries at the variable 'encoder/kernel': 'bert/kernel' and 'kernel'"),
    ],
    ids=["not-pairs", "split-into-partitioned", "join-into-partitioned", "scope-to-name", "twice"],
)
def test_mapping_mistakes_with_the_new_forms(tf, v1, bert, mapping, expected):
    from tf1init.errors import MappingError

    m = Model(tf, v1, "resource", TARGETS)
    with pytest.raises(MappingError) as error:
        tf1init.restore_or_initialize(m.session, bert, mapping=mapping)
    assert expected in str(error.value)
    assert len(m.uninitialized()) == 4
