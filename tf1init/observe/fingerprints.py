"""A hash per variable of its value, to compare two runs (or TF1 and its TF2 migration) by name.

"Is my initialization reproducible?" and "does the migrated TF2 model start from the same
weights as the TF1 one?" are questions about every variable; printing a few values answers
neither. A fingerprint maps each variable name to its dtype, shape and the SHA-256 of its bytes,
so two fingerprints compare exactly, variable by variable, and can be stored as JSON.
"""
import hashlib
from dataclasses import dataclass
from typing import Callable, Dict, Mapping, Optional, Tuple, Union

import numpy as np

from tf1init.session.explain_errors import explained_errors
from tf1init.graph.selection import select_variables, variable_name


def value_fingerprint(value) -> str:
    """'float32[3,4]:<sha256 of the little-endian bytes>' for one array."""
    array = np.asarray(value)
    if array.dtype.byteorder == ">":
        array = array.astype(array.dtype.newbyteorder("<"))
    shape = ",".join(str(d) for d in array.shape)
    digest = hashlib.sha256(f"{array.dtype.name}[{shape}]".encode())
    digest.update(np.ascontiguousarray(array).tobytes())
    return f"{array.dtype.name}[{shape}]:{digest.hexdigest()}"


def _eager_name(variable) -> str:
    path = getattr(variable, "path", None)  # Keras 3 variables: 'dense/kernel'
    if isinstance(path, str):
        return path
    name = variable.name
    return name[:-2] if name.endswith(":0") else name


def _strip(name: str, prefix: str) -> str:
    return name[len(prefix):] if prefix and name.startswith(prefix) else name


def fingerprint(source, selection=None) -> Dict[str, str]:
    """Variable name -> :func:`value_fingerprint` of its current value, sorted by name.

    ``source``: a ``tf.compat.v1.Session`` (its graph's global and local variables, or
    ``selection`` of them, read in one run), eager ``tf.Variable`` objects or a Keras model
    (names without ':0'; Keras 3 variables by their path such as 'dense/kernel', without the
    model's name), or a dict of name -> array.

        >>> import numpy as np, tf1init
        >>> import tensorflow as tf; v1 = tf.compat.v1
        >>> graph = tf.Graph()
        >>> with graph.as_default():
        ...     w = v1.Variable(np.ones([2], np.float32), name="dense/kernel")
        >>> session = v1.Session(graph=graph)
        >>> _ = tf1init.initialize_all(session)
        >>> eager = tf.Variable(np.ones([2], np.float32), name="dense/kernel")
        >>> tf1init.fingerprint(session) == tf1init.fingerprint([eager])
        True
        >>> tf1init.fingerprint(session)["dense/kernel"].split(":")[0]
        'float32[2]'
    """
    if isinstance(source, Mapping):
        values = dict(source)
    elif hasattr(source, "run") and hasattr(source, "graph"):
        variables = select_variables(source.graph, selection)
        with explained_errors(source):
            arrays = source.run(variables) if variables else []
        values = {variable_name(v): a for v, a in zip(variables, arrays)}
    else:
        items = getattr(source, "weights", source)
        # A Keras 3 model's paths start with the model's name: 'sequential/dense/kernel'.
        prefix = f"{source.name}/" if hasattr(source, "weights") and hasattr(source, "name") else ""
        values = {_strip(_eager_name(v), prefix): v.numpy() for v in items}
    return {name: value_fingerprint(values[name]) for name in sorted(values)}


@dataclass(frozen=True)
class FingerprintDiff:
    """How two fingerprints differ; ``identical`` when they do not."""

    same: Tuple[str, ...]
    different: Tuple[str, ...]
    only_in_first: Tuple[str, ...]
    only_in_second: Tuple[str, ...]

    @property
    def identical(self) -> bool:
        return not (self.different or self.only_in_first or self.only_in_second)

    def __str__(self) -> str:
        if self.identical:
            return f"{len(self.same)} variables, all identical"
        lines = [f"{len(self.same)} identical, {len(self.different)} different, "
                 f"{len(self.only_in_first)} only in the first, "
                 f"{len(self.only_in_second)} only in the second"]
        lines += [f"  differs: {n}" for n in self.different]
        lines += [f"  only in the first: {n}" for n in self.only_in_first]
        lines += [f"  only in the second: {n}" for n in self.only_in_second]
        return "\n".join(lines)


def compare_fingerprints(
    first, second, *, mapping: Optional[Union[Mapping[str, str], Callable[[str], str]]] = None
) -> FingerprintDiff:
    """Compare two fingerprints (or anything :func:`fingerprint` takes), variable by variable.

    ``mapping`` renames the first side's names to the second's (a dict, or a function such as
    ``lambda n: n.replace('weights', 'kernel')``), for a migration that renamed variables.

        >>> import tf1init
        >>> diff = tf1init.compare_fingerprints({"w": [1.0], "b": [0.0]}, {"w": [1.0], "b": [0.5]})
        >>> diff.different, diff.identical
        (('b',), False)
    """
    first = first if _is_fingerprint(first) else fingerprint(first)
    second = second if _is_fingerprint(second) else fingerprint(second)
    if mapping is not None:
        rename = mapping if callable(mapping) else (lambda n: mapping.get(n, n))
        first = {rename(n): f for n, f in first.items()}
    common = sorted(first.keys() & second.keys())
    return FingerprintDiff(
        same=tuple(n for n in common if first[n] == second[n]),
        different=tuple(n for n in common if first[n] != second[n]),
        only_in_first=tuple(sorted(first.keys() - second.keys())),
        only_in_second=tuple(sorted(second.keys() - first.keys())),
    )


def _is_fingerprint(value) -> bool:
    return isinstance(value, Mapping) and all(
        isinstance(v, str) and ":" in v and "[" in v for v in value.values())
