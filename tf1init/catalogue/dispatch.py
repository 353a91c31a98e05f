"""Apply initializers per variable by name pattern, layer type, layer index and role.

The same rules work on a TF1 graph in a session and on a Keras 3 model. The first rule that
matches a variable wins; a rule that matches nothing is reported (and warned about), because a
typo in a pattern otherwise leaves a layer silently at its old initialization.

    >>> import tensorflow as tf
    >>> model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(3),
    ...                              tf.keras.layers.Dense(2)])
    >>> report = apply_rules(model, [
    ...     Rule("glorot_uniform", layer_type="Dense", layer_index=0, role="kernel"),
    ...     Rule(tf.keras.initializers.Constant(0.5), layer_type="Dense", layer_index=1, role="kernel"),
    ...     Rule("zeros", role="bias"),
    ...     Rule("ones", name="no_such_layer")])
    >>> len(report.assigned), report.unmatched_rules
    (4, (3,))
    >>> float(model.layers[1].kernel.numpy().max())
    0.5

Layers: in a Keras model, each layer that owns variables, in model order (nested models are
walked). In a TF1 graph, each variable scope (the name up to the last '/'), in creation order;
its type is read from the op that consumes its kernel (MatMul -> "Dense", Conv2D -> "Conv2D"...),
so build the forward pass before dispatching by type. ``layer_index`` counts the layers of
``layer_type`` when that is given, else all layers. Roles: "kernel" (rank >= 2), "bias" (rank
1 named bias/biases/b), "other".
"""
import re
import warnings
from dataclasses import dataclass, field
from typing import Iterable, List, Optional, Sequence, Tuple

from tf1init._tf import tf, v1
from tf1init.catalogue import custom
from tf1init.catalogue.fans import compute_fans
from tf1init.errors import Tf1initError

_BIAS_NAMES = ("bias", "biases", "b")
_OP_TO_LAYER = {
    "MatMul": "Dense", "BatchMatMulV2": "Dense", "BatchMatMulV3": "Dense",
    "Conv2D": "Conv2D", "Conv3D": "Conv3D", "DepthwiseConv2dNative": "DepthwiseConv2D",
    "Conv2DBackpropInput": "Conv2DTranspose", "Conv3DBackpropInputV2": "Conv3DTranspose",
}
ROLES = ("kernel", "bias", "other")


@dataclass(frozen=True)
class Rule:
    """Which variables get ``initializer`` (anything :func:`tf1init.catalogue.custom.get` takes).

    Every given selector must match: ``name`` is a regular expression searched in the variable
    name, ``layer_type`` a Keras layer class name, ``layer_index`` 0-based, ``role`` one of
    "kernel", "bias", "other".
    """

    initializer: object = field(compare=False)
    name: Optional[str] = None
    layer_type: Optional[str] = None
    layer_index: Optional[int] = None
    role: Optional[str] = None

    def __post_init__(self):
        if self.role is not None and self.role not in ROLES:
            raise Tf1initError(f"role {self.role!r} is not one of {', '.join(ROLES)}")
        if self.name is not None:
            re.compile(self.name)

    def describe(self) -> str:
        sel = [f"{k}={getattr(self, k)!r}" for k in ("name", "layer_type", "layer_index", "role")
               if getattr(self, k) is not None]
        return f"Rule({_init_name(self.initializer)}{', ' if sel else ''}{', '.join(sel)})"


@dataclass(frozen=True)
class Assignment:
    """One variable, the rule (by index) that set it, and what it was set with."""

    variable: str
    layer: str
    layer_type: Optional[str]
    role: str
    rule: int
    initializer: str


@dataclass(frozen=True)
class DispatchReport:
    """What the rules did: assignments, rules that matched nothing, variables no rule touched."""

    assigned: Tuple[Assignment, ...]
    unmatched_rules: Tuple[int, ...]
    untouched: Tuple[str, ...]
    rules: Tuple[str, ...] = ()

    def __str__(self):
        lines = [f"{len(self.assigned)} variables initialized, {len(self.untouched)} untouched, "
                 f"{len(self.unmatched_rules)} rules matched nothing"]
        lines += [f"  rule {i} matched nothing: {self.rules[i]}" for i in self.unmatched_rules]
        return "\n".join(lines)


@dataclass(frozen=True)
class _Slot:
    variable: object = field(compare=False)
    name: str
    shape: Tuple[int, ...]
    dtype: str
    layer: str
    layer_type: Optional[str]
    layer_number: int  # among all layers
    type_number: int  # among layers of the same type
    role: str
    kernel_shape: Optional[Tuple[int, ...]]


def _init_name(init) -> str:
    if isinstance(init, (str, custom._Base)):
        return repr(init)
    return init.__name__ if isinstance(init, type) else type(init).__name__


def _role(short_name: str, shape) -> str:
    if len(shape) >= 2:
        return "kernel"
    if len(shape) == 1 and short_name in _BIAS_NAMES:
        return "bias"
    return "other"


def _number_layers(rows) -> List[_Slot]:
    """rows: (variable, name, shape, dtype, layer, layer_type, short_name), in order."""
    types, kernels, layers = {}, {}, []
    for _, _, shape, _, layer, ltype, short in rows:
        if layer not in layers:
            layers.append(layer)
        if ltype is not None:
            types.setdefault(layer, ltype)
        if _role(short, shape) == "kernel":
            kernels.setdefault(layer, tuple(shape))
    numbers, per_type = {}, {}
    for number, layer in enumerate(layers):
        ltype = types.get(layer)
        numbers[layer] = (number, per_type.get(ltype, 0))
        per_type[ltype] = per_type.get(ltype, 0) + 1
    return [
        _Slot(var, name, tuple(shape), dtype, layer, types.get(layer), *numbers[layer],
              _role(short, shape), kernels.get(layer))
        for var, name, shape, dtype, layer, _, short in rows
    ]


def _matches(rule: Rule, slot: _Slot) -> bool:
    if rule.name is not None and not re.search(rule.name, slot.name):
        return False
    if rule.layer_type is not None and rule.layer_type != slot.layer_type:
        return False
    if rule.layer_index is not None:
        number = slot.type_number if rule.layer_type is not None else slot.layer_number
        if number != rule.layer_index:
            return False
    return rule.role is None or rule.role == slot.role


def _concrete(spec, slot: _Slot, ordinal: int):
    """A fresh initializer for one variable.

    A Keras 3 random initializer fixes its seed when built (an unseeded one picks a random seed
    then), so one object shared by two same-shaped variables gives them IDENTICAL values; each
    variable gets its own copy, and a seeded spec gets seed + ordinal.
    """
    init = custom.get(spec)
    if isinstance(init, custom.FanInBiasUniform):
        if slot.kernel_shape is None:
            raise Tf1initError(f"{slot.name}: a fan-in bias initializer needs the layer's kernel, "
                               f"and layer {slot.layer!r} has none")
        config = init.get_config()
        config["fan_in"] = compute_fans(slot.kernel_shape)[0]
        init = type(init).from_config(config)
    if hasattr(init, "get_config") and hasattr(init, "from_config"):
        config = init.get_config()
        if "seed" in config:
            if config["seed"] is not None:
                config["seed"] = int(config["seed"]) + ordinal
            init = type(init).from_config(config)
    return init


def _plan(rules: Sequence[Rule], slots: Sequence[_Slot]):
    used = [False] * len(rules)
    plan, untouched = [], []
    for ordinal, slot in enumerate(slots):
        for i, rule in enumerate(rules):
            if _matches(rule, slot):
                used[i] = True
                plan.append((slot, i, _concrete(rule.initializer, slot, ordinal)))
                break
        else:
            untouched.append(slot.name)
    unmatched = tuple(i for i, u in enumerate(used) if not u)
    for i in unmatched:
        warnings.warn(f"rule {i} matched no variable: {rules[i].describe()}", stacklevel=3)
    return plan, tuple(untouched), unmatched


def _report(rules, plan, untouched, unmatched) -> DispatchReport:
    assigned = tuple(Assignment(s.name, s.layer, s.layer_type, s.role, i, _init_name(init))
                     for s, i, init in plan)
    return DispatchReport(assigned, unmatched, untouched, tuple(r.describe() for r in rules))


# --- Keras 3 models ---


def _keras_layers(model) -> Iterable:
    for layer in getattr(model, "layers", ()):
        if getattr(layer, "layers", None):
            yield from _keras_layers(layer)
        elif layer.weights:
            yield layer


def keras_slots(model) -> List[_Slot]:
    rows = []
    for layer in _keras_layers(model):
        for var in layer.weights:
            short = var.name.rsplit("/", 1)[-1].split(":")[0]
            role_name = "bias" if var is getattr(layer, "bias", None) else short
            rows.append((var, getattr(var, "path", var.name), tuple(var.shape),
                         str(var.dtype), layer.name, type(layer).__name__, role_name))
    return _number_layers(rows)


def apply_rules(target, rules: Sequence[Rule], session=None, var_list=None) -> DispatchReport:
    """Initialize the variables of a Keras model, or of a TF1 graph through ``session``.

    For a TF1 graph pass the ``tf.compat.v1.Session`` (its graph is used) and optionally
    ``var_list`` (default: the trainable variables). All assignments run in one
    ``session.run``.
    """
    rules = list(rules)
    if session is not None or isinstance(target, v1.Session):
        session = session or target
        slots = graph_slots(session.graph, var_list)
        plan, untouched, unmatched = _plan(rules, slots)
        with session.graph.as_default():
            ops = [s.variable.assign(init(list(s.shape), dtype=s.dtype)).op for s, _, init in plan]
            if ops:
                session.run(tf.group(*ops))
        return _report(rules, plan, untouched, unmatched)
    slots = keras_slots(target)
    plan, untouched, unmatched = _plan(rules, slots)
    for s, _, init in plan:
        s.variable.assign(init(list(s.shape), dtype=s.dtype))
    return _report(rules, plan, untouched, unmatched)


# --- TF1 graphs ---


def _layer_type(var) -> Optional[str]:
    """The layer type a kernel serves, from the op that consumes its value."""
    op = var.op
    frontier = list(op.outputs[0].consumers())
    seen = 0
    while frontier and seen < 50:
        consumer = frontier.pop(0)
        seen += 1
        if consumer.type in _OP_TO_LAYER:
            return _OP_TO_LAYER[consumer.type]
        if consumer.type in ("Identity", "ReadVariableOp", "Cast"):
            frontier += [c for out in consumer.outputs for c in out.consumers()]
    return None


def graph_slots(graph, var_list=None) -> List[_Slot]:
    with graph.as_default():
        variables = list(var_list) if var_list is not None else v1.trainable_variables()
    rows = []
    for var in variables:
        name = var.op.name
        layer, _, short = name.rpartition("/")
        shape = tuple(var.shape.as_list())
        ltype = _layer_type(var) if len(shape) >= 2 else None
        rows.append((var, name, shape, var.dtype.base_dtype.name, layer, ltype, short))
    return _number_layers(rows)
