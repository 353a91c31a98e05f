"""Pair the original program's variables with the migrated program's.

Names survive most migrations (graph-mode code keeps ``W1:0``), but not a move to Keras
(``dense/kernel:0`` becomes ``sequential/dense/kernel``). So: the same name first, then a name
that ends with the other one at a scope boundary (one candidate only), then what is left in
creation order, each original with the first unpaired migrated variable of the same shape and
dtype.
"""
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from tf1init.verify.run import Variable

BY_NAME = "name"
BY_SUFFIX = "name suffix"
BY_ORDER = "creation order, shape and dtype"


@dataclass(frozen=True)
class Pair:
    """An original variable and its migrated counterpart; either is None when it has none."""

    original: Optional[Variable]
    migrated: Optional[Variable]
    matched_by: Optional[str]


# TF1 names an optimizer's slots after the variable and the optimizer (``W/Adam_1:0``, plus
# ``beta1_power``); Keras 3 puts its optimizer's variables under the optimizer's name
# (``adam/iteration:0``, ``sgd/learning_rate:0``). A lifted program trades one set for the other,
# so neither side's is compared (both start from the optimizer's fixed rules, not from draws); they pair by exact name only.
_TF1_SLOTS = ("Adam", "Adam_1", "Momentum", "Adagrad", "RMSProp", "RMSProp_1", "Adadelta", "Adadelta_1",
              "Ftrl", "Ftrl_1")
_KERAS_OPTIMIZERS = ("sgd", "adam", "adamw", "adagrad", "adadelta", "rmsprop", "adamax", "nadam", "ftrl", "lion")


def is_optimizer_state(name: str) -> bool:
    base = name.split(":")[0]
    last = base.rsplit("/", 1)[-1]
    first = base.split("/", 1)[0].lower()
    return (base in ("beta1_power", "beta2_power") or ("/" in base and last in _TF1_SLOTS)
            or ("/" in base and first.rstrip("_0123456789") in _KERAS_OPTIMIZERS))


def _key(name: str) -> str:
    return name[:-2] if name.endswith(":0") else name


def related(a: Variable, b: Variable) -> bool:
    """One name is the other under more scopes: ``dense/kernel:0``, ``sequential/dense/kernel``."""
    x, y = _key(a.name), _key(b.name)
    return y.endswith("/" + x) or x.endswith("/" + y)


def match(original: Sequence[Variable], migrated: Sequence[Variable]) -> Tuple[Pair, ...]:
    """Every variable of both programs, paired where a counterpart is found, in original order.

    >>> from tf1init.verify.run import Variable
    >>> def v(name, shape, order):
    ...     return Variable(name, shape, "float32", "ref", order, 1, "", None)
    >>> pairs = match([v("dense/kernel:0", (3, 4), 0), v("Variable:0", (4,), 1)],
    ...               [v("w:0", (4,), 0), v("sequential/dense/kernel", (3, 4), 1)])
    >>> [(p.original.name, p.migrated.name, p.matched_by) for p in pairs]
    [('dense/kernel:0', 'sequential/dense/kernel', 'name suffix'), ('Variable:0', 'w:0', 'creation order, shape and dtype')]
    """
    partner: Dict[int, Tuple[int, str]] = {}
    taken = set()
    by_name = {}
    for j, variable in enumerate(migrated):
        by_name.setdefault(_key(variable.name), j)
    for i, variable in enumerate(original):
        j = by_name.get(_key(variable.name))
        if j is not None and j not in taken:
            partner[i] = (j, BY_NAME)
            taken.add(j)

    for j, variable in enumerate(migrated):  # an optimizer's own variables: by exact name or not at all
        if is_optimizer_state(variable.name):
            taken.add(j)
    for i, variable in enumerate(original):
        if i in partner or is_optimizer_state(variable.name):
            continue
        candidates = [j for j, m in enumerate(migrated) if j not in taken and related(variable, m)]
        if len(candidates) != 1:
            continue
        rivals = [k for k, o in enumerate(original)
                  if k not in partner and related(o, migrated[candidates[0]])]
        if rivals == [i]:
            partner[i] = (candidates[0], BY_SUFFIX)
            taken.add(candidates[0])
    order = sorted(range(len(migrated)), key=lambda j: migrated[j].order)
    for i in sorted(range(len(original)), key=lambda k: original[k].order):
        if i in partner or original[i].shape is None or is_optimizer_state(original[i].name):
            continue
        for j in order:
            if (j not in taken and migrated[j].shape == original[i].shape
                    and migrated[j].dtype == original[i].dtype):
                partner[i] = (j, BY_ORDER)
                taken.add(j)
                break
    pairs: List[Pair] = []
    for i, variable in enumerate(original):
        j, how = partner.get(i, (None, None))
        pairs.append(Pair(variable, None if j is None else migrated[j], how))
    paired = {j for j, _ in partner.values()}
    pairs.extend(Pair(None, m, None) for j, m in enumerate(migrated) if j not in paired)
    return tuple(pairs)
