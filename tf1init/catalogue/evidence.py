"""Draw every case from its TF1 graph-mode form and its Keras 3 form, and compare.

All TF1 forms go into one ``tf.Graph`` fetched by one ``Session.run`` (each new fetch set pays
graph optimisation), with Grappler off. Keras forms are drawn eagerly, once per
distinct (call, shape). Seeds are fixed and derived from the case, so the table is reproducible
and spellings of one implementation draw the very same values.
"""
import functools
import math
import zlib
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

import numpy as np

from tf1init._tf import tf, v1
from tf1init.catalogue._spellings import IMPLS, SPELLINGS
from tf1init.catalogue._translate import KerasCall, translate
from tf1init.catalogue.build import keras_values, tf1_tensor
from tf1init.catalogue.cases import CASES, Case
from tf1init.catalogue.laws import Law, law_of, law_of_call

GRAPH_SEED = 20240611


def _seed(*parts) -> int:
    return zlib.crc32("|".join(map(repr, parts)).encode()) % (2**31 - 1) + 1


@dataclass(frozen=True)
class Draw:
    """The two samples of one case and the laws both forms should follow."""

    case: Case
    call: KerasCall
    tf1_law: Law
    keras_law: Law
    tf1: np.ndarray
    keras: np.ndarray

    @functools.cached_property
    def ks_p(self) -> float:
        """Two-sample Kolmogorov-Smirnov p-value (1.0 when both samples are identical)."""
        from scipy.stats import ks_2samp

        a, b = self.tf1.ravel().astype(np.float64), self.keras.ravel().astype(np.float64)
        if np.array_equal(a, b):
            return 1.0
        return float(ks_2samp(a, b).pvalue)


def _tf1_args(case: Case) -> dict:
    args = dict(case.args)
    spelling = SPELLINGS[case.name]
    if "seed" in spelling.params and args.get("seed") is None:
        # Same implementation + arguments + shape -> same seed -> the same values for every alias.
        args["seed"] = _seed(spelling.impl, sorted(case.args.items()), case.shape)
    return args


def _keras_call(call: KerasCall, case: Case) -> KerasCall:
    """The call with a fixed seed, where its target takes one."""
    spelling = SPELLINGS[call.target]
    if "seed" not in spelling.params or call.kwargs.get("seed") is not None:
        return call
    kwargs = dict(call.kwargs)
    kwargs["seed"] = _seed("keras", call.to_source(), case.shape)
    return KerasCall(call.target, kwargs, call.note)


def draw(cases: Sequence[Case] = CASES) -> List[Draw]:
    """Draw every case's TF1 form (one graph, one run) and Keras form (eager, cached)."""
    g = tf.Graph()
    g.seed = GRAPH_SEED
    tensors = []
    with g.as_default():
        for case in cases:
            tensors.append(tf1_tensor(case.name, _tf1_args(case), case.shape))
    config = v1.ConfigProto()
    config.graph_options.rewrite_options.disable_meta_optimizer = True
    with v1.Session(graph=g, config=config) as sess:
        tf1_values = sess.run(tensors)
    cache: Dict[Tuple[str, Tuple[int, ...]], np.ndarray] = {}
    out = []
    for case, values in zip(cases, tf1_values):
        call = translate(case.name, dict(case.args))
        seeded = _keras_call(call, case)
        key = (seeded.to_source(), case.shape)
        if key not in cache:
            tf.random.set_seed(GRAPH_SEED)  # for TF2 tensor ops: op seed + a reset global seed
            cache[key] = keras_values(seeded, case.shape)
        out.append(Draw(case, call, law_of(case.name, case.args, case.shape),
                        law_of_call(call, case.shape), values, cache[key]))
    return out


def measured(values: np.ndarray) -> Tuple[float, float, float, float]:
    """(mean, std, min, max) of a sample, in float64."""
    v = values.astype(np.float64).ravel()
    return float(v.mean()), float(v.std()), float(v.min()), float(v.max())


def check_sample(values: np.ndarray, law: Law) -> List[str]:
    """What is wrong with a sample of ``law`` (empty when mean, std, min, max all fit).

    Tolerances are sound for 100,000 values: the mean within 6 standard errors, the std within
    6 of its standard errors (about 1.3% for a normal), the extremes inside the support and,
    for bounded laws, within 0.5% of its width of the edge (missing that has probability
    below e^-28); a normal's extremes between 3.5 and 6.5 stddev.
    """
    n = values.size
    mean, std, lo, hi = measured(values)
    e_mean, e_std, e_lo, e_hi = law.moments()
    problems = []
    f32 = 1e-6 * max(1.0, abs(e_lo) if math.isfinite(e_lo) else 1.0, abs(e_hi) if math.isfinite(e_hi) else 1.0)
    if law.distribution in ("constant", "identity"):
        if law.distribution == "constant":
            ok = np.allclose(values, law.mean, rtol=1e-6, atol=0)
        else:
            ok = np.allclose(values, law.gain * np.eye(*law.shape), rtol=1e-6, atol=0)
        return [] if ok else [f"values differ from the deterministic {law.distribution}"]
    if abs(mean - e_mean) > 6 * e_std / math.sqrt(n) + f32:
        problems.append(f"mean {mean:.6g} vs {e_mean:.6g}")
    if abs(std - e_std) > 6 * e_std / math.sqrt(2 * n) + f32:
        problems.append(f"std {std:.6g} vs {e_std:.6g}")
    if law.distribution == "normal":
        if not (3.5 * e_std < e_mean - lo < 6.5 * e_std and 3.5 * e_std < hi - e_mean < 6.5 * e_std):
            problems.append(f"extremes {lo:.6g}, {hi:.6g} for a normal({e_mean:.6g}, {e_std:.6g})")
    elif law.distribution == "orthogonal":
        if lo < e_lo - f32 or hi > e_hi + f32:
            problems.append(f"extremes {lo:.6g}, {hi:.6g} outside +-gain")
    else:
        width = e_hi - e_lo
        if lo < e_lo - f32 or hi > e_hi + f32:
            problems.append(f"extremes {lo:.6g}, {hi:.6g} outside [{e_lo:.6g}, {e_hi:.6g}]")
        if lo > e_lo + 0.005 * width or hi < e_hi - 0.005 * width:
            problems.append(f"extremes {lo:.6g}, {hi:.6g} far inside [{e_lo:.6g}, {e_hi:.6g}]")
    return problems


def impl_of(case: Case) -> str:
    """The implementation a case's spelling reaches (for grouping the table)."""
    return IMPLS[SPELLINGS[case.name].impl].key
