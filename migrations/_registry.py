"""Rules register by being a module in ``rules/`` that defines ``RULE``: adding the file is the
whole registration (as in pyupgrade).

A rule's module is named after its code (``tfi104_session_init.py`` is TFI104), so the codes are
known from the folder listing alone: choosing rules (``--select``) and keying the result cache
import no rule, and a run whose files are all clean or cached never imports them (nor LibCST).
"""
from __future__ import annotations

import importlib
import os
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, Optional, Tuple

if TYPE_CHECKING:  # imported with the rules, not by a run that needs none
    from ._rule import Rule

RULES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rules")
_MODULE = re.compile(r"(tfi\d{3})_\w+\.py$")


@lru_cache(maxsize=None)
def _modules() -> Tuple[Tuple[str, str], ...]:
    """(code, module name) of every rule module, by code."""
    found = []
    for name in os.listdir(RULES_DIR):
        match = _MODULE.fullmatch(name)
        if match:
            found.append((match.group(1).upper(), name[:-3]))
    codes = [code for code, _ in found]
    if len(set(codes)) != len(codes):
        raise RuntimeError(f"two rule modules share a code: {sorted(found)}")
    return tuple(sorted(found))


def codes() -> Tuple[str, ...]:
    """Every rule code, without importing a rule."""
    return tuple(code for code, _ in _modules())


@lru_cache(maxsize=None)
def all_rules() -> Tuple[Rule, ...]:
    from ._rule import Rule

    found = []
    for code, name in _modules():
        module = importlib.import_module(f"{__package__}.rules.{name}")
        rule = getattr(module, "RULE", None)
        if not isinstance(rule, Rule) or rule.code != code:
            raise RuntimeError(f"rules/{name}.py must define RULE = Rule(code={code!r}, ...)")
        found.append(rule)
    return tuple(found)


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
