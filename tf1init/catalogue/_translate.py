"""TF1 spelling + arguments -> the exact Keras 3 / TF2 call, TensorFlow-free.

The rule is "same law, written out": every TF1 default that differs from the Keras default is
passed explicitly, ``seed`` is kept, ``dtype`` is dropped (Keras 3 initializers take it at call
time). Where no Keras form draws the same law for the given arguments, :class:`Untranslatable`
says why, so a person decides instead of a silent change of training.
"""
import ast
import math
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Mapping, Optional, Union

from tf1init.catalogue._spellings import _TF2_REBOUND, IMPLS, SPELLINGS, TRUNC_STD, Spelling
from tf1init.errors import UnknownInitializerError, Untranslatable, closest


@dataclass(frozen=True)
class Source:
    """An argument the codemod cannot evaluate, as the expression text the user wrote."""

    text: str


Value = Union[int, float, str, bool, None, Source]


@dataclass(frozen=True)
class KerasCall:
    """What to write instead: ``target(**kwargs)``; ``note`` says what changed and why."""

    target: str
    kwargs: "OrderedDict[str, Value]" = field(default_factory=OrderedDict, hash=False)
    note: Optional[str] = None

    def to_source(self) -> str:
        """The call as Python text, e.g. ``tf.keras.initializers.RandomNormal(mean=0.0, stddev=1.0)``."""
        parts = [f"{k}={v.text if isinstance(v, Source) else repr(v)}" for k, v in self.kwargs.items()]
        return f"{self.target}({', '.join(parts)})"


# A contrib truncated normal has stddev sqrt(1.3 * f / n); Keras has sqrt(s / n) / TRUNC_STD.
CONTRIB_NORMAL_SCALE = 1.3 * TRUNC_STD**2
_CONTRIB_SCALE_TEXT = "1.3 * 0.87962566103423978 ** 2"
_KERAS_RANDOM_DEFAULTS = {"mean": 0.0, "stddev": 0.05, "minval": -0.05, "maxval": 0.05}
_INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")


def find(name: str) -> Optional[Spelling]:
    """The catalogue record for a dotted spelling (or a Keras string name), or None.

    >>> find("tf.random_normal_initializer").defaults["stddev"]
    1.0
    >>> find("tf.nope") is None
    True
    """
    return SPELLINGS.get(name)


def lookup(name: str) -> Spelling:
    """Like :func:`find`, but an unknown name raises an error listing the closest known names."""
    spelling = SPELLINGS.get(name)
    if spelling is None:
        near = closest(str(name), SPELLINGS.keys())
        hint = f"; closest known: {', '.join(near)}" if near else ""
        raise UnknownInitializerError(f"unknown initializer {name!r}{hint}")
    return spelling


def _literal(args: Mapping[str, Value], key: str, what: str, spelling: Spelling):
    value = args.get(key, spelling.defaults.get(key))
    if isinstance(value, Source):
        raise Untranslatable(
            f"{spelling.name}: {key}={value.text} is not a literal, and {what} decides which "
            "Keras initializer draws the same law; write it as a literal or translate by hand"
        )
    return value


def _scaled(value: Value, factor: float, factor_text: str) -> Value:
    if isinstance(value, Source):
        return Source(f"({value.text}) * {factor_text}")
    return float(value) * factor


def _branch(condition: Value, if_true: Value, if_false: Value) -> Value:
    """``if_true if condition else if_false``: the value itself for a literal condition, an
    exact conditional expression for one the codemod cannot evaluate (``uniform=FLAGS.uniform``)."""
    if not isinstance(condition, Source):
        return if_true if condition else if_false

    def text(value: Value) -> str:
        return _grouped(value.text) if isinstance(value, Source) else repr(value)

    return Source(f"{text(if_true)} if {_grouped(condition.text)} else {text(if_false)}")


def _grouped(text: str) -> str:
    """``text`` as an operand that binds as a whole: a name, call, literal or parenthesized
    expression as it is, anything else in parentheses."""
    text = text.strip()
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return f"({text})"
    if isinstance(node, (ast.Name, ast.Attribute, ast.Call, ast.Subscript, ast.Constant)):
        return text
    if text.startswith("(") and text.endswith(")"):
        try:
            ast.parse(text[1:-1], mode="eval")  # "(a) + (b)" fails: its parentheses are not one group
            return text
        except SyntaxError:
            pass
    return f"({text})"


def _join(*notes: Optional[str]) -> Optional[str]:
    kept = [n for n in notes if n]
    return "; ".join(kept) if kept else None


def translate(name: str, args: Mapping[str, Value]) -> KerasCall:
    """The Keras 3 (initializers) or TF2 (tensor ops) call that draws the same law.

    >>> translate("tf.random_normal_initializer", {}).to_source()
    'tf.keras.initializers.RandomNormal(mean=0.0, stddev=1.0)'
    >>> translate("tf.contrib.layers.variance_scaling_initializer", {"uniform": True}).to_source()
    "tf.keras.initializers.VarianceScaling(scale=2.0, mode='fan_in', distribution='uniform')"
    """
    spelling = lookup(name)
    unknown = [k for k in args if k not in spelling.params]
    if unknown:
        near = closest(unknown[0], spelling.params)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        raise Untranslatable(
            f"{name} has no parameter {unknown[0]!r}{hint}; its parameters: "
            f"{', '.join(spelling.params) or 'none'}"
        )
    if spelling.kind == "tensor":
        return _translate_tensor(spelling, args)
    if spelling.is_tf2:
        return KerasCall(spelling.target, OrderedDict((k, v) for k, v in args.items()))
    return _translate_initializer(spelling, args)


def _translate_tensor(spelling: Spelling, args: Mapping[str, Value]) -> KerasCall:
    kwargs = OrderedDict((k, v) for k, v in args.items() if k != "verify_shape")
    note = None
    if "verify_shape" in args:
        note = ("verify_shape dropped: TF2 tf.constant has none (it raises on a value that neither "
                "matches nor broadcasts to shape)")
    return KerasCall(spelling.target, kwargs, note)


def _translate_initializer(spelling: Spelling, args: Mapping[str, Value]) -> KerasCall:
    impl = spelling.impl
    notes = []
    dtype = args.get("dtype")
    if dtype is not None:
        text = dtype.text if isinstance(dtype, Source) else str(dtype)
        if any(t in text for t in _INT_DTYPES):
            raise Untranslatable(
                f"{spelling.name}: dtype={text} draws integers; Keras 3 initializers draw floats "
                "(use tf.random.uniform(..., dtype=...) for an integer initial value)"
            )
        notes.append("dtype dropped: Keras 3 initializers take the dtype when called")
    kw: "OrderedDict[str, Value]" = OrderedDict()

    def put(key, value):
        kw[key] = value

    def get(key):
        return args.get(key, spelling.defaults.get(key))

    target = spelling.target
    if impl in ("v1.RandomNormal", "v1.TruncatedNormal"):
        put("mean", get("mean"))
        put("stddev", get("stddev"))
    elif impl == "v1.RandomUniform":
        put("minval", get("minval"))
        maxval = get("maxval")
        put("maxval", 1.0 if maxval is None else maxval)
    elif impl == "v1.Constant":
        put("value", get("value"))
        if "verify_shape" in args:
            notes.append("verify_shape dropped: Keras 3 Constant has none")
    elif impl in ("v1.Orthogonal", "v1.Identity"):
        if "gain" in args:
            put("gain", args["gain"])
    elif impl == "v1.VarianceScaling":
        mode = _literal(args, "mode", "the mode", spelling)
        dist = _literal(args, "distribution", "the distribution", spelling)
        _check_choice(spelling, "mode", mode, ("fan_in", "fan_out", "fan_avg"),
                      "TF1 raises on it too")
        dist = str(dist).lower()
        _check_choice(spelling, "distribution", dist,
                      ("normal", "truncated_normal", "untruncated_normal", "uniform"))
        scale = get("scale")
        _check_positive(spelling, "scale", scale)
        put("scale", scale)
        put("mode", mode)
        put("distribution", "truncated_normal" if dist == "normal" else dist)
        if dist == "normal":
            notes.append("distribution 'normal' is a truncated normal in TF1: written as "
                         "'truncated_normal'")
    elif impl == "v1.UniformUnitScaling":
        factor = get("factor")
        if not isinstance(factor, Source):
            _check_positive(spelling, "factor", factor)
            scale: Value = float(factor) ** 2
        else:
            scale = Source(f"({factor.text}) ** 2")
        put("scale", scale)
        put("mode", "fan_in")
        put("distribution", "uniform")
        notes.append("exact for variables of rank >= 2 (TF1 uses input size 1 for 1-D variables)")
    elif impl == "contrib.xavier":
        uniform = get("uniform")
        if isinstance(uniform, Source) or not uniform:
            target = "tf.keras.initializers.VarianceScaling"
            put("scale", _branch(uniform, 1.0, CONTRIB_NORMAL_SCALE))
            put("mode", "fan_avg")
            put("distribution", _branch(uniform, "uniform", "truncated_normal"))
            notes.append("contrib xavier normal has stddev sqrt(1.3 * 2 / (fan_in + fan_out)), "
                         "0.29% wider than GlorotNormal: scale 1.3 * 0.87962566103423978**2 "
                         "keeps it exact")
    elif impl == "contrib.variance_scaling":
        uniform = get("uniform")
        mode = get("mode")
        if isinstance(mode, Source):
            mode_value: Value = Source(f"{_grouped(mode.text)}.lower()")
            notes.append(f"mode={mode.text} is not a literal: written lower-case, as Keras 3 "
                         "wants it")
        else:
            _check_choice(spelling, "mode", mode, ("FAN_IN", "FAN_OUT", "FAN_AVG"),
                          "contrib raises TypeError on it")
            mode_value = mode.lower()
        factor = get("factor")
        _check_positive(spelling, "factor", factor)
        uniform_scale = factor if isinstance(factor, Source) else float(factor)
        normal_scale = _scaled(factor, CONTRIB_NORMAL_SCALE, _CONTRIB_SCALE_TEXT)
        put("scale", _branch(uniform, uniform_scale, normal_scale))
        if isinstance(uniform, Source) or not uniform:
            notes.append("contrib truncated normal has stddev sqrt(1.3 * factor / n), 0.29% wider "
                         "than Keras VarianceScaling(factor): scale multiplied by "
                         "1.3 * 0.87962566103423978**2 keeps it exact")
        put("mode", mode_value)
        put("distribution", _branch(uniform, "uniform", "truncated_normal"))
    if impl.startswith("contrib.") and isinstance(args.get("uniform"), Source):
        notes.append(f"uniform={args['uniform'].text} is not a literal: scale and distribution "
                     "follow it (it is evaluated twice)")
    # Glorot/He/LeCun, zeros, ones: nothing but the seed to carry.
    if "seed" in spelling.params and args.get("seed") is not None:
        put("seed", args["seed"])
        notes.append("a seeded Keras 3 initializer returns the same values on every call; the "
                     "TF1 one drew new values on each run")
    if impl in ("v1.RandomNormal", "v1.TruncatedNormal", "v1.RandomUniform") and any(
        kw.get(k) != v for k, v in _KERAS_RANDOM_DEFAULTS.items() if k in kw
    ):
        notes.insert(0, IMPLS[impl].note + ": written out")
    elif impl == "v1.Constant" and isinstance(kw.get("value"), Source):
        notes.insert(0, IMPLS[impl].note)
    if spelling.name in _TF2_REBOUND:
        notes.append(_TF2_REBOUND[spelling.name])
    return KerasCall(target, kw, _join(*notes))


def _check_positive(spelling: Spelling, key: str, value: Value) -> None:
    if isinstance(value, Source):
        return
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value) \
            or value <= 0:
        raise Untranslatable(f"{spelling.name}: {key}={value!r} must be a positive number "
                             "(Keras 3 VarianceScaling requires scale > 0)")


def _check_choice(spelling, param, value, allowed, why=""):
    """Raise Untranslatable unless ``value`` is one of ``allowed`` (quoted in the message)."""
    if value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise Untranslatable(f"{spelling.name}: {param}={value!r} is not one of {choices}"
                             + (f" ({why})" if why else ""))
