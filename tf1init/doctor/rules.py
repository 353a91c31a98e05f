"""The doctor's findings: each rule has a stable code, a title, why it matters, and a check.

Rules read the per-layer rows (fan-in, variance, activation, gain, product) and never
TensorFlow. Every finding says what to use instead, in Keras 3 and in TF1 spelling, taken from
the initializer catalogue.

    >>> [rule.code for rule in RULES]
    ['TFD101', 'TFD102', 'TFD103', 'TFD104', 'TFD105', 'TFD106', 'TFD107']
"""
from dataclasses import dataclass
from typing import Callable, Dict, List, Sequence, Tuple

from tf1init.doctor._gains import (
    activation_scale,
    describe_law_names,
    fan_in_exact,
    named_laws,
    recommended,
    tolerance_for,
)
from tf1init.doctor._model import Finding, Layer

# A chain whose product of gains leaves this band loses (or blows up) the signal.
BAND = (0.5, 2.0)
# Gains outside this band are the layers a depth finding names as the cause.
LAYER_BAND = (0.8, 1.25)
# "Deep": this many ReLU-family layers with a variance-1 initializer (0.5**3 = 0.125).
DEEP = 3


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    why: str
    check: Callable[[Sequence[Layer], Dict[str, Layer]], List[Finding]]


def _slope(layer: Layer) -> float:
    return 0.2 if layer.negative_slope is None else layer.negative_slope


def _scale(layer: Layer) -> float:
    return activation_scale(layer.activation, _slope(layer))[0]


def _instead_by_activation(layers: Sequence[Layer], pick) -> Tuple[str, ...]:
    lines, seen = [], set()
    for layer in layers:
        key = layer.activation_label
        if key in seen:
            continue
        seen.add(key)
        lines.append(f"{key} layers: {pick(layer.activation, _slope(layer)).text()}")
    return tuple(lines)


def _names(layers: Sequence[Layer], limit: int = 8) -> str:
    names = [layer.name for layer in layers]
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f", ... ({len(names)} layers)"


def _constant(value_is_zero: bool):
    def check(layers, by_kernel):
        out = []
        for layer in layers:
            if layer.constant is None or (layer.constant == 0) != value_is_zero:
                continue
            what = "zero" if value_is_zero else f"the constant {layer.constant:.4g}"
            out.append(Finding(
                "TFD101" if value_is_zero else "TFD102",
                "zero kernel" if value_is_zero else "constant kernel",
                f"{layer.name}: every weight of {layer.kernel} ({'x'.join(map(str, layer.shape))}) "
                f"starts at {what}, so every unit computes the same output and receives the same "
                "gradient: the units never become different (symmetry is never broken)",
                (layer.name,), _instead_by_activation([layer], recommended)))
        return out

    return check


def _chains(layers: Sequence[Layer], by_kernel: Dict[str, Layer]) -> List[List[Layer]]:
    """Each path from a first layer to a last one (a layer that feeds no other layer)."""
    parents = {layer.parent for layer in layers if layer.parent}
    chains = []
    for end in layers:
        if end.kernel in parents:
            continue
        chain, seen = [end], {end.kernel}
        while chain[-1].parent and chain[-1].parent in by_kernel and chain[-1].parent not in seen:
            seen.add(chain[-1].parent)
            chain.append(by_kernel[chain[-1].parent])
        chains.append(chain[::-1])
    return chains


def _depth(vanishing: bool):
    def check(layers, by_kernel):
        out = []
        for chain in _chains(layers, by_kernel):
            end = chain[-1]
            if end.product is None or len(chain) < 2:
                continue
            low, high = BAND
            if (vanishing and end.product >= low) or (not vanishing and end.product <= high):
                continue
            culprits = [l for l in chain if l.gain is not None and not l.normalized
                        and not LAYER_BAND[0] <= l.gain <= LAYER_BAND[1]]
            verb = "shrinks" if vanishing else "grows"
            shown = ", ".join(f"{l.name} {l.gain:.3g}" for l in culprits[:3])
            more = f" and {len(culprits) - 3} more" if len(culprits) > 3 else ""
            out.append(Finding(
                "TFD103" if vanishing else "TFD104",
                "vanishing signal" if vanishing else "exploding signal",
                f"through the {len(chain)} layers from {chain[0].name} to {end.name} the signal's "
                f"variance {verb} by a factor {end.product:.3g} at initialization (the product of "
                f"the gains fan_in * var(w) * c(activation); a healthy stack stays within "
                f"[{low:g}, {high:g}]); gains outside [{LAYER_BAND[0]:g}, {LAYER_BAND[1]:g}]: "
                f"{shown + more if culprits else 'none alone, the drift accumulates'}",
                tuple(l.name for l in culprits) or (end.name,),
                _instead_by_activation(culprits or chain, fan_in_exact)))
        return out

    return check


def _relu_under_variance_one(layers, by_kernel):
    hits = []
    for layer in layers:
        if layer.variance is None or layer.constant is not None or _scale(layer) <= 1.0:
            continue
        names = named_laws(layer.variance, layer.fan_in, layer.fan_out, tolerance_for(layer.source))
        if names and "he" not in names:
            hits.append((layer, names))
    if len(hits) < DEEP:
        return []
    laws = sorted({describe_law_names(n) for _, n in hits})
    return [Finding(
        "TFD105", "ReLU layers with a variance-1 initializer",
        f"{len(hits)} ReLU-family layers ({_names([l for l, _ in hits])}) draw their kernels with "
        f"{' / '.join(laws)}; each ReLU halves the second moment, so every such layer has gain "
        f"about 0.5 and a deep stack loses the signal (0.5**{len(hits)} = {0.5 ** len(hits):.3g}); "
        "He scaling (2/fan_in) keeps the gain at 1",
        tuple(l.name for l, _ in hits), _instead_by_activation([l for l, _ in hits], recommended))]


def _he_under_saturating(layers, by_kernel):
    hits = []
    for layer in layers:
        if layer.variance is None or layer.constant is not None:
            continue
        if layer.activation not in ("tanh", "sigmoid"):
            continue
        names = named_laws(layer.variance, layer.fan_in, layer.fan_out, tolerance_for(layer.source))
        if "he" in names and "glorot" not in names:
            hits.append(layer)
    if not hits:
        return []
    return [Finding(
        "TFD106", "He initializer under tanh/sigmoid",
        f"{_names(hits)}: kernels with He variance 2/fan_in feed {hits[0].activation}, which is "
        "close to linear near 0 and does not halve the variance: each layer doubles it (gain "
        "about 2) and pushes the units into saturation, where gradients vanish; Glorot (or "
        "LeCun, 1/fan_in) suits tanh and sigmoid",
        tuple(l.name for l in hits), _instead_by_activation(hits, recommended))]


def _selu_without_lecun(layers, by_kernel):
    hits = []
    for layer in layers:
        if layer.activation != "selu" or layer.variance is None or layer.constant is not None:
            continue
        names = named_laws(layer.variance, layer.fan_in, layer.fan_out, tolerance_for(layer.source))
        if "lecun" not in names:
            hits.append(layer)
    if not hits:
        return []
    return [Finding(
        "TFD107", "SELU without LeCun normal",
        f"{_names(hits)}: SELU self-normalises (mean 0, variance 1 at every depth) only when the "
        f"weights have variance 1/fan_in; these do not (e.g. {hits[0].name}: fan_in * var(w) = "
        f"{hits[0].fan_in * hits[0].variance:.3g})",
        tuple(l.name for l in hits), _instead_by_activation(hits, recommended))]


RULES: Tuple[Rule, ...] = (
    Rule("TFD101", "zero kernel", "all-zero weights never break symmetry", _constant(True)),
    Rule("TFD102", "constant kernel", "equal weights never break symmetry", _constant(False)),
    Rule("TFD103", "vanishing signal", "the product of gains through depth is below 0.5",
         _depth(True)),
    Rule("TFD104", "exploding signal", "the product of gains through depth is above 2",
         _depth(False)),
    Rule("TFD105", "ReLU layers with a variance-1 initializer",
         "Glorot/LeCun under ReLU halve the signal per layer in a deep stack; use He",
         _relu_under_variance_one),
    Rule("TFD106", "He initializer under tanh/sigmoid",
         "He doubles the variance per layer under tanh; use Glorot or LeCun", _he_under_saturating),
    Rule("TFD107", "SELU without LeCun normal", "SELU self-normalises only with variance 1/fan_in",
         _selu_without_lecun),
)


def find_problems(layers: Sequence[Layer]) -> Tuple[Finding, ...]:
    by_kernel = {layer.kernel: layer for layer in layers}
    return tuple(f for rule in RULES for f in rule.check(layers, by_kernel))
