"""Gains, named laws and suggestions, all derived from the catalogue (TensorFlow-free).

A layer y = act(W x) multiplies the second moment of its input by
``gain = fan_in * var(w) * c(act)`` (Var(y) = n_in var(w) Var(x)). The
activation factor c is 1 / scale, where scale is the variance-scaling numerator the catalogue's
recommendation table gives that activation: 2 for the ReLU family (He: ReLU halves the second
moment), 2 / (1 + slope**2) for leaky ReLU, 1 for tanh, sigmoid, linear, softmax and SELU.
"""
import functools
from dataclasses import dataclass
from typing import Tuple

from tf1init.catalogue import SPELLINGS, recommend, translate
from tf1init.catalogue._translate import KerasCall
from tf1init.doctor._model import FROM_INITIALIZER
from tf1init.errors import Tf1initError, UnknownActivationError

# The variance each named law gives a kernel, from its fans.
NAMED_LAWS = {
    "he": lambda fan_in, fan_out: 2.0 / fan_in,
    "glorot": lambda fan_in, fan_out: 2.0 / (fan_in + fan_out),
    "lecun": lambda fan_in, fan_out: 1.0 / fan_in,
}
# Relative tolerance when matching a variance to a named law: exact laws read from an
# initializer, and a wider one for the variance of a sample (std error ~ sqrt(2 / n)).
EXACT_TOLERANCE = 0.05
SAMPLE_TOLERANCE = 0.2


def activation_scale(activation: str, negative_slope: float = 0.2) -> Tuple[float, str]:
    """(scale, note): the variance-scaling numerator that suits ``activation``; 1 if unknown."""
    try:
        rec = recommend(activation, negative_slope=negative_slope)
    except UnknownActivationError:
        return 1.0, f"activation {activation!r} is not in the catalogue's table: gain computed as linear"
    if "scale" in rec.call.kwargs:
        return float(rec.call.kwargs["scale"]), ""
    return (2.0 if rec.initializer == "he_normal" else 1.0), ""


def named_laws(variance: float, fan_in: int, fan_out: int, tolerance: float) -> Tuple[str, ...]:
    """The named laws ("he", "glorot", "lecun") whose variance ``variance`` matches."""
    return tuple(name for name, law in NAMED_LAWS.items()
                 if abs(variance / law(fan_in, fan_out) - 1.0) <= tolerance)


@dataclass(frozen=True)
class Suggestion:
    """An initializer to use instead, spelled for Keras 3 and for TF1 graph code."""

    keras: str
    tf1: str

    def text(self) -> str:
        return f"{self.keras} (Keras) / {self.tf1} (TF1)"


@functools.lru_cache(maxsize=None)
def _tf1_spelling(target: str, kwargs: Tuple[Tuple[str, object], ...]) -> str:
    """The shortest ``tf.compat.v1`` spelling whose catalogue translation is exactly this call."""
    wanted = dict(kwargs)
    found = []
    for name, spelling in SPELLINGS.items():
        if not name.startswith("tf.compat.v1.") or spelling.kind != "initializer":
            continue
        if any(k not in spelling.params for k in wanted):
            continue
        try:
            call = translate(name, wanted)
        except Tf1initError:
            continue
        if call.target == target and dict(call.kwargs) == wanted:
            found.append(name)
    if not found:
        raise AssertionError(f"the catalogue has no TF1 spelling for {target}")
    best = min(found, key=lambda n: (len(n), n))
    args = ", ".join(f"{k}={v!r}" for k, v in kwargs)
    return f"{best}({args})"


def suggestion_for(call: KerasCall) -> Suggestion:
    return Suggestion(call.to_source(), _tf1_spelling(call.target, tuple(call.kwargs.items())))


def recommended(activation: str, negative_slope: float = 0.2) -> Suggestion:
    """The catalogue's recommendation for ``activation`` (He / Glorot / LeCun normal)."""
    try:
        rec = recommend(activation, negative_slope=negative_slope)
    except UnknownActivationError:
        rec = recommend("linear")
    return suggestion_for(rec.call)


def fan_in_exact(activation: str, negative_slope: float = 0.2) -> Suggestion:
    """The initializer with gain exactly 1 for ``activation``: He family, else LeCun normal.

    Glorot (the catalogue's choice for tanh) averages fan_in and fan_out, so a stack of
    narrowing or widening layers drifts; fan_in scaling keeps every forward gain at 1.
    """
    scale, _ = activation_scale(activation, negative_slope)
    if scale != 1.0:
        return recommended(activation, negative_slope)
    return suggestion_for(translate("LecunNormal", {}))


def describe_law_names(names: Tuple[str, ...]) -> str:
    pretty = {"he": "He (2/fan_in)", "glorot": "Glorot (2/(fan_in+fan_out))", "lecun": "LeCun (1/fan_in)"}
    return " = ".join(pretty[n] for n in names) if names else "no named law"


def tolerance_for(source: str) -> float:
    """How close a variance must be to a named law: exact laws tightly, samples loosely."""
    return EXACT_TOLERANCE if source == FROM_INITIALIZER else SAMPLE_TOLERANCE
