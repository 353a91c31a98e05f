"""Rule TFI101's examples, run: each ``before`` under real TF 1.15, its ``after`` under TF 2.x.

Both must run and compute tensors of the same names, shapes and dtypes; where every random op
of the example has an op seed (or is stateless), the very same values. The catalogue's random-op
signatures (tf1init.catalogue._spellings.RANDOM_OPS) are checked against both TensorFlows: TF1's
parameters in TF 1.15, the target's in TF 2.x, and that the keywords the rule writes mean the
same to ``tensorflow.compat.v1``'s function of that name.
"""
import ast
import importlib.util
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_programs  # noqa: E402  (the helper next to this file)

from tf1init.catalogue._spellings import RANDOM_OPS  # noqa: E402
from tf1init.migrations import get, migrate_source  # noqa: E402
from tf1init.migrations._engine import Context, tf1  # noqa: E402

pytestmark = pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs TensorFlow")

EXAMPLES = [e for e in get("TFI101").examples if e.after is not None]
TF1_NAMES = sorted(RANDOM_OPS)
TF2_NAMES = sorted({op.target for op in RANDOM_OPS.values()} |
                   {"tf.compat.v1." + op.target[3:] for op in RANDOM_OPS.values()})


def seeded(source: str) -> bool:
    """Whether every TF1 random op the program calls has its op seed (its draws are fixed)."""
    ctx = Context(source, "example.py", ast.parse(source), [])
    for node, name in ctx.calls:
        op = RANDOM_OPS.get(tf1(name))
        if op is None:
            continue
        given = set(op.params[:len(node.args)]) | {k.arg for k in node.keywords}
        if "seed" not in given:
            return False
    return True


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tf2 = [{"id": "after:" + e.id, "source": e.after} for e in EXAMPLES]
    tf2.append({"id": "signatures", "signatures": TF2_NAMES})
    tf1 = [{"id": "before:" + e.id, "source": e.before} for e in EXAMPLES]
    tf1.append({"id": "tf1-signatures", "signatures": TF1_NAMES})
    return run_programs.finish(run_programs.start(tf2, tmp_path_factory.mktemp("tfi101"), tf1))


@pytest.fixture
def tf1_runs(runs):
    if "tf1-signatures" not in runs:
        pytest.skip("no TF 1.15 interpreter (set TF1INIT_TF1_PYTHON to a Python with tensorflow-cpu==1.15.0)")
    return runs


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_after_computes_what_before_computed_on_tf1(tf1_runs, example):
    before, after = tf1_runs["before:" + example.id], tf1_runs["after:" + example.id]
    assert migrate_source(example.before, "example.py").new_source == example.after
    assert before["ok"], f"the example does not run on TF 1.15: {before['error']}"
    assert after["ok"], f"the migrated example does not run on TF 2.x: {after['error']}\n{example.after}"
    assert sorted(after["values"]) == sorted(before["values"])
    exact = seeded(example.before)
    for name, tf1_value in before["values"].items():
        tf2_value = after["values"][name]
        assert (tf2_value["dtype"], tf2_value["shape"]) == (tf1_value["dtype"], tf1_value["shape"]), name
        if exact:
            assert tf2_value["sha256"] == tf1_value["sha256"], (name, tf2_value["head"], tf1_value["head"])


def test_some_examples_are_compared_value_for_value():
    assert sum(seeded(e.before) for e in EXAMPLES) >= 8


def test_tf1_signatures_are_tf115s(tf1_runs):
    found = tf1_runs["tf1-signatures"]["signatures"]
    for name, op in RANDOM_OPS.items():
        assert found[name] is not None and tuple(found[name]) == op.params, name


def test_targets_take_the_arguments_the_rule_writes(runs):
    found = runs["signatures"]["signatures"]
    for name, op in RANDOM_OPS.items():
        target = found[op.target]
        assert target is not None and tuple(target[:len(op.target_params)]) == op.target_params, name
        compat = found["tf.compat.v1." + op.target[3:]]
        assert compat is not None, name
        written = [op.renames.get(p, p) for p in op.params]
        assert all(w in compat for w in written), (name, compat)  # keywords: the same to compat.v1
        keep = 0  # positional slots the rule may leave positional: the same name in both targets
        while keep < len(op.params) and op.target_params[keep] == written[keep]:
            keep += 1
        assert compat[:keep] == list(op.target_params[:keep]), (name, compat)
