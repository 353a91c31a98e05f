"""Turn what a user means by "these variables" into a list of variables of one graph.

A selection is a variable, a list of variables or variable names, a name-scope prefix (a str),
or a compiled regex. Scope prefixes match whole scope components: "dense" selects
"dense/kernel" but never "dense_1/kernel" (substring matching re-initializes the wrong
variables, measured on TF 2.21).
"""
import re
from typing import Iterable, List

from tf1init._tf import tf, v1
from tf1init.errors import ForeignGraphError, NotGraphModeError, SelectionError, closest


def variable_name(variable) -> str:
    """The name a user sees for a variable: its op name, without the ':0'."""
    return variable.op.name


def graph_variables(graph) -> List:
    """Every global and local variable of ``graph``, each once, in creation order."""
    seen, result = set(), []
    for collection in (v1.GraphKeys.GLOBAL_VARIABLES, v1.GraphKeys.LOCAL_VARIABLES):
        for variable in graph.get_collection(collection):
            if id(variable) not in seen:
                seen.add(id(variable))
                result.append(variable)
    return result


def is_variable(value) -> bool:
    return isinstance(value, tf.Variable) or (
        hasattr(value, "initializer") and hasattr(value, "op") and hasattr(value, "initial_value")
    )


def is_eager(variable) -> bool:
    """A TF2 eager variable: it has a value from creation, no graph and no initializer op."""
    try:
        variable.op
    except AttributeError:
        return True
    return False


def check_graph_variable(variable, caller: str) -> None:
    """Raise NotGraphModeError for an eager variable (its ``.op`` raises AttributeError)."""
    if is_eager(variable):
        raise NotGraphModeError(
            f"{caller} got an eager variable ({getattr(variable, 'name', '?')}): it holds its "
            "value from creation and has no initializer to run in a session. tf1init initializes "
            "graph-mode variables, built under `with graph.as_default():` or after "
            "tf.compat.v1.disable_eager_execution()"
        )


def _describe(value) -> str:
    text = repr(value)
    return text if len(text) < 80 else text[:77] + "..."


def _in_scope(name: str, scope: str) -> bool:
    return name == scope or name.startswith(scope + "/")


def select_variables(graph, selection=None) -> List:
    """The variables of ``graph`` that ``selection`` names, in graph order.

    ``None`` means every global and local variable; an empty list means none.
    """
    everything = graph_variables(graph)
    if selection is None:
        return everything
    names = [variable_name(v) for v in everything]
    if isinstance(selection, re.Pattern):
        chosen = [v for v, n in zip(everything, names) if selection.match(n)]
        if not chosen:
            raise SelectionError(
                f"the pattern {selection.pattern!r} matches no variable of the graph "
                f"(it must match from the start of the name); closest names: "
                f"{closest(selection.pattern, names) or names[:5]}"
            )
        return chosen
    if isinstance(selection, str):
        scope = selection.rstrip("/")
        chosen = [v for v, n in zip(everything, names) if _in_scope(n, scope)]
        if not chosen:
            raise SelectionError(
                f"no variable is in the scope {selection!r}; closest names: "
                f"{closest(scope, names) or names[:5]}"
            )
        return chosen
    items: Iterable = [selection] if is_variable(selection) else selection
    by_name = dict(zip(names, everything))
    chosen, seen = [], set()
    for item in items:
        if isinstance(item, str):
            name = item[:-2] if item.endswith(":0") else item
            if name not in by_name:
                raise SelectionError(
                    f"no variable named {item!r} in the graph; closest names: {closest(name, names)}"
                )
            item = by_name[name]
        elif not is_variable(item):
            if isinstance(item, tf.Variable):
                check_graph_variable(item, "the selection")
            raise SelectionError(
                f"{_describe(item)} is not a variable: select tf.Variable objects, variable "
                f"names, a scope prefix (str) or a compiled regex"
            )
        elif is_eager(item):
            check_graph_variable(item, "the selection")
        elif item.graph is not graph:
            raise ForeignGraphError(
                f"variable {variable_name(item)!r} belongs to another graph than the session's; "
                f"create it under `with session.graph.as_default():`"
            )
        if id(item) not in seen:
            seen.add(id(item))
            chosen.append(item)
    return chosen
