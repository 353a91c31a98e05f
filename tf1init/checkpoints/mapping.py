"""Which checkpoint entries feed which variables: name maps, scope maps, splits and joins.

A mapping goes from checkpoint names to variable names, as ``init_from_checkpoint``'s
assignment maps do:

- ``{"old/name": "new/name"}``: one entry into one variable, renamed;
- ``{"bert/": "encoder/"}``: a scope (key and value end with "/"): every entry under
  ``bert/`` into the variable of the same name under ``encoder/``; the longest scope wins,
  an exact name beats a scope;
- ``{"old/w": ("new/w_top", "new/w_bottom")}``: one entry split along axis 0 into several
  variables, in order (a variable split across versions of a model);
- ``{("old/w_a", "old/w_b"): "new/w"}``: several entries joined along axis 0 into one
  variable (variables merged across versions);
- ``{"optimizer/": None}`` or ``{"old/name": None}``: leave those entries out on purpose;
- a callable ``name -> variable name or None`` applied to every entry name.

Entries that no key names keep their own name. A variable of a partitioned variable
(``<name>/part_<k>``) reads its slice of the saved entry ``<name>``, as Saver does.
Mistakes are :class:`tf1init.MappingError` before anything runs: a key naming no entry, a
renamed entry aimed at no variable, two entries aimed at one variable.
"""
import dataclasses
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from tf1init.checkpoints.reader import Entry
from tf1init.errors import MappingError, closest


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


MappingLike = Union[None, Mapping, Callable[[str], Optional[str]]]


def assign_entries(
    entries: Mapping[str, Entry],
    variables: Mapping[str, object],
    mapping: MappingLike = None,
    *,
    partitions: Mapping[str, Tuple[str, str, Tuple[int, int]]] = (),
    shapes: Mapping[str, Tuple[int, ...]] = (),
) -> Assignment:
    """Decide the source of every variable that some entry maps to.

    ``variables``: every variable of the graph by name (targets outside the ones being
    restored are the caller's business). ``partitions``: variable name -> (full entry name,
    slice spec, rows) for parts of partitioned variables. ``shapes``: variable name -> static
    shape, needed to split an entry.
    """
    partitions = dict(partitions)
    shapes = dict(shapes)
    sources: Dict[str, Source] = {}
    claimed_by: Dict[str, str] = {}  # variable -> the entry (description) that claimed it
    dropped: List[str] = []
    unknown: List[str] = []

    def claim(variable: str, source: Source) -> None:
        if variable in sources:
            raise MappingError(
                f"the mapping aims two checkpoint entries at the variable {variable!r}: "
                f"{claimed_by[variable]!r} and {source.describe()!r}; map one of them elsewhere "
                f"or to None to leave it out"
            )
        sources[variable] = source
        claimed_by[variable] = source.describe()

    def need_variable(target: str, key) -> None:
        if target not in variables:
            raise MappingError(
                f"the mapping sends {key!r} to {target!r}, which is not a variable of the graph; "
                f"closest variable names: {closest(target, variables)}"
            )

    def need_entry(name: str, key) -> None:
        if name not in entries:
            raise MappingError(
                f"the mapping key {key!r} names {name!r}, which the checkpoint does not hold; "
                f"closest entry names: {closest(name, entries)}"
            )

    if mapping is None:
        mapping = {}
    consumed = set()
    if callable(mapping) and not isinstance(mapping, Mapping):
        rename = mapping
        for name in entries:
            target = rename(name)
            consumed.add(name)
            if target is None:
                dropped.append(name)
            elif target in variables:
                claim(target, Source((Piece(name),), "callable"))
            else:
                unknown.append(name)
        return Assignment(sources, dropped, unknown)
    if not isinstance(mapping, Mapping):
        raise MappingError(
            f"mapping must be a dict (checkpoint name -> variable name) or a callable, "
            f"not {type(mapping).__name__}"
        )

    exact, scopes = {}, {}
    for key, value in mapping.items():
        if isinstance(key, tuple):  # join
            if not isinstance(value, str):
                raise MappingError(f"the joined entries {key!r} must map to one variable name, not {value!r}")
            for name in key:
                need_entry(name, key)
                if name in consumed:
                    raise MappingError(f"the checkpoint entry {name!r} appears twice in the mapping keys")
                consumed.add(name)
            need_variable(value, key)
            claim(value, _join(key, entries, value))
        elif isinstance(key, str) and key.endswith("/"):
            if value is not None and not (isinstance(value, str) and (value.endswith("/") or value == "")):
                raise MappingError(
                    f"the scope {key!r} must map to a scope ending in '/' (or '' or None), "
                    f"not {value!r}"
                )
            if not any(name.startswith(key) for name in entries):
                raise MappingError(
                    f"no checkpoint entry is in the scope {key!r}; closest entry names: "
                    f"{closest(key, entries)}"
                )
            scopes[key] = value
        elif isinstance(key, str):
            need_entry(key, key)
            exact[key] = value
        else:
            raise MappingError(f"mapping keys are entry names (str) or tuples of them, not {key!r}")

    for name, value in exact.items():
        if name in consumed:
            raise MappingError(f"the checkpoint entry {name!r} appears twice in the mapping keys")
        consumed.add(name)
        if value is None:
            dropped.append(name)
        elif isinstance(value, str):
            need_variable(value, name)
            claim(value, Source((Piece(name),), "map"))
        elif isinstance(value, (tuple, list)) and value and all(isinstance(v, str) for v in value):
            for target in value:
                need_variable(target, name)
            for target, piece in zip(value, _split(name, entries[name], value, shapes)):
                claim(target, Source((piece,), "split"))
        else:
            raise MappingError(
                f"the entry {name!r} maps to {value!r}: use a variable name, a tuple of variable "
                f"names (a split along axis 0), or None"
            )

    ordered_scopes = sorted(scopes, key=len, reverse=True)
    identity = []
    for name in entries:
        if name in consumed:
            continue
        scope = next((s for s in ordered_scopes if name.startswith(s)), None)
        if scope is None:
            identity.append(name)
            continue
        if scopes[scope] is None:
            dropped.append(name)
            continue
        target = scopes[scope] + name[len(scope):]
        if target in variables:
            claim(target, Source((Piece(name),), "scope"))
        else:
            unknown.append(name)
    for name in identity:
        if name in variables and name not in partitions:
            claim(name, Source((Piece(name),), "name"))
        elif not any(full == name for full, _, _ in partitions.values()):
            unknown.append(name)
    # Parts of partitioned variables read their slice of the whole saved entry.
    for variable, (full, spec, rows) in partitions.items():
        if variable not in sources and full in entries and full not in consumed:
            claim(variable, Source((Piece(full, spec, rows),), "partition"))
    return Assignment(sources, dropped, unknown)


def _join(names: Sequence[str], entries: Mapping[str, Entry], target: str) -> Source:
    if len(names) < 2:
        raise MappingError(f"a tuple key joins two or more entries; {names!r} -> {target!r} has {len(names)}")
    return Source(tuple(Piece(name) for name in names), "join")


def _split(name: str, entry: Entry, targets: Sequence[str], shapes) -> List[Piece]:
    """One slice of ``entry`` along axis 0 per target variable, sized by the variable."""
    if not entry.shape:
        raise MappingError(f"the entry {name!r} is a scalar: it cannot be split into {list(targets)}")
    pieces, start = [], 0
    for target in targets:
        shape = shapes.get(target)
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
