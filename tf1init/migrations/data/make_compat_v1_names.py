"""Writes ``compat_v1_names.txt``: every public name reachable in ``tensorflow.compat.v1``.

The codemods never import TensorFlow, yet the compat route must know whether each ``tf.X`` a
TF1 file uses still exists under ``tensorflow.compat.v1`` (``tf.contrib`` does not; with Keras 3,
``tf.layers.dense`` raises on access). So the names are read once from an installed TensorFlow
and shipped as data; ``tests/migrations/test_compat_names.py`` checks the file against the
installed TensorFlow. Run: ``python -m tf1init.migrations.data.make_compat_v1_names``.
"""
import inspect
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "compat_v1_names.txt")


# Modules taken as a whole (any name below them is accepted): Keras is its own API, not TF1's;
# tf.compat.v1 and v2 are whole TensorFlow APIs again; raw_ops is generated from the op registry.
OPEN = {"keras", "compat", "raw_ops"}


def names(root, v2) -> list:
    """One line per public name of ``root`` (dotted, no ``tf.``), with a mark: ``M`` a module
    (``M*`` an OPEN one), ``=`` the same object in TF2's ``tensorflow`` (``v2``), ``~`` a
    different object there (followed by both parameter lists: ``tf.nn.dropout`` takes
    ``keep_prob`` second in TF1 and ``rate`` in TF2), ``-`` absent in TF2 (followed by the name
    TF2 exports the very same object under, if any: ``- log math.log``)."""
    found, seen, stack = [], set(), [("", root)]
    while stack:
        prefix, module = stack.pop()
        if id(module) in seen and prefix:
            continue
        seen.add(id(module))
        try:
            attrs = sorted(dir(module))
        except Exception:  # a lazy module whose import fails (parts of tf.keras)
            continue
        for attr in attrs:
            if attr.startswith("_"):
                continue
            try:
                value = getattr(module, attr)
            except Exception:  # e.g. "`dense` is not available with Keras 3."
                continue
            dotted = prefix + attr
            if dotted in OPEN:
                found.append("M* " + dotted)
            elif inspect.ismodule(value) and prefix.count(".") < 6:
                found.append("M " + dotted)
                stack.append((dotted + ".", value))
            else:
                mark = _in_v2(v2, dotted, value)
                found.append(mark[0] + " " + dotted + mark[1:])
    return sorted(set(found), key=lambda line: line.split(" ")[1])


def _in_v2(v2, dotted: str, value) -> str:
    node = v2
    for part in dotted.split("."):
        try:
            node = getattr(node, part)
        except Exception:
            twin = _twin(v2, value)
            return "- " + twin if twin else "-"
    if node is value:
        return "="
    return "~ " + _params(value) + _params(node)


_V2_INDEX = {}


def _twin(v2, value):
    """The TF2 name of the very same object (``math.log`` for v1's ``log``; the shortest, then
    the first alphabetically), so a TF1 call keeps its meaning under the TF2 spelling."""
    if not _V2_INDEX:  # the API's own modules, not TensorFlow's internals
        for dotted, found in _public(v2, lambda name, module: module.__name__.startswith("tensorflow._api.")):
            if callable(found) and not inspect.ismodule(found):
                best = _V2_INDEX.get(id(found))
                if best is None or (len(dotted), dotted) < (len(best), best):
                    _V2_INDEX[id(found)] = dotted
    return _V2_INDEX.get(id(value)) if callable(value) else None


def _public(root, descend):
    """(dotted name, value) of every public name below ``root`` (OPEN modules left out), going
    into a module when ``descend(dotted name, module)`` says so."""
    stack, seen = [("", root)], set()
    while stack:
        prefix, module = stack.pop()
        if id(module) in seen:
            continue
        seen.add(id(module))
        try:
            attrs = sorted(dir(module))
        except Exception:  # a lazy module whose import fails
            continue
        for attr in attrs:
            dotted = prefix + attr
            if attr.startswith("_") or dotted in OPEN:
                continue
            try:
                value = getattr(module, attr)
            except Exception:
                continue
            yield dotted, value
            if inspect.ismodule(value) and prefix.count(".") < 6 and descend(dotted, value):
                stack.append((dotted + ".", value))


def _params(function) -> str:
    """``(a,b,*,c)``: a callable's parameter names, ``?`` when unknown (used to tell whether a
    TF1 call means the same with TF2's function: ``tf.nn.dropout(x, 0.5)`` does not)."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return "(?)"
    names = []
    for parameter in signature.parameters.values():
        if parameter.kind is parameter.VAR_POSITIONAL:
            names.append("*" + parameter.name)
        elif parameter.kind is parameter.VAR_KEYWORD:
            names.append("**" + parameter.name)
        else:
            names.append(parameter.name)
    return "(" + ",".join(names) + ")"


def tf2_only(v2, v1_lines) -> list:
    """``+ X`` for each public name of TF2's ``tensorflow`` that ``tensorflow.compat.v1`` lacks
    (``tf.random.set_seed``): TF2 code, not gone code. Modules TF2 alone has count as open."""
    known = {line.split(" ")[1] for line in v1_lines}
    return [("M* " if inspect.ismodule(value) else "+ ") + dotted
            for dotted, value in _public(v2, lambda name, module: name in known) if dotted not in known]


def render() -> str:
    from tf1init._tf import tf  # the one module that imports TensorFlow

    header = (f"# TensorFlow {tf.__version__}: public names of tensorflow.compat.v1 (M = module, M* = "
              "module whose names are not listed), and + for names only TF2's tensorflow has\n")
    lines = names(tf.compat.v1, tf)
    lines = sorted(set(lines + tf2_only(tf, lines)), key=lambda line: line.split(" ")[1])
    return header + "".join(line + "\n" for line in lines)


if __name__ == "__main__":
    text = render()
    with open(TARGET, "w", encoding="utf-8") as out:
        out.write(text)
    print(f"{TARGET}: {text.count(chr(10)) - 1} names", file=sys.stderr)
