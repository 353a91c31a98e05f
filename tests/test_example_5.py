"""Example 5: custom initializers, per-layer dispatch, and surgery on a restored TF1 model."""
import pathlib
import runpy

import numpy as np
import pytest

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "custom_initializers.py"


@pytest.fixture(scope="module")
def custom(tmp_path_factory):
    out = tmp_path_factory.mktemp("custom")
    return runpy.run_path(str(EXAMPLE), run_name="example")["run"](out=out), out


def test_outputs_are_written(custom):
    report, out = custom
    assert (out / "custom_initializers.png").stat().st_size > 20_000
    assert (out / "summary.json").is_file()
    assert (out / "checkpoint" / "model.ckpt.index").is_file()
    assert (out / "checkpoint" / "model_edited.ckpt.index").is_file()


def test_printed_names_are_the_initializers_as_written(custom):
    report = custom[0]
    assert report["thresholded_uniform"]["initializer"] == "ThresholdedUniform(limit=10, threshold=5)"
    assert report["clipped_normal"]["initializer"] == "ClippedNormal(stddev=1, k=2)"


def test_thresholded_uniform_is_half_zeros_and_heavy_tailed(custom):
    report = custom[0]
    stats = report["thresholded_uniform"]
    # 65,536 draws: the zero fraction has std 0.002, the sample std about 0.3%
    assert stats["fraction_zero"] == pytest.approx(0.5, abs=0.01)
    assert 5.0 <= report["nonzero_abs_min"] and -10.0 <= stats["min"] and stats["max"] < 10.0
    assert stats["closed_form"]["std"] == pytest.approx(np.sqrt((1000 - 125) / 30))  # (l^3 - t^3) / 3l
    assert stats["std"] == pytest.approx(stats["closed_form"]["std"], rel=0.015)
    assert stats["mean"] == pytest.approx(0.0, abs=0.1)


def test_clipped_normal_stays_within_k_standard_deviations(custom):
    stats = custom[0]["clipped_normal"]
    assert -2.0 <= stats["min"] and stats["max"] <= 2.0
    assert stats["max"] > 1.99 and stats["min"] < -1.99  # reaches the cut: truncated, not shrunk
    assert stats["closed_form"]["std"] == pytest.approx(0.87962566103423978)  # k = 2: TruncatedNormal's
    assert stats["std"] == pytest.approx(stats["closed_form"]["std"], rel=0.015)
    assert stats["fraction_zero"] == 0.0


def test_rules_set_glorot_first_and_a_constant_second_in_a_session(custom):
    surgery = custom[0]["surgery"]
    assert surgery["rules"] == ["dense/kernel", "dense_1/kernel"]
    assert surgery["untouched_by_rules"] == ["dense/bias", "dense_1/bias"]
    assert 0 < surgery["first_kernel_max_abs"] <= surgery["glorot_limit"] == pytest.approx(np.sqrt(6 / 8))
    assert surgery["second_kernel"] == [[42.0]] * 4
    assert surgery["biases"] == {"dense/bias": [0.0] * 4, "dense_1/bias": [0.0]}


def test_the_same_rules_work_on_a_keras_model(custom):
    keras = custom[0]["keras"]
    before = np.array(keras["thresholded_kernel_before_rules"])
    assert np.all((before == 0) | ((np.abs(before) >= 5) & (np.abs(before) < 10)))
    assert len(keras["assigned"]) == 2
    first = np.array(keras["first_kernel"])
    assert np.abs(first).max() <= np.sqrt(6 / 8) and not np.array_equal(first, before)
    assert keras["second_kernel"] == [[42.0]] * 4


def test_surgery_changes_exactly_one_tensor(custom):
    surgery = custom[0]["surgery"]
    assert surgery["changed"] == ["dense/kernel"]
    assert surgery["max_change"]["dense/bias"] == surgery["max_change"]["dense_1/kernel"] == 0.0
    assert surgery["edit_is_exact"] and surgery["edited_checkpoint_matches"]
    edited = np.array(surgery["edited_kernel"])
    assert edited[0, 0] == 42.0
    assert np.abs(edited[1:]).max() <= surgery["glorot_limit"] + 1.0  # the rest: Glorot + 1
    assert edited[1:].min() >= 1.0 - surgery["glorot_limit"]
