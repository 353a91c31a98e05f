"""The doctor reads each catalogue initializer's exact law from the graph ops it builds."""
import math

import numpy as np
import pytest

from tf1init.catalogue import law_of
from tf1init.catalogue.cases import CASES
from tf1init.doctor._initial_value import read_initial_law

SAMPLED = ("orthogonal", "identity")  # QR / eye: not an affine map of one random op


@pytest.fixture(scope="module")
def read_all(tf):
    from tf1init.catalogue.build import tf1_tensor

    graph = tf.Graph()
    out = []
    with graph.as_default():
        for case in CASES:
            tensor = tf1_tensor(case.name, case.args, case.shape)
            out.append((case, read_initial_law(tensor, case.shape)))
    return out


def test_every_catalogue_law_is_read_exactly(read_all):
    from tf1init.catalogue import SPELLINGS

    checked = 0
    for case, read in read_all:
        family = SPELLINGS[case.name].family
        if family in SAMPLED:
            continue
        assert read is not None, case.label
        mean, std, _, _ = law_of(case.name, case.args, case.shape).moments()
        assert read.variance == pytest.approx(std * std, rel=1e-6, abs=1e-12), case.label
        assert read.mean == pytest.approx(mean, rel=1e-6, abs=1e-7), case.label
        assert (read.constant is not None) == (std == 0), case.label
        checked += 1
    assert checked > 300  # TF1 classes, tensor ops, contrib, Keras objects called in a graph


def test_orthogonal_and_identity_are_left_to_sampling_or_read_exactly(read_all):
    from tf1init.catalogue import SPELLINGS

    for case, read in read_all:
        if SPELLINGS[case.name].family in SAMPLED and read is not None:
            _, std, _, _ = law_of(case.name, case.args, case.shape).moments()
            assert read.variance == pytest.approx(std * std, rel=1e-6), case.label


def test_descriptions(tf, v1):
    graph = tf.Graph()
    with graph.as_default():
        uniform = v1.random_uniform_initializer(-0.25, 0.25)([4, 4])
        normal = v1.truncated_normal_initializer(mean=1.0, stddev=0.5)([4, 4])
        fixed = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
        filled = tf.fill([2, 2], 0.5)
    assert read_initial_law(uniform, (4, 4)).description == "uniform [-0.25, 0.25)"
    assert read_initial_law(normal, (4, 4)).description == "truncated normal (mean 1, stddev 0.5)"
    stored = read_initial_law(fixed, (2, 3))
    assert stored.description == "fixed values stored in the graph"
    assert stored.variance == pytest.approx(np.arange(6).var())
    assert read_initial_law(filled, (2, 2)).constant == 0.5
    assert math.isclose(read_initial_law(filled, (2, 2)).variance, 0.0)
