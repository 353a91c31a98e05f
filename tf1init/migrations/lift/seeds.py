"""The op seeds TF 1.x gave the program's random ops (counted by ``tf1_op_ids``), and where they
go in the lifted text: a ``seed=`` on each draw, a ``seed`` parameter on a function that draws."""
import ast
from typing import Dict, List, Set

from .program import NotLiftable, keyword
from .source import Edit
from .state import State, defs_of
from .tf1_op_ids import Uncountable, unseeded_random_calls, op_seeds


def program_seeds(state: State) -> Dict[object, int]:
    """The op seed TF 1.x gave each random op drawn without one: keyed by id() of the call, or by
    (id(call of a function of the file), id(the random call in its body)); {} without a graph
    seed."""
    program = state.program
    _initializer_draws(state)
    _shared_draws(state)
    if program.seed is None:
        return {}
    order = [stmt for kind, stmt, _ in state.items
             if kind in ("placeholder", "variables", "def", "train", "gradients", "optimizer", "init", "seed")]
    graph = program.graph_names()
    functions = {stmt.name: stmt for kind, stmt, _ in state.items if kind in ("factory", "function")}
    statements = order[order.index(program.seed):]
    try:
        seeds = op_seeds(statements, program.name_of, lambda name: name in graph, functions=functions)
    except Uncountable as error:
        raise NotLiftable(error.node, f"the op seeds TF 1.x gave cannot be told: {error}")
    in_variables = {id(node) for stmt in program.variables for node in ast.walk(stmt)}
    def_of = {id(node): d for d in program.def_order for node in ast.walk(d.stmt)}
    inner: Dict[int, Set[int]] = {}  # function -> the random calls in its body that need a seed
    for key in seeds:
        site = key[0] if isinstance(key, tuple) else key
        if isinstance(key, tuple):
            owner = next((f for f in functions.values() if any(id(n) == key[1] for n in ast.walk(f))), None)
            if owner is None:
                raise NotLiftable(None, "a random op in a function called from another function")
            inner.setdefault(id(owner), set()).add(key[1])
        if site in in_variables:
            continue
        d = def_of.get(site)
        if d is None:
            raise NotLiftable(None, "a random op outside the variables and the graph's tensors")
        users = [g.function for g in state.groups.values() if d in defs_of(state, g)]
        if len(users) > 1:
            raise NotLiftable(d.stmt, f"a random op that both {users[0]}() and {users[1]}() run: TF 1.x drew "
                                      "from one op, its eager form would draw from two")
    for function in functions.values():
        drawn = unseeded_random_calls(function.body, program.name_of)
        if len(drawn) > len(inner.get(id(function), ())):
            raise NotLiftable(drawn[0], f"{function.name}() draws at each call: the op seeds TF 1.x gave its "
                                        "draws cannot be told")
        if len(inner.get(id(function), ())) > 1:
            raise NotLiftable(function, f"{function.name}() draws from several random ops: one seed "
                                        "parameter cannot give each the op seed TF 1.x gave it")
    state.seeded_functions = {id(f) for f in functions.values() if id(f) in inner}
    return seeds


def _draws(program, call, functions) -> bool:
    """Is this call a stateful random op (or a call of one of the file's functions that makes one)?"""
    name = program.name_of(call) or ""
    if name.startswith(("tf.random", "tf.truncated_normal", "tf.multinomial")) or name == "tf.nn.dropout":
        return not name.endswith(("set_seed", "set_random_seed")) and ".stateless" not in name
    return isinstance(call.func, ast.Name) and call.func.id in functions


def _shared_draws(state: State) -> None:
    """One random op whose numbers two kinds of run draw: TF 1.x drew each run's numbers from that
    op's one stream, two functions would each draw from a stream of their own. Only where TF 1.x's
    draws were fixed (a graph seed, or the op's own seed) does it matter; then it keeps the file
    in graph mode."""
    program = state.program
    bodies = {stmt.name: stmt for kind, stmt, _ in state.items if kind in ("factory", "function")}
    drawing = set()
    for _ in range(len(bodies) + 1):  # functions that call functions that draw
        drawing |= {name for name, body in bodies.items()
                    if any(isinstance(c, ast.Call) and _draws(program, c, drawing) for c in ast.walk(body))}
    for d in program.def_order:
        calls = [c for c in ast.walk(d.stmt) if isinstance(c, ast.Call) and _draws(program, c, drawing)]
        fixed = program.seed is not None or any(keyword(c, "seed") is not None for c in calls)
        if not calls or not fixed:
            continue
        users = [g.function for g in state.groups.values() if d in defs_of(state, g)]
        if len(users) > 1:
            raise NotLiftable(calls[0], f"a random op that both {users[0]}() and {users[1]}() run: TF 1.x drew "
                                        "from one op, its eager form would draw from two")


def _initializer_draws(state: State) -> None:
    """Variables drawn by an initializer object (``get_variable``'s, a contrib or Keras one) with
    a seed TF 1.x fixed (a graph seed, or the initializer's own): TF2's eager initializers draw
    other numbers for the same seed, so the lifted program could not start where TF 1.x did."""
    program = state.program
    bodies = program.variables + [stmt for kind, stmt, _ in state.items if kind in ("factory", "function")]
    for stmt in bodies:
        for call in ast.walk(stmt):
            if not isinstance(call, ast.Call):
                continue
            name = program.name_of(call) or ""
            seeded = keyword(call, "seed") is not None and not (
                isinstance(keyword(call, "seed"), ast.Constant) and keyword(call, "seed").value is None)
            drawn_by_initializer = name == "tf.get_variable" or "initializer" in name or ".initializers." in name
            if drawn_by_initializer and (seeded or program.seed is not None) and (
                    name != "tf.get_variable" or call in unseeded_random_calls([stmt], program.name_of)):
                if name.endswith(("zeros_initializer", "ones_initializer", "constant_initializer")):
                    continue
                raise NotLiftable(call, f"{name} draws with a seed TF 1.x fixed; TF2's initializers draw other "
                                        "numbers for it, so the values would differ")


def seed_edits(state: State, stmt, seeds: Dict[object, int]) -> List[Edit]:
    """``seed=N`` into each random op call (or call of a function that draws): the op seed TF 1.x
    gave that draw."""
    by_site: Dict[int, int] = {}
    for key, seed in seeds.items():
        by_site[key[0] if isinstance(key, tuple) else key] = seed
    edits = []
    for call in ast.walk(stmt):
        if isinstance(call, ast.Call) and id(call) in by_site:
            edits.append(_add_argument(state, call, f"seed={by_site[id(call)]}"))
    return edits


def _add_argument(state: State, call: ast.Call, text: str) -> Edit:
    end = state.source.offset(call.end_lineno, call.end_col_offset) - 1  # before ")"
    inside = state.source.text[state.source.offset(call.lineno, call.col_offset):end].rstrip()
    sep = "" if inside.endswith("(") else " " if inside.endswith(",") else ", "
    return (end, end, f"{sep}{text}")


def seed_parameter(state: State, function, seeds: Dict[object, int]) -> List[Edit]:
    """A function that draws gets ``seed=None``, passed to its random op: each call then draws
    what TF 1.x drew at that call."""
    if id(function) not in state.seeded_functions:
        return []
    inner = {key[1] for key in seeds if isinstance(key, tuple)}
    call = next(n for n in ast.walk(function) if isinstance(n, ast.Call) and id(n) in inner)
    args = function.args
    last = (args.kwonlyargs or args.args or [None])[-1]
    if args.vararg or args.kwarg or last is None:
        raise NotLiftable(function, f"{function.name}() takes no plain parameters to add a seed to")
    end = state.source.offset(last.end_lineno, last.end_col_offset)
    default = next((d for a, d in zip(reversed(args.args), reversed(args.defaults)) if a is last), None)
    if default is not None:
        end = state.source.offset(default.end_lineno, default.end_col_offset)
    return [(end, end, ", seed=None"), _add_argument(state, call, "seed=seed")]
