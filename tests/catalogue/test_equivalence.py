"""Every case: the TF1 graph-mode form and its Keras 3 translation are the same law.

Three checks per case, on exactly 100,000 values from each form with fixed seeds: a two-sample
KS test (p > 0.01), mean/std/min/max against the closed form, and the closed-form parameters of
the two forms equal to 1e-9 relative (the KS test cannot see a 0.3% scale error; this can).
"""
import numpy as np
import pytest

from tf1init.catalogue import law_of, translate
from tf1init.catalogue.cases import CASES, SAMPLES

INDEX = list(range(len(CASES)))


def test_every_spelling_has_a_case():
    from tf1init.catalogue import SPELLINGS

    assert {c.name for c in CASES} == set(SPELLINGS)
    assert all(np.prod(c.shape) == SAMPLES for c in CASES if c.shape != (400, 250)) and \
        400 * 250 == SAMPLES


@pytest.mark.parametrize("i", INDEX, ids=[c.label for c in CASES])
def test_same_law(draws, i):
    from tf1init.catalogue.evidence import check_sample

    d = draws[i]
    assert d.tf1.size == d.keras.size == SAMPLES
    assert d.tf1.shape == d.keras.shape == d.case.shape
    assert d.tf1_law.same_as(d.keras_law, rel=1e-9), (d.tf1_law, d.keras_law)
    assert check_sample(d.tf1, d.tf1_law) == []
    assert check_sample(d.keras, d.keras_law) == []
    assert d.ks_p > 0.01
    if d.tf1_law.distribution == "orthogonal":
        for values in (d.tf1, d.keras):
            q = values.reshape(-1, values.shape[-1]).astype(np.float64)
            gram = q.T @ q if q.shape[0] >= q.shape[1] else q @ q.T
            np.testing.assert_allclose(gram, d.tf1_law.gain**2 * np.eye(len(gram)), atol=1e-4)


def test_aliases_of_one_implementation_draw_identical_values(draws):
    by_name = {(d.case.name, d.case.shape): d for d in draws if not d.case.args}
    a = by_name[("tf.random_normal_initializer", (400, 250))].tf1
    b = by_name[("tf.compat.v1.initializers.random_normal", (400, 250))].tf1
    np.testing.assert_array_equal(a, b)


def test_ks_detects_a_wrong_default(draws):
    """The test can fail: TF1 random_normal_initializer() against Keras RandomNormal() (0.05)."""
    from scipy.stats import ks_2samp

    from tf1init.catalogue.build import keras_values

    d = next(d for d in draws if d.case.name == "tf.random_normal_initializer" and not d.case.args)
    naive = keras_values(translate("tf.keras.initializers.RandomNormal", {"seed": 1}), d.case.shape)
    assert ks_2samp(d.tf1.ravel(), naive.ravel()).pvalue < 1e-100


def test_ks_is_blind_to_the_contrib_scale_but_the_laws_are_not(draws):
    """HeNormal vs contrib's default is 0.29% narrower: KS at 100,000 values cannot tell."""
    from scipy.stats import ks_2samp

    from tf1init.catalogue.build import keras_values

    d = next(d for d in draws if d.case.name == "tf.contrib.layers.variance_scaling_initializer"
             and not d.case.args and d.case.shape == (400, 250))
    he = keras_values(translate("tf.keras.initializers.HeNormal", {"seed": 5}), d.case.shape)
    assert ks_2samp(d.tf1.ravel(), he.ravel()).pvalue > 0.01
    assert not law_of("tf.keras.initializers.HeNormal", {}, d.case.shape).same_as(d.tf1_law)


def test_committed_docs_table_matches_these_draws(draws):
    import pathlib
    import re

    doc = pathlib.Path(__file__).resolve().parents[2] / "docs" / "initializers.md"
    text = doc.read_text(encoding="utf-8")
    assert f"- cases: {len(draws)} " in text
    found = float(re.search(r"smallest KS p-value: ([0-9.e-]+)", text).group(1))
    assert found == float(f"{min(d.ks_p for d in draws):.4g}")
    assert "FAIL" not in text and "DIFFERENT" not in text.split("## Evidence")[1]
