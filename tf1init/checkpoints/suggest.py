"""Guess the mapping for a renamed model: which unused entry is which missing variable.

A pair is suggested only when it is unambiguous: the entry and the variable have the same
shape and dtype, their names are alike once common synonyms are folded (``weights`` and
``kernel``, ``biases`` and ``bias``, ``gamma`` and ``scale``...), and each is the other's
single best match. A guess is never applied; it is printed so a person can pass it as
``mapping=``.
"""
import difflib
from typing import Dict, Mapping, Tuple

# Spellings of one parameter across TF1 slim/contrib, tf.layers, Keras and other frameworks.
SYNONYMS = {
    "weights": "kernel", "weight": "kernel", "w": "kernel", "kernel": "kernel", "filter": "kernel",
    "biases": "bias", "b": "bias", "bias": "bias",
    "gamma": "scale", "scale": "scale",
    "beta": "offset", "offset": "offset",
    "moving_mean": "mean", "mean": "mean", "running_mean": "mean",
    "moving_variance": "variance", "variance": "variance", "running_var": "variance",
    "embeddings": "embedding", "embedding": "embedding", "word_embeddings": "embedding",
}


def _fold(name: str) -> str:
    parts = []
    for part in name.lower().split("/"):
        parts.append(SYNONYMS.get(part, part))
    return "/".join(parts)


_MAX_PAIRS = 20_000


def _by_suffix(unused, missing) -> Dict[str, str]:
    """Pairs whose folded names agree below their first scope component, when unique."""
    def key(name, signature):
        return signature, _fold(name).split("/", 1)[-1]

    entries: Dict[tuple, list] = {}
    for entry, signature in unused.items():
        entries.setdefault(key(entry, signature), []).append(entry)
    variables: Dict[tuple, list] = {}
    for variable, signature in missing.items():
        variables.setdefault(key(variable, signature), []).append(variable)
    return {
        found[0]: names[0]
        for k, names in variables.items()
        for found in [entries.get(k, [])]
        if len(names) == 1 and len(found) == 1
    }


def similarity(a: str, b: str) -> float:
    """How alike two variable names are, 0..1, after folding synonyms."""
    fa, fb = _fold(a), _fold(b)
    last_a, last_b = fa.rsplit("/", 1)[-1], fb.rsplit("/", 1)[-1]
    score = difflib.SequenceMatcher(None, fa, fb).ratio()
    # The parameter's own name (kernel, bias) must agree: a bias is never a kernel.
    return score if last_a == last_b else score * 0.5


def suggest_mapping(
    unused: Mapping[str, Tuple[tuple, str]],
    missing: Mapping[str, Tuple[tuple, str]],
    *,
    cutoff: float = 0.5,
) -> Dict[str, str]:
    """``{entry: variable}`` for the unambiguous pairs.

    ``unused``: entry name -> (shape, dtype); ``missing``: variable name -> (shape, dtype).
    Names are compared pairwise only within groups of equal shape and dtype, and only while
    that stays cheap; big groups (thousands of same-shape variables) are matched by equal
    folded names below the top scope, the usual rename.
    """
    by_signature: Dict[tuple, list] = {}
    for entry, signature in unused.items():
        by_signature.setdefault(signature, []).append(entry)
    best_for_variable: Dict[str, str] = {}
    scores: Dict[Tuple[str, str], float] = {}
    big = {
        sig for sig, entries in by_signature.items()
        if len(entries) * sum(1 for s in missing.values() if s == sig) > _MAX_PAIRS
    }
    result = _by_suffix(
        {e: s for e, s in unused.items() if s in big}, {v: s for v, s in missing.items() if s in big}
    )
    for variable, signature in missing.items():
        if signature in big:
            continue
        ranked = sorted(
            ((similarity(entry, variable), entry) for entry in by_signature.get(signature, ())),
            reverse=True,
        )
        ranked = [(s, e) for s, e in ranked if s >= cutoff]
        if not ranked or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
            continue
        best_for_variable[variable] = ranked[0][1]
        scores[(ranked[0][1], variable)] = ranked[0][0]
    for variable, entry in best_for_variable.items():
        rivals = [v for v, e in best_for_variable.items() if e == entry]
        if len(rivals) == 1:
            result[entry] = variable
        else:
            # Several variables want this entry: keep it only if one is strictly best.
            top = sorted(((scores[(entry, v)], v) for v in rivals), reverse=True)
            if top[0][0] > top[1][0] and top[0][1] == variable:
                result[entry] = variable
    return dict(sorted(result.items()))
