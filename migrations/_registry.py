"""Rules register by being a module in ``rules/`` that defines ``RULE``: adding the file is the
whole registration (as in pyupgrade)."""
import importlib
import pkgutil
from functools import lru_cache
from typing import Iterable, Optional, Tuple

from ._model import Rule


@lru_cache(maxsize=None)
def all_rules() -> Tuple[Rule, ...]:
    from . import rules as package

    found = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        rule = getattr(module, "RULE", None)
        if isinstance(rule, Rule):
            found.append(rule)
    codes = [rule.code for rule in found]
    if len(set(codes)) != len(codes):
        raise RuntimeError(f"two rules share a code: {sorted(codes)}")
    return tuple(sorted(found, key=lambda rule: rule.code))


def get(code: str) -> Optional[Rule]:
    for rule in all_rules():
        if rule.code == code.upper() or rule.name == code:
            return rule
    return None


def select(select: Optional[Iterable[str]] = None, ignore: Optional[Iterable[str]] = None) -> Tuple[Rule, ...]:
    """The rules whose code starts with one of ``select`` (all by default) and none of ``ignore``.

    Raises ValueError naming the unknown code and the known ones.
    """
    rules = all_rules()
    known = [rule.code for rule in rules]
    chosen = []
    for prefixes in (select, ignore):
        for prefix in prefixes or ():
            if not any(code.startswith(prefix.upper()) for code in known):
                raise ValueError(f"unknown rule code {prefix!r}; known codes: {', '.join(known)}")
    for rule in rules:
        if select and not any(rule.code.startswith(p.upper()) for p in select):
            continue
        if ignore and any(rule.code.startswith(p.upper()) for p in ignore):
            continue
        chosen.append(rule)
    return tuple(chosen)
