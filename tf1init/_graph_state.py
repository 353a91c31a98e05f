"""What tf1init remembers about each graph, so that repeated calls build no new ops.

Building `global_variables_initializer()` in a loop grows the graph on every call (FACTS.md);
our calls build their ops once per graph and variable set, keep them here, and reuse them.
The state lives as long as the graph does (weak keys).
"""
import threading
import weakref
from typing import Dict


class GraphState:
    """Ops and analysis tf1init has built for one graph."""

    def __init__(self):
        # variable name -> names of the variables its initial value reads
        self.reads: Dict[str, frozenset] = {}
        # variable name -> names of the stateful random ops that make its initial value
        self.random_ops: Dict[str, tuple] = {}
        # variable name -> names of every op its initial value runs
        self.ops_of: Dict[str, frozenset] = {}
        # variable name -> names of registered sources whose initial value it is made from
        self.shares: Dict[str, frozenset] = {}
        # initial-value op name -> name of the variable registered by initialized_value()
        self.source_ops: Dict[str, str] = {}
        # variable name -> its initial value as drawn by tf1init's last initialization of it
        self.drawn: Dict[str, object] = {}
        # variable name -> a bool tensor that is True once the variable holds a value
        self.is_initialized: Dict[str, object] = {}
        # variable name -> how to compute its initial value outside the session (a
        # replay.Plan), or None when it must run in the session (reads a variable, a feed...)
        self.plans: Dict[str, object] = {}
        # op name -> replay.Node: the ops that plans evaluate, shared between variables
        self.nodes: Dict[str, object] = {}
        # (variable name, (dtype, shape), shared handle) -> its Slot in the bulk loader
        # (loader.py); ("row loop", variable name, (dtype, shape)) -> its LoopSlot (row_loop.py)
        self.loader_slots: Dict[tuple, tuple] = {}
        # variable name -> (stacked flags tensor, row, own flag tensor) (loader.py)
        self.check_slots: Dict[str, tuple] = {}
        # session -> {random op name: draws tf1init replayed in that session}
        self.draws = weakref.WeakKeyDictionary()
        # (variable count, {initial-value op name -> variable name}) for every variable
        self.initial_ops = None

    @property
    def source_names(self):
        return set(self.source_ops.values())


_STATES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def state_of(graph) -> GraphState:
    """The (new or remembered) state for ``graph``."""
    with _LOCK:
        state = _STATES.get(graph)
        if state is None:
            state = _STATES[graph] = GraphState()
        return state
