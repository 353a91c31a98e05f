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
    """
    best_for_variable: Dict[str, str] = {}
    scores: Dict[Tuple[str, str], float] = {}
    for variable, signature in missing.items():
        ranked = sorted(
            ((similarity(entry, variable), entry) for entry, sig in unused.items() if sig == signature),
            reverse=True,
        )
        ranked = [(s, e) for s, e in ranked if s >= cutoff]
        if not ranked or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
            continue
        best_for_variable[variable] = ranked[0][1]
        scores[(ranked[0][1], variable)] = ranked[0][0]
    result = {}
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
