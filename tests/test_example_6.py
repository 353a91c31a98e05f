"""Example 6: restore a trained base with tf1init.warm_start, freeze it, train a new head."""
import pathlib
import runpy

import pytest

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "transfer_learning.py"
BASE = ["base/hidden/bias", "base/hidden/kernel"]


@pytest.fixture(scope="module")
def transfer(tmp_path_factory):
    out = tmp_path_factory.mktemp("transfer")
    return runpy.run_path(str(EXAMPLE), run_name="example")["run"](out=out), out


def test_outputs_are_written(transfer):
    report, out = transfer
    assert (out / "transfer_learning.png").stat().st_size > 20_000
    assert (out / "summary.json").is_file()
    assert pathlib.Path(report["checkpoint"] + ".index").is_file()


def test_the_base_learns_its_own_task(transfer):
    assert transfer[0]["base_accuracy_digits_0_4"] > 0.95


def test_warm_start_restores_the_base_and_initializes_only_the_rest(transfer):
    restore = transfer[0]["restore"]
    assert sorted(restore["restored"]) == BASE
    assert restore["restored"] == {name: name for name in BASE}
    initialized = restore["initialized"]
    assert not any(name.startswith("base/") for name in initialized)
    assert {"head/hidden/kernel", "head/hidden/bias", "head/logits/kernel", "head/logits/bias",
            "beta1_power", "beta2_power", "head/hidden/kernel/Adam"} <= set(initialized)
    assert restore["missing"] == [] and restore["mismatched"] == []
    # the old head and the base's Adam slots are in the checkpoint but not in the new model
    assert "old_head/logits/kernel" in restore["skipped"] + restore["unused"]


def test_the_new_head_starts_from_he_and_glorot(transfer):
    report = transfer[0]
    assert report["head_variables"] == ["head/hidden/kernel", "head/hidden/bias",
                                        "head/logits/kernel", "head/logits/bias"]
    assert 0.5 * report["he_limit"] < report["head_hidden_kernel_max_abs"] <= report["he_limit"]
    assert 0.5 * report["glorot_limit"] < report["head_logits_kernel_max_abs"] <= report["glorot_limit"]


def test_the_frozen_base_is_exactly_the_checkpoint_after_head_training(transfer):
    report = transfer[0]
    assert report["base_restored_exactly"] is True
    assert report["base_unchanged_by_head_training"] is True


def test_the_new_head_clearly_beats_chance(transfer):
    report = transfer[0]
    assert report["chance"] == 0.2
    assert report["head_accuracy_digits_5_9"] > 0.75
    assert max(report["head_history"]) > 0.85
    assert report["initialized_base_head_accuracy"] > 0.75  # the honest comparison, reported
