"""Rules register by being a module in ``rules/`` that defines ``RULE``: adding the file is the
whole registration (as in pyupgrade).

A rule's module is named after its code (``tfi104_session_init.py`` is TFI104), so the codes are
known from the folder listing alone: choosing rules (``--select``) and keying the result cache
import no rule, and a run whose files are all clean or cached never imports them (nor LibCST).
"""
from __future__ import annotations

import importlib
import os

TYPE_CHECKING = False
if TYPE_CHECKING:  # neither typing nor the rules are imported by a run that needs no rule
    from typing import Iterable, Optional, Tuple

    from ._rule import Rule

RULES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rules")
_found: "Optional[Tuple[Tuple[str, str], ...]]" = None
_rules: "Optional[Tuple[Rule, ...]]" = None


def _is_rule_module(name: str) -> bool:
    """``tfiNNN_words.py`` (string tests, not ``re``: a cached run must not import it)."""
    stem = name[:-3]
    return (name.endswith(".py") and len(stem) > 7 and stem.startswith("tfi") and stem[3:6].isdigit()
            and stem[6] == "_" and stem[7:].isidentifier())


def _modules() -> Tuple[Tuple[str, str], ...]:
    """(code, module name) of every rule module, by code."""
    global _found
    if _found is None:
        found = sorted((name[:6].upper(), name[:-3]) for name in os.listdir(RULES_DIR) if _is_rule_module(name))
        codes = [code for code, _ in found]
        if len(set(codes)) != len(codes):
            raise RuntimeError(f"two rule modules share a code: {found}")
        _found = tuple(found)
    return _found


def codes() -> Tuple[str, ...]:
    """Every rule code, without importing a rule."""
    return tuple(code for code, _ in _modules())


def all_rules() -> Tuple[Rule, ...]:
    global _rules
    if _rules is None:
        from ._rule import Rule

        found = []
        for code, name in _modules():
            module = importlib.import_module(f"{__package__}.rules.{name}")
            rule = getattr(module, "RULE", None)
            if not isinstance(rule, Rule) or rule.code != code:
                raise RuntimeError(f"rules/{name}.py must define RULE = Rule(code={code!r}, ...)")
            found.append(rule)
        _rules = tuple(found)
    return _rules


def get(code: str) -> Optional[Rule]:
    for rule in all_rules():
        if rule.code == code.upper() or rule.name == code:
            return rule
    return None


def select_codes(select: Optional[Iterable[str]] = None, ignore: Optional[Iterable[str]] = None) -> Tuple[str, ...]:
    """The codes that start with one of ``select`` (all by default) and none of ``ignore``.

    Raises ValueError naming the unknown code and the known ones.
    """
    known = codes()
    for prefixes in (select, ignore):
        for prefix in prefixes or ():
            if not any(code.startswith(prefix.upper()) for code in known):
                raise ValueError(f"unknown rule code {prefix!r}; known codes: {', '.join(known)}")
    return tuple(
        code for code in known
        if (not select or any(code.startswith(p.upper()) for p in select))
        and not (ignore and any(code.startswith(p.upper()) for p in ignore))
    )


def select(select: Optional[Iterable[str]] = None, ignore: Optional[Iterable[str]] = None) -> Tuple[Rule, ...]:
    """The rules whose code starts with one of ``select`` (all by default) and none of ``ignore``.

    Raises ValueError naming the unknown code and the known ones.
    """
    chosen = set(select_codes(select, ignore))
    return tuple(rule for rule in all_rules() if rule.code in chosen)
