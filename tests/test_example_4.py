"""Example 4: the signal variance through 16 layers at initialization, against the law.

Tolerances: the law E[z^2] = n_in * var(w) * E[h^2] holds in expectation over the weights; one
network of width 512 fluctuates by about sqrt(2 / 512) = 6% per layer (more when ReLU inputs
collapse onto a few directions). Seeds 0-5 gave at most 18% on a single layer, 2.2% on the mean
over 16 layers, and 0.095 / 0.013 off 1/2 for the ReLU ratio; the bounds below are about 5
standard deviations. The test runs seed 0.
"""
import pathlib
import runpy

import numpy as np
import pytest

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "deep_network_stability.py"
LABELS = ("small normal (stddev 0.01)", "Glorot uniform", "He normal", "LeCun normal")


@pytest.fixture(scope="module")
def stability(tmp_path_factory):
    out = tmp_path_factory.mktemp("stability")
    return runpy.run_path(str(EXAMPLE), run_name="example")["run"](out=out), out


def test_every_network_is_measured_and_plotted(stability):
    report, out = stability
    assert (out / "deep_network_stability.png").stat().st_size > 50_000
    assert (out / "summary.json").is_file()
    assert sorted(report["networks"]) == sorted(f"{a} / {l}" for a in ("relu", "tanh") for l in LABELS)
    assert all(len(rows) == report["depth"] == 16 for rows in report["networks"].values())


def test_weight_variance_comes_from_the_catalogue_laws(stability):
    rows = stability[0]["networks"]
    first, later = rows["relu / Glorot uniform"][0], rows["relu / Glorot uniform"][1]
    assert (first["fan_in"], later["fan_in"]) == (64, 512)
    assert first["var_w"] == pytest.approx(2 / (64 + 512))  # Glorot: 2 / (fan_in + fan_out)
    assert later["var_w"] == pytest.approx(1 / 512)
    assert rows["relu / He normal"][1]["var_w"] == pytest.approx(2 / 512)  # truncated, rescaled
    assert rows["relu / LeCun normal"][0]["var_w"] == pytest.approx(1 / 64)
    assert rows["tanh / small normal (stddev 0.01)"][5]["var_w"] == pytest.approx(1e-4)


@pytest.mark.parametrize("network", [f"{a} / {l}" for a in ("relu", "tanh") for l in LABELS])
def test_measured_gain_follows_n_in_times_var_w(stability, network):
    rows = stability[0]["networks"][network]
    ratios = np.array([row["measured_gain"] / row["predicted_gain"] for row in rows])
    assert np.all(np.abs(ratios - 1) < 0.3), ratios
    assert abs(ratios.mean() - 1) < 0.08, ratios.mean()


@pytest.mark.parametrize("label", LABELS)
def test_relu_keeps_half_of_the_second_moment(stability, label):
    rows = stability[0]["networks"][f"relu / {label}"]
    halves = np.array([row["activation_second_moment"] / row["pre_activation_second_moment"] for row in rows])
    assert np.all(np.abs(halves - 0.5) < 0.15), halves
    assert abs(halves.mean() - 0.5) < 0.04, halves.mean()
    # ... so the closed-form chain predicts the last layer to within the compounded fluctuations
    last = rows[-1]
    assert 1 / 3 < last["pre_activation_second_moment"] / last["predicted_pre_activation_second_moment"] < 3


def test_only_he_keeps_a_deep_relu_stack_stable(stability):
    rows = stability[0]["networks"]

    def growth(network):
        return rows[network][-1]["pre_activation_second_moment"] / rows[network][0]["pre_activation_second_moment"]

    assert 1 / 3 < growth("relu / He normal") < 3
    assert growth("relu / Glorot uniform") < 1e-3 and growth("relu / LeCun normal") < 1e-3
    assert growth("relu / small normal (stddev 0.01)") < 1e-15
    assert growth("tanh / small normal (stddev 0.01)") < 1e-15
    # tanh: He saturates near a fixed point, Glorot and LeCun (gain 1) decay slowly
    assert growth("tanh / He normal") > 0.1
    assert 1e-3 < growth("tanh / Glorot uniform") < 0.3 and 1e-3 < growth("tanh / LeCun normal") < 0.3
