"""What kind of variable this is: how it is stored, where it lives, what it is for.

Error messages and restore filters need more than a name: a local metric accumulator wants
``local_variables_initializer``, an Adam slot or ``beta1_power`` appears when the optimizer
changes, and neither belongs in a warm start from someone else's checkpoint.
"""
import re

from tf1init._tf import v1
from tf1init.graph.selection import variable_name

_REF_OPS = frozenset({"VariableV2", "Variable", "AutoReloadVariable"})
_SLOT = re.compile(
    r"/(Adam|Momentum|RMSProp|Adagrad|AdagradDA|ProximalAdagrad|Adadelta|Ftrl|Nadam|Adamax"
    r"|ExponentialMovingAverage)(_\d+)?$"
)
_ACCUMULATOR = re.compile(r"(^|/)(beta1_power|beta2_power)(_\d+)?$")


def storage(variable) -> str:
    """'ref' (TF1 VariableV2) or 'resource' (TF2 VarHandleOp)."""
    return "ref" if variable.op.type in _REF_OPS else "resource"


def _in(variable, key) -> bool:
    return any(variable is v for v in variable.graph.get_collection(key))


def is_local(variable) -> bool:
    """In LOCAL_VARIABLES (metrics, epoch counters): global_variables_initializer skips it."""
    return _in(variable, v1.GraphKeys.LOCAL_VARIABLES)


def role(variable) -> str:
    """One of: metric, local, step counter, optimizer accumulator, optimizer slot, trainable,
    non-trainable."""
    name = variable_name(variable)
    if _in(variable, v1.GraphKeys.METRIC_VARIABLES):
        return "metric"
    if is_local(variable):
        return "local"
    if _in(variable, v1.GraphKeys.GLOBAL_STEP) or name.split("/")[-1] == "global_step":
        return "step counter"
    if _ACCUMULATOR.search(name):
        return "optimizer accumulator"
    if _SLOT.search(name):
        return "optimizer slot"
    return "trainable" if _in(variable, v1.GraphKeys.TRAINABLE_VARIABLES) else "non-trainable"


def shape_text(variable) -> str:
    shape = variable.shape
    return "?" if shape.rank is None else str(tuple(shape.as_list()))


def describe(variable) -> str:
    """'name  shape (3, 4)  float32  ref variable, local, metric' for error messages."""
    where = "local" if is_local(variable) else "global"
    what = role(variable)
    kind = f"{storage(variable)} variable, {where}" + ("" if what in ("local",) else f", {what}")
    return f"{variable_name(variable)}  shape {shape_text(variable)}  {variable.dtype.base_dtype.name}  {kind}"
