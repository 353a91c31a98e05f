"""Which checkpoint entries feed which variables: name maps, scope maps, splits and joins.

A mapping goes from checkpoint names to variable names, in the forms of
``tf.compat.v1.train.init_from_checkpoint``'s assignment maps, and a few more:

- ``{"old/name": "new/name"}``: one entry into one variable, renamed; the variable may be a
  partitioned one (its name without ``/part_<k>``): each part reads its slice of the entry;
- ``{"bert/": "encoder/"}``: a scope (key and value end with "/"): every entry under
  ``bert/`` into the variable of the same name under ``encoder/``; ``"/"`` is the root:
  ``{"/": "new/"}`` sends every entry to the same name under ``new/``, ``{"old/": "/"}``
  (or ``""``) strips ``old/``. The longest scope wins, an exact name beats a scope;
- ``{"old/w": ("new/w_top", "new/w_bottom")}``: one entry split along axis 0 into several
  variables, in order (a variable split across versions of a model); when the names are parts
  of one partitioned variable, each part reads its own slice instead, as Saver does;
- ``{("old/w_a", "old/w_b"): "new/w"}``: several entries joined along axis 0 into one
  variable (variables merged across versions);
- ``{"optimizer/": None}`` or ``{"old/name": None}``: leave those entries out on purpose;
- a callable ``name -> variable name or None`` applied to every entry name;
- a list of ``(key, value)`` pairs instead of a dict, so that one entry can feed several
  variables (``[("emb", "encoder/emb"), ("emb", "decoder/emb")]``).

Entries that no key names keep their own name. A part of a partitioned variable
(``<name>/part_<k>``) reads its slice of the saved entry ``<name>``, as Saver does.
Mistakes are :class:`tf1init.MappingError` before anything runs: a key naming no entry, a
renamed entry aimed at no variable, two entries aimed at one variable.
"""
import dataclasses
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from tf1init.checkpoints.reader import Entry
from tf1init.errors import MappingError, closest

ROOT = "/"  # as a scope key or value: the top of the checkpoint or graph, no scope


@dataclasses.dataclass(frozen=True)
class Piece:
    """One read from the checkpoint: an entry, whole (``spec`` "") or a slice of it.

    ``spec`` is TensorFlow's shape-and-slice string ("10 4 0,3:-": full shape, then
    start,length per dimension, "-" for all).
    """

    entry: str
    spec: str = ""
    rows: Optional[Tuple[int, int]] = None  # (start, stop) along axis 0, for reports

    def describe(self) -> str:
        return self.entry if self.rows is None else f"{self.entry}[{self.rows[0]}:{self.rows[1]}]"

    @property
    def full_shape(self) -> Optional[Tuple[int, ...]]:
        """The whole tensor's shape that ``spec`` assumes (None for a whole read)."""
        if not self.spec:
            return None
        return tuple(int(d) for d in self.spec.split(" ")[:-1])


@dataclasses.dataclass(frozen=True)
class Source:
    """What one variable is restored from: one piece, or pieces joined along axis 0."""

    pieces: Tuple[Piece, ...]
    how: str  # "name", "map", "scope", "split", "join", "partition", "callable"

    def describe(self) -> str:
        return " + ".join(p.describe() for p in self.pieces)

    @property
    def entries(self) -> Tuple[str, ...]:
        return tuple(p.entry for p in self.pieces)


@dataclasses.dataclass
class Assignment:
    """The outcome of applying a mapping, before shapes are checked."""

    sources: Dict[str, Source]  # variable name -> source
    dropped: List[str]  # entries mapped to None on purpose
    targets_unknown: List[str]  # entries whose (identity or scope) target is no variable


MappingLike = Union[None, Mapping, Sequence[Tuple], Callable[[str], Optional[str]]]


def assign_entries(
    entries: Mapping[str, Entry],
    variables: Mapping[str, object],
    mapping: MappingLike = None,
    *,
    partitions: Mapping[str, Tuple[str, str, Tuple[int, int]]] = (),
    shape_of: Callable[[str], Optional[Tuple]] = lambda name: None,
) -> Assignment:
    """Decide the source of every variable that some entry maps to.

    ``variables``: every variable of the graph by name (targets outside the ones being
    restored are the caller's business). ``partitions``: variable name -> (full name, slice
    spec, rows) for parts of partitioned variables; a mapping may aim at the full name.
    ``shape_of``: variable name -> its static shape, asked only for the targets of a split.
    """
    return _Assigner(entries, variables, dict(partitions), shape_of).apply(mapping)


class _Assigner:
    def __init__(self, entries, variables, partitions, shape_of):
        self.entries, self.variables, self.partitions, self.shape_of = entries, variables, partitions, shape_of
        self.parts_of: Dict[str, List[str]] = {}  # partitioned variable -> its parts, in order
        for part, (full, _, _) in partitions.items():
            self.parts_of.setdefault(full, []).append(part)
        self.sources: Dict[str, Source] = {}
        self.dropped: List[str] = []
        self.unknown: List[str] = []

    def apply(self, mapping) -> Assignment:
        if mapping is None:
            mapping = {}
        if callable(mapping) and not isinstance(mapping, Mapping):
            for name in self.entries:
                self.to_target(name, mapping(name), "callable")
            return self.result()
        consumed = set()
        scopes: Dict[str, List[Optional[str]]] = {}
        for key, value in _pairs(mapping):
            if isinstance(key, tuple):
                self.join(key, value)
                consumed.update(key)
            elif isinstance(key, str) and key.endswith("/"):
                self.check_scope(key, value)
                scopes.setdefault(key, []).append(value)
            elif isinstance(key, str):
                self.need_entry(key, key)
                self.exact(key, value)
                consumed.add(key)
            else:
                raise MappingError(f"mapping keys are entry names (str) or tuples of them, not {key!r}")
        ordered = sorted(scopes, key=lambda s: len(_prefix(s)), reverse=True)
        for name in self.entries:
            if name in consumed:
                continue
            scope = next((s for s in ordered if name.startswith(_prefix(s))), None)
            if scope is None and name in self.partitions:
                self.unknown.append(name)  # a part reads its slice of its whole variable's entry
                continue
            if scope is None:
                self.to_target(name, name, "name")
                continue
            rest = name[len(_prefix(scope)):]
            targets = [_prefix(v) + rest for v in scopes[scope] if v is not None]
            found = [t for t in targets if self.is_target(t)]
            if not targets:
                self.dropped.append(name)
            elif not found:
                self.unknown.append(name)
            for target in found:
                self.claim_target(target, name, "scope")
        return self.result()

    def result(self) -> Assignment:
        return Assignment(self.sources, self.dropped, self.unknown)

    # --- targets ---

    def is_target(self, name: str) -> bool:
        return name in self.parts_of or name in self.variables

    def to_target(self, entry: str, target: Optional[str], how: str) -> None:
        """An entry whose target comes from its name (identity, callable): unknown is no error."""
        if target is None:
            self.dropped.append(entry)
        elif self.is_target(target):
            self.claim_target(target, entry, how)
        else:
            self.unknown.append(entry)

    def claim_target(self, target: str, entry: str, how: str) -> None:
        """``entry`` into ``target``: whole, or each part its slice when it is partitioned."""
        if target in self.parts_of:
            for part in self.parts_of[target]:
                self.claim_part(part, entry)
        else:
            self.claim(target, Source((Piece(entry),), how))

    def claim_part(self, part: str, entry: str) -> None:
        _, spec, rows = self.partitions[part]
        self.claim(part, Source((Piece(entry, spec, rows),), "partition"))

    def claim(self, variable: str, source: Source) -> None:
        if variable in self.sources:
            raise MappingError(
                f"the mapping aims two checkpoint entries at the variable {variable!r}: "
                f"{self.sources[variable].describe()!r} and {source.describe()!r}; map one of "
                f"them elsewhere or to None to leave it out"
            )
        self.sources[variable] = source

    # --- the forms of a key ---

    def exact(self, name: str, value) -> None:
        """One entry named by a key: to None, a variable, or several variables."""
        if value is None:
            self.dropped.append(name)
        elif isinstance(value, str):
            self.need_variable(value, name)
            self.claim_target(value, name, "map")
        elif isinstance(value, (tuple, list)) and value and all(isinstance(v, str) for v in value):
            for target in value:
                self.need_variable(target, name)
            fulls = {self.partitions.get(t, (None,))[0] for t in value}
            if None not in fulls and len(fulls) == 1:
                for part in value:  # parts of one partitioned variable: each reads its slice
                    self.claim_part(part, name)
                return
            for target in value:
                if target in self.parts_of:
                    raise MappingError(
                        f"the entry {name!r} cannot be split into the partitioned variable "
                        f"{target!r}; map it to {target!r} alone (each part reads its slice) or "
                        f"split it into variables that are not partitioned"
                    )
            for target, piece in zip(value, _split(name, self.entries[name], value, self.shape_of)):
                self.claim(target, Source((piece,), "split"))
        else:
            raise MappingError(
                f"the entry {name!r} maps to {value!r}: use a variable (or its name), a tuple of "
                f"variable names (a split along axis 0), or None"
            )

    def join(self, names: Tuple, value) -> None:
        if not isinstance(value, str):
            raise MappingError(f"the joined entries {names!r} must map to one variable name, not {value!r}")
        if len(set(names)) != len(names):
            raise MappingError(f"the joined entries {names!r} name one entry twice")
        for name in names:
            self.need_entry(name, names)
        self.need_variable(value, names)
        if value in self.parts_of:
            raise MappingError(
                f"the joined entries {names!r} cannot go into the partitioned variable {value!r}; "
                f"join them into a variable that is not partitioned"
            )
        self.claim(value, _join(names, self.entries, value))

    def check_scope(self, key: str, value) -> None:
        if value is not None and not (isinstance(value, str) and (value.endswith("/") or value == "")):
            raise MappingError(
                f"the scope {key!r} must map to a scope ending in '/' ('/' or '' for the root), "
                f"or None, not {value!r}"
            )
        if not any(name.startswith(_prefix(key)) for name in self.entries):
            raise MappingError(
                f"no checkpoint entry is in the scope {key!r}; closest entry names: "
                f"{closest(key, self.entries)}"
            )

    def need_variable(self, target: str, key) -> None:
        if not self.is_target(target):
            raise MappingError(
                f"the mapping sends {key!r} to {target!r}, which is not a variable of the graph; "
                f"closest variable names: {closest(target, list(self.parts_of) + list(self.variables))}"
            )

    def need_entry(self, name: str, key) -> None:
        if name not in self.entries:
            raise MappingError(
                f"the mapping key {key!r} names {name!r}, which the checkpoint does not hold; "
                f"closest entry names: {closest(name, self.entries)}"
            )


def _prefix(scope: str) -> str:
    """The name prefix a scope key or value stands for ('/' is the root: no prefix)."""
    return "" if scope == ROOT else scope


def _pairs(mapping) -> List[Tuple]:
    if isinstance(mapping, Mapping):
        return list(mapping.items())
    if isinstance(mapping, (list, tuple)):
        for item in mapping:
            if not (isinstance(item, tuple) and len(item) == 2):
                raise MappingError(
                    f"a mapping given as a list holds (checkpoint name, variable name) pairs, "
                    f"not {item!r}"
                )
        return list(mapping)
    raise MappingError(
        f"mapping must be a dict (checkpoint name -> variable name), a list of such pairs or a "
        f"callable, not {type(mapping).__name__}"
    )


def _join(names: Sequence[str], entries: Mapping[str, Entry], target: str) -> Source:
    if len(names) < 2:
        raise MappingError(f"a tuple key joins two or more entries; {names!r} -> {target!r} has {len(names)}")
    return Source(tuple(Piece(name) for name in names), "join")


def _split(name: str, entry: Entry, targets: Sequence[str], shape_of) -> List[Piece]:
    """One slice of ``entry`` along axis 0 per target variable, sized by the variable."""
    if not entry.shape:
        raise MappingError(f"the entry {name!r} is a scalar: it cannot be split into {list(targets)}")
    pieces, start = [], 0
    for target in targets:
        shape = shape_of(target)
        if not shape:
            raise MappingError(
                f"cannot split {name!r} into {target!r}: the variable has no known rows "
                f"(shape {shape}); splits need variables with a static shape"
            )
        rows = shape[0]
        extents = [f"{start},{rows}"] + ["-"] * (len(entry.shape) - 1)
        spec = " ".join(str(d) for d in entry.shape) + " " + ":".join(extents)
        pieces.append(Piece(name, spec, (start, start + rows)))
        start += rows
    if start != entry.shape[0]:
        raise MappingError(
            f"the variables {list(targets)} have {start} rows in all, but the entry {name!r} has "
            f"{entry.shape[0]} (shape {list(entry.shape)}); a split must use every row"
        )
    return pieces
