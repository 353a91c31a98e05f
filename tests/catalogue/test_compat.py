"""The contrib initializers' tf.compat.v1 forms draw the same numbers as contrib did.

Contrib computed its bound in float64 and TensorFlow used it as float32; the compat forms
compute another float64 expression, so the claim is that both round to the same float32 for
every fan a model can have. Real TF 1.15 against these forms is in tests/runtime/test_tf1_seeds.py.
"""
import math

import numpy as np
import pytest

from tf1init.catalogue import Source
from tf1init.catalogue.build import contrib_variance_scaling_initializer, contrib_xavier_initializer
from tf1init.catalogue.compat import to_compat_v1

TRUNC_STD = 0.87962566103423978
FANS = np.arange(2, 400_001) / 2.0  # n = (fan_in + fan_out) / 2 can be a half-integer


@pytest.mark.parametrize("factor", [0.1, 0.5, 1.0, 1.3, 2.0, 3.0, 6.0])
def test_float32_bounds_are_the_same_for_every_fan(factor):
    contrib_std = np.float32(np.sqrt(1.3 * factor / FANS))
    contrib_limit = np.float32(np.sqrt(3.0 * factor / FANS))
    for scale in (factor * (1.3 * TRUNC_STD**2), factor * 1.3 * TRUNC_STD**2):  # literal, written-out
        v1_std = np.float32(np.sqrt(scale / np.maximum(1.0, FANS)) / TRUNC_STD)
        assert np.array_equal(contrib_std, v1_std)
    v1_limit = np.float32(np.sqrt(3.0 * (factor / np.maximum(1.0, FANS))))
    assert np.array_equal(contrib_limit, v1_limit)
    # numpy's vectorized sqrt is correctly rounded like math.sqrt: spot-check it
    assert all(np.float32(math.sqrt(1.3 * factor / n)) == contrib_std[i] for i, n in enumerate(FANS[:50]))


@pytest.mark.parametrize("impl,args", [
    ("contrib.xavier", {"uniform": True}),
    ("contrib.xavier", {"uniform": False}),
    ("contrib.xavier", {"uniform": Source("flag")}),
    ("contrib.variance_scaling", {}),
    ("contrib.variance_scaling", {"factor": 1.0, "mode": "FAN_AVG", "uniform": False}),
    ("contrib.variance_scaling", {"factor": Source("factor"), "mode": Source("mode"), "uniform": Source("flag")}),
])
@pytest.mark.parametrize("flag", [True, False])
def test_compat_forms_draw_what_contrib_drew(tf, v1, impl, args, flag):
    """TF 2.21, graph mode, the same op seed: the compat form's values equal contrib's, bit for bit
    (contrib rebuilt from the random ops it used, tf1init.catalogue.build)."""
    call = to_compat_v1(impl, {**args, "seed": 7})
    values = {k: args.get(k) for k in ("factor", "mode", "uniform")}
    env = {"tf": v1, "flag": flag, "factor": 1.5, "mode": "FAN_OUT"}
    resolved = {k: (env[v.text] if isinstance(v, Source) else v) for k, v in values.items() if v is not None}
    if impl == "contrib.xavier":
        reference = contrib_xavier_initializer(uniform=resolved.get("uniform", True), seed=7)
    else:
        reference = contrib_variance_scaling_initializer(
            factor=resolved.get("factor", 2.0), mode=resolved.get("mode", "FAN_IN"),
            uniform=resolved.get("uniform", False), seed=7)
    with tf.Graph().as_default():
        ours = eval(call.to_source(), env)  # noqa: S307 - our own generated text
        shapes = [(3, 3, 8, 16), (64, 32), (5,)]
        a = [ours(shape) for shape in shapes]
        b = [reference(shape) for shape in shapes]
        with v1.Session() as session:
            got, want = session.run([a, b])
    for x, y in zip(got, want):
        assert x.dtype == y.dtype and np.array_equal(x, y)
