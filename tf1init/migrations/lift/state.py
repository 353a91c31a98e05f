"""What the lifter knows while it reads one program (its statements in order, the functions it
will write, one per kind of run, the names it may take), and the small questions every step
asks of it."""
import ast
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

from .program import Def, Program, Train
from .source import Source

INDENT = "    "  # the lifter's own blocks; a file indented otherwise gets its own unit (lifter._unit)


@dataclass
class Group:
    """One kind of ``sess.run``: what it fetches, from which placeholders."""
    function: str
    params: List[str]
    tensors: List[ast.expr]  # fetched tensors (names or inline expressions), in fetch order
    train: Optional[Train]


@dataclass
class Lifted:
    text: str
    functions: List[str]
    notes: List[str] = field(default_factory=list)  # what the lifted program needs that the TF1 one did not


@dataclass
class State:
    program: Program
    source: Source
    handle: str
    resolve: object  # "a.b" as written -> "tf.X", through the file's imports
    session: Optional[str] = None
    groups: Dict[tuple, Group] = field(default_factory=dict)
    taken: Set[str] = field(default_factory=set)
    items: List[Tuple[str, ast.stmt, object]] = field(default_factory=list)
    all_variables: str = ""
    seeded_functions: Set[int] = field(default_factory=set)
    bases: Dict[int, str] = field(default_factory=dict)  # id(statement) -> indentation of its scope
    unit: str = INDENT
    savers: Dict[str, Optional[str]] = field(default_factory=dict)  # Saver name -> max_to_keep text
    feeds: Dict[str, ast.Dict] = field(default_factory=dict)  # feed dicts bound to names
    checkpoint: str = ""  # the tf.train.Checkpoint that replaces the savers
    checkpoint_written: bool = False
    restored: bool = False  # the current session restored a checkpoint after its initializers
    imports: Set[str] = field(default_factory=set)  # `from absl import app` and the like
    seeds: Dict[object, int] = field(default_factory=dict)
    initial_values: str = ""
    sessions: int = 0  # sessions opened so far
    initialized: bool = False  # the current session ran the initializers
    ran: bool = False  # the current session ran something else


def fresh(state: State, base: str) -> str:
    name, n = base, 2
    while name in state.taken:
        name, n = f"{base}_{n}", n + 1
    state.taken.add(name)
    return name


def indent_of(source: Source, stmt: ast.stmt) -> str:
    line = source.lines[stmt.lineno - 1]
    return line[: len(line) - len(line.lstrip())]


def depends_on(program: Program, roots: List[ast.expr]) -> Set[str]:
    """Every graph name the roots depend on (through the graph-building statements)."""
    seen: Set[str] = set()
    stack = [n for root in roots for n in program.uses(root)]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        for d in program.def_order:  # every statement that binds it (`h = tf.reshape(h, ...)`)
            if name in d.binds:
                stack.extend(d.uses)
        g = program.gradients.get(name)
        if g is not None:
            stack.extend(g.uses)
    return seen


def defs_of(state: State, group: Group) -> List[Def]:
    """The graph-building statements a function runs, in program order."""
    program = state.program
    train = group.train
    roots = list(group.tensors) + ([train.loss] if train else [])
    if train is not None and train.applied is not None:
        roots.append(train.applied)
    needed = depends_on(program, roots)
    return [d for d in program.def_order if set(d.binds) & needed]


def inside(node, outer) -> bool:
    if not hasattr(node, "lineno"):
        return True  # Load/Store markers: nothing to check
    return (node is not outer and (node.lineno, node.col_offset) >= (outer.lineno, outer.col_offset)
            and (node.end_lineno, node.end_col_offset) <= (outer.end_lineno, outer.end_col_offset))
