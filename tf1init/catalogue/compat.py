"""TF1 contrib initializers -> their exact ``tf.compat.v1`` equivalents, TensorFlow-free.

For code that stays in graph mode (sessions, re-initialization), the target is not a Keras 3
object (which fixes its seed when built) but the TF1 class ``tf.compat.v1`` still has, with
arguments that draw the same numbers: the same random op with the same bounds in float32.

``xavier_initializer(uniform=True)`` is ``glorot_uniform_initializer``: both draw
``random_uniform(-limit, limit)`` with ``limit = sqrt(3 * factor / n)``. The truncated-normal
branch of contrib has stddev ``sqrt(1.3 * factor / n)`` where v1 ``VarianceScaling`` has
``sqrt(scale / n) / 0.87962566103423978``; ``scale = factor * 1.3 * 0.87962566103423978 ** 2``
gives the same float32 stddev (checked for every n = k / 2 up to 200,000 and factors 0.5 to 3
by ``tests/catalogue/test_compat.py``), so the same seeds draw the same values bit for bit.
"""
from collections import OrderedDict
from typing import Mapping

from tf1init.catalogue._translate import (
    _CONTRIB_SCALE_TEXT,
    CONTRIB_NORMAL_SCALE,
    KerasCall,
    Source,
    Value,
    _branch,
    _grouped,
    _scaled,
)
from tf1init.errors import Untranslatable

_MODES = {"FAN_IN": "fan_in", "FAN_OUT": "fan_out", "FAN_AVG": "fan_avg"}


def to_compat_v1(impl: str, args: Mapping[str, Value]) -> KerasCall:
    """The ``tf.compat.v1`` call (target written ``tf.X``, for a ``tensorflow.compat.v1`` alias)
    for a contrib initializer with these arguments (``impl``: the catalogue's implementation
    key). A ``uniform`` or ``mode`` the codemod cannot evaluate becomes an exact conditional
    expression, as in the Keras translation.

    >>> to_compat_v1("contrib.xavier", {"uniform": True}).to_source()
    'tf.glorot_uniform_initializer()'
    >>> to_compat_v1("contrib.variance_scaling", {}).to_source()
    "tf.variance_scaling_initializer(scale=2.011727389229801, mode='fan_in', distribution='truncated_normal')"
    """
    if impl == "contrib.xavier":
        factor, mode = 1.0, "FAN_AVG"
    elif impl == "contrib.variance_scaling":
        factor, mode = args.get("factor", 2.0), args.get("mode", "FAN_IN")
    else:
        raise Untranslatable(f"{impl} is not a contrib initializer")
    uniform = args.get("uniform", impl == "contrib.xavier")
    tail: "OrderedDict[str, Value]" = OrderedDict()
    for key in ("seed", "dtype"):
        if key in args and args[key] is not None:
            tail[key] = args[key]
    if impl == "contrib.xavier" and uniform is True:
        return KerasCall("tf.glorot_uniform_initializer", tail, "the same draws")
    if isinstance(mode, Source):
        mode_value: Value = Source(f"{_grouped(mode.text)}.lower()")
    elif mode in _MODES:
        mode_value = _MODES[mode]
    else:
        raise Untranslatable(f"mode={mode!r}: contrib accepts FAN_IN, FAN_OUT or FAN_AVG")
    uniform_scale = factor if isinstance(factor, Source) else float(factor)
    normal_scale = _scaled(factor, CONTRIB_NORMAL_SCALE, _CONTRIB_SCALE_TEXT)
    call: "OrderedDict[str, Value]" = OrderedDict(
        scale=_branch(uniform, uniform_scale, normal_scale), mode=mode_value,
        distribution=_branch(uniform, "uniform", "truncated_normal"),
    )
    call.update(tail)
    note = "the same draws"
    if isinstance(uniform, Source) or not uniform:
        note += ": contrib's stddev sqrt(1.3 * factor / n) written as a v1 scale"
    return KerasCall("tf.variance_scaling_initializer", call, note)
