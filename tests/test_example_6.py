"""Example 6: tf1init.warm_start restores a pre-trained base, frozen, under a new head; what that gives.

Margins: measured on TF 2.21 with seeds 0-4 (the example's default), odd or even from 40 labels
ends at 0.906 +- 0.031 (restored base), 0.821 +- 0.045 (initialized base, frozen) and
0.844 +- 0.052 (whole network from scratch), the restored base ahead on each of the 5 seeds;
digits 5-9 from a base of digits 0-4 end at 0.904, 0.904 and 0.942. The bounds below leave
about half of each gap as slack.
"""
import pathlib
import runpy

import pytest

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "transfer_learning.py"
BASE = ["base/hidden/bias", "base/hidden/kernel"]
RELATED, NEW_CLASSES = "odd or even", "digits 5-9"


@pytest.fixture(scope="module")
def transfer(tmp_path_factory):
    out = tmp_path_factory.mktemp("transfer")
    return runpy.run_path(str(EXAMPLE), run_name="example")["run"](out=out), out


def test_outputs_are_written(transfer):
    report, out = transfer
    assert (out / "transfer_learning.png").stat().st_size > 50_000
    assert (out / "summary.json").is_file()
    for experiment in report["experiments"].values():
        assert pathlib.Path(experiment["checkpoint"] + ".index").is_file()


def test_every_way_of_starting_ran_on_every_seed(transfer):
    report = transfer[0]
    assert report["seeds"] == [0, 1, 2, 3, 4]
    for experiment in report["experiments"].values():
        assert sorted(experiment["curves"]) == ["initialized", "restored", "scratch"]
        for curves in experiment["curves"].values():
            assert len(curves) == 5
            assert all(len(curve) == len(experiment["steps"]) == 13 for curve in curves)  # steps 0, 5, ..., 60
    assert report["experiments"][RELATED]["labelled_images"] == 40
    assert report["experiments"][NEW_CLASSES]["labelled_images"] == 100


def test_the_bases_learn_their_own_tasks(transfer):
    experiments = transfer[0]["experiments"]
    assert experiments[RELATED]["base_accuracy"] > 0.93  # digits 0-9
    assert experiments[NEW_CLASSES]["base_accuracy"] > 0.95  # digits 0-4


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


def test_a_base_that_learnt_what_the_new_task_needs_pays(transfer):
    result = transfer[0]["experiments"][RELATED]
    final, early = result["final"], result["after_10_steps"]
    assert final["restored"]["mean"] > final["initialized"]["mean"] + 0.04
    assert final["restored"]["mean"] > final["scratch"]["mean"] + 0.03
    assert result["restored_ahead_on_seeds"]["initialized"] >= 4
    assert result["restored_ahead_on_seeds"]["scratch"] >= 4
    assert early["restored"]["mean"] > early["initialized"]["mean"] + 0.05  # and it gets there sooner
    assert final["restored"]["min"] > 0.8


def test_features_of_other_classes_do_not_pay(transfer):
    result = transfer[0]["experiments"][NEW_CLASSES]
    final = result["final"]
    assert final["restored"]["mean"] < final["initialized"]["mean"] + 0.02  # no gain from restoring
    assert final["scratch"]["mean"] > final["restored"]["mean"] + 0.015  # training everything is best
    for start in ("restored", "initialized", "scratch"):
        assert final[start]["mean"] > 0.8 > 3 * result["chance"]  # every way learns the task
