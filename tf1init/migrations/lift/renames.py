"""TF1 spellings inside lifted code, written the TF2 way with the same meaning.

Most come from the shipped name table (``tf.log`` is the very object TF2 calls ``tf.math.log``);
a few TF1 functions have no TF2 object but a one-line TF2 form (``tf.to_float(x)`` is
``tf.cast(x, tf.float32)``); keyword names TF2 renamed (``reduction_indices`` is ``axis``) are
renamed where the TF2 function takes the new one.
"""
import ast
from typing import Callable, List, Optional

from .. import _compat_names as names
from .._naming import dotted, tf1
from .source import Edit, Source

CASTS = {"tf.to_float": "float32", "tf.to_double": "float64", "tf.to_int32": "int32",
         "tf.to_int64": "int64", "tf.to_bfloat16": "bfloat16", "tf.to_complex64": "complex64"}
RENAMED_CALLS = {"tf.arg_max": "tf.math.argmax", "tf.arg_min": "tf.math.argmin",
                 "tf.random.set_random_seed": "tf.random.set_seed", "tf.set_random_seed": "tf.random.set_seed",
                 # TF2's softmax_cross_entropy_with_logits is v1's _v2 (v1 wraps it in a deprecation)
                 "tf.nn.softmax_cross_entropy_with_logits_v2": "tf.nn.softmax_cross_entropy_with_logits"}
KEYWORDS = {"reduction_indices": "axis", "keep_dims": "keepdims", "dim": "axis", "dimension": "axis"}


ABSL = {"app": "from absl import app", "flags": "from absl import flags"}


def edits(source: Source, node: ast.AST, resolve: Callable[[str], Optional[str]], handle: str,
          imports: Optional[set] = None) -> List[Edit]:
    """The edits that write every TF1-only spelling under ``node`` the TF2 way; absl modules the
    new spellings need are added to ``imports``."""
    found: List[Edit] = []
    imports = set() if imports is None else imports
    inner = {id(n.value) for n in ast.walk(node) if isinstance(n, ast.Attribute)}
    calls = {id(n.func): n for n in ast.walk(node) if isinstance(n, ast.Call)}
    for sub in ast.walk(node):
        if not isinstance(sub, (ast.Attribute, ast.Name)) or id(sub) in inner:
            continue
        full = tf1(resolve(dotted(sub)))
        if not full:
            continue
        call = calls.get(id(sub))
        start, end = source.span(sub)
        if full in CASTS and call is not None and len(call.args) == 1 and not call.keywords:
            cstart, cend = source.span(call)
            found.append((cstart, cend, f"{handle}.cast({source.code(call.args[0])}, {handle}.{CASTS[full]})"))
            continue
        if full in ("tf.app.flags", "tf.flags"):  # TF1's flags were absl's, wrapped
            found.append((start, end, "flags"))
            imports.add(ABSL["flags"])
            continue
        if full == "tf.app.run" and call is not None:
            found.append(_app_run(source, call))
            imports.update((ABSL["app"], ABSL["flags"]))
            continue
        if full == "tf.nn.dropout" and call is not None:
            found.extend(_dropout(source, call))
            continue
        new = RENAMED_CALLS.get(full) or names.twin(full)
        if new:
            found.append((start, end, handle + new[2:]))
        if call is not None:
            kind, _, params = names.status(new or full)
            if kind == names.CHANGED or new:
                v2 = names.split_params(params)[1] if kind == names.CHANGED else None
                for kw in call.keywords:
                    target = KEYWORDS.get(kw.arg or "")
                    if target and (v2 is None or target in v2):
                        kstart = source.offset(kw.lineno, kw.col_offset)
                        found.append((kstart, kstart + len(kw.arg), target))
    return _outermost(found)


def _app_run(source: Source, call: ast.Call) -> Edit:
    """``tf.app.run(main=main, argv=argv)`` is absl's ``app.run(main, argv=argv)``, parsing flags
    as TF1 did (those it does not define are let through); without a ``main``, TF1 ran the
    ``main`` of the ``__main__`` module: this one."""
    main = "main"
    rest = []
    for index, arg in enumerate(call.args):
        if index == 0:
            main = source.code(arg)
        else:
            rest.append(f"argv={source.code(arg)}")
    for kw in call.keywords:
        if kw.arg == "main":
            main = source.code(kw.value)
        else:
            rest.append(f"{kw.arg}={source.code(kw.value)}")
    start, end = source.span(call)
    # TF1's run let flags it did not define through (argparse may read them); absl's would stop
    tolerant = "flags_parser=lambda argv: flags.FLAGS(argv, known_only=True)"
    return (start, end, f"app.run({', '.join([main] + rest + [tolerant])})")


def _dropout(source: Source, call: ast.Call) -> List[Edit]:
    """TF1's ``dropout(x, keep_prob)`` is TF2's ``dropout(x, rate=1 - keep_prob)``: the same
    uniform draws, kept where they reach ``1 - keep_prob``."""
    keep = None
    if len(call.args) >= 2:
        keep = call.args[1]
        start, end = source.span(keep)
    else:
        for kw in call.keywords:
            if kw.arg == "keep_prob":
                keep = kw.value
                start = source.offset(kw.lineno, kw.col_offset)
                end = source.span(kw.value)[1]
    if keep is None or len(call.args) > 2:
        return []  # rate= already, or more positional arguments: left for the eager check to judge
    text = source.code(keep)
    if not isinstance(keep, (ast.Name, ast.Constant, ast.Attribute)):
        text = f"({text})"
    return [(start, end, f"rate=1 - {text}")]


def _outermost(found: List[Edit]) -> List[Edit]:
    """Drop edits inside another edit (a cast's argument keeps its TF1 spelling only if it is
    rewritten with the cast: rare, and caught by the eager check that follows)."""
    found.sort(key=lambda e: (e[0], -e[1]))
    kept: List[Edit] = []
    for edit in found:
        if kept and edit[0] < kept[-1][1]:
            continue
        kept.append(edit)
    return kept
