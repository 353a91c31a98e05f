"""Rule TFI109 on whole programs: each corpus program of a session shape, lifted, is exactly the
reviewed file in lift_golden/ (code a person would write), and lifting that file again changes
nothing. The corpus test runs both sides (TF 1.15 and TF 2.21); this one pins the text.

After a deliberate change to the lifter: TF1INIT_REGENERATE_GOLDEN=1 pytest this file, then
review the diff of lift_golden/ as code.
"""
import os
import pathlib

import pytest

from tf1init.migrations import migrate_source

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE.parent / "tf1_corpus"
UNSEEN = HERE.parent / "tf1_unseen"
GOLDEN = HERE / "lift_golden"
SHAPES = {
    "logistic_regression": "with tf.Session(), minimize, fetch lists of tensors",
    "fetch_variables": "tf.Session() outside `with`, variables fetched with the train op",
    "gradients_apply": "compute_gradients + apply_gradients, a run inside format arguments",
    "global_step": "global_step incremented by minimize, Momentum",
    "model_function": "forward pass in a function over weight dicts, Tensor.eval(feed)",
    "interactive_eval": "InteractiveSession, name scopes, op.run / tensor.eval",
    "two_sessions": "a second session re-runs the initializers: the first values come back",
    "linear_regression": "tf.summary.scalar + merge_all + FileWriter -> tf.summary's writer, a session never closed",
    # programs written by others (tests/tf1_unseen)
    "aymeric_save_restore_model": "tf.train.Saver save and restore across two sessions -> tf.train.Checkpoint",
    "tensorflow_mnist_softmax": "the program in def main(_) with tf.app.run -> absl's app.run",
    "cookbook_back_propagation": "two models, one after the other, split by ops.reset_default_graph()",
}


def _before(name):
    folder = CORPUS if (CORPUS / f"{name}.py").exists() else UNSEEN
    return (folder / f"{name}.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_lifted_program_is_the_reviewed_file(name):
    before = _before(name)
    result = migrate_source(before, f"{name}.py")
    assert result.error is None
    assert [f.kind for f in result.findings if f.rule == "TFI109"] == ["fixed"], result.findings
    golden = GOLDEN / f"{name}.py"
    if os.environ.get("TF1INIT_REGENERATE_GOLDEN"):
        golden.write_text(result.new_source, encoding="utf-8")
    assert result.new_source == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_lifting_again_changes_nothing(name):
    after = (GOLDEN / f"{name}.py").read_text(encoding="utf-8")
    again = migrate_source(after, f"{name}.py")
    assert again.new_source == after
    assert not [f for f in again.findings if f.kind != "fixed"], again.findings


def test_a_feed_dict_bound_to_a_name_goes_and_its_comment_stays():
    before = (
        "import tensorflow as tf\n\n"
        "x = tf.placeholder(tf.float32, [None, 1])\n"
        "w = tf.Variable(tf.zeros([1, 1]))\n"
        "y = tf.matmul(x, w)\n"
        "with tf.Session() as sess:\n"
        "    sess.run(tf.global_variables_initializer())\n"
        "    for i in range(2):\n"
        "        feed = {x: [[1.0]]}  # the inputs\n"
        "        print(sess.run(y, feed_dict=feed))\n"
    )
    result = migrate_source(before, "feed.py")
    assert [f.kind for f in result.findings if f.rule == "TFI109"] == ["fixed"], result.findings
    assert result.new_source.endswith(
        "for i in range(2):\n"
        "    # the inputs\n"
        "    print(compute_y([[1.0]]).numpy())\n")
