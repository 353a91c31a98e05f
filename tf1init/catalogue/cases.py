"""The evidence cases: every spelling with its defaults, plus non-default arguments per family.

TensorFlow-free data read by tests/catalogue/test_equivalence.py and docs/make_catalogue_table.py,
so the table in docs/initializers.md is exactly what the tests assert.
"""
from dataclasses import dataclass, field
from typing import Mapping, Tuple

from tf1init.catalogue._spellings import SPELLINGS

DENSE = (400, 250)  # 100,000 values: fan_in 400, fan_out 250
CONV = (5, 5, 40, 100)  # 100,000 values: receptive field 25, fan_in 1000, fan_out 2500
SAMPLES = 100_000


@dataclass(frozen=True)
class Case:
    """One TF1 call to prove equal in law to its translation, on one shape."""

    name: str
    args: Mapping[str, object] = field(hash=False)
    shape: Tuple[int, ...]

    @property
    def label(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.args.items())
        return f"{self.name}({args}) {'x'.join(map(str, self.shape))}"


def _shapes(name: str):
    family = SPELLINGS[name].family
    if family == "identity":
        return (DENSE,)  # rank 2 only, in TF1 and Keras
    return (DENSE, CONV)


def _extras():
    out = [
        ("tf.random_normal_initializer", {"mean": 1.0, "stddev": 0.5}),
        ("tf.truncated_normal_initializer", {"mean": -0.5, "stddev": 0.02}),
        ("tf.random_uniform_initializer", {"minval": -2.0, "maxval": 3.0}),
        ("tf.constant_initializer", {"value": 0.3}),
        ("tf.orthogonal_initializer", {"gain": 2.0}),
        ("tf.initializers.identity", {"gain": 0.5}),
        ("tf.uniform_unit_scaling_initializer", {"factor": 1.43}),
        ("tf.contrib.layers.xavier_initializer", {"uniform": False}),
        ("tf.random_normal", {"mean": 0.5, "stddev": 3.0}),
        ("tf.random_uniform", {"minval": -1.0, "maxval": 1.0}),
        ("tf.truncated_normal", {"stddev": 0.1}),
    ]
    for mode in ("fan_in", "fan_out", "fan_avg"):
        for dist in ("normal", "truncated_normal", "untruncated_normal", "uniform"):
            out.append(("tf.variance_scaling_initializer",
                        {"scale": 1.5, "mode": mode, "distribution": dist}))
    for mode in ("FAN_IN", "FAN_OUT", "FAN_AVG"):
        for uniform in (False, True):
            out.append(("tf.contrib.layers.variance_scaling_initializer",
                        {"factor": 1.0, "mode": mode, "uniform": uniform}))
    return out


def _build():
    cases = []
    for name in SPELLINGS:
        args = {"value": 0.25} if SPELLINGS[name].kind == "tensor" and \
            SPELLINGS[name].family == "constant" else {}
        cases += [Case(name, args, shape) for shape in _shapes(name)]
    for name, args in _extras():
        cases += [Case(name, args, shape) for shape in _shapes(name)]
    return tuple(cases)


CASES: Tuple[Case, ...] = _build()
