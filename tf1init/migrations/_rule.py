"""The shape of a rule and of its documented examples (data; the engine calls the hooks)."""
from dataclasses import dataclass, field
from typing import Callable, Optional, Tuple


@dataclass(frozen=True)
class Example:
    """One documented case of a rule; every example runs as a test (and its output twice).

    ``after`` is None when the code must stay byte-identical. ``findings`` are the expected
    messages as ``"LINE:COL KIND: text"`` prefixes (``KIND`` one of fixed/warning/manual), where
    only what is written is compared: a prefix of the message is enough.
    """

    id: str
    before: str
    after: Optional[str] = None
    findings: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    code: str  # stable, e.g. TFI101
    name: str  # kebab-case
    summary: str  # one line
    why: str  # a paragraph: what goes wrong without it, and what the rewrite keeps
    fix_safety: str  # "safe" or "review", with the reason in why
    examples: Tuple[Example, ...]
    # The engine calls these hooks (see _engine.Context); a rule defines the ones it needs.
    analyze: Optional[Callable] = None  # (ctx) on the CPython ast, before anything is rewritten
    on_mode: Optional[Callable] = None  # (ctx) once the mode is decided, before any after_mode
    after_mode: Optional[Callable] = None  # (ctx) -> bool: reports on the ast; True if LibCST has work
    on_call: Optional[Callable] = None  # (ctx, original, updated) -> node, LibCST
    on_statement: Optional[Callable] = None  # (ctx, original, updated) -> node(s), LibCST
    on_module: Optional[Callable] = None  # (ctx, body) -> body, LibCST, once the imports are settled
    triggers: Tuple[str, ...] = field(default=())  # tf1 names whose calls make a file a candidate
