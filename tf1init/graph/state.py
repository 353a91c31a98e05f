"""What tf1init remembers about a graph, and about each session that runs it.

Two small records instead of parallel dictionaries: ``GraphState`` holds what reading the
graph found (each variable's ``InitialValue``, the sources registered by
``tf1init.initialized_value``, the is-initialized flags, the plans of calls already made),
``SessionState`` what a session has been given (cached callables, how far tf1init's runs have
loaded the graph). Each is an attribute of its graph or session, so it lives exactly as long
as that object and nothing is rebuilt on repeated calls.
"""
import threading
from dataclasses import dataclass, field
from typing import Callable, Dict, FrozenSet, Tuple


@dataclass(frozen=True)
class InitialValue:
    """What running one variable's initializer needs, found by walking its ops.

    The walk stops at variables (``reads``), at ``tf1init.initialized_value`` tensors
    (``sources``: their value may be fed instead of computed), and at placeholders."""

    reads: FrozenSet[str]          # variables whose value it reads
    sources: FrozenSet[str]        # variables whose tf1init.initialized_value() it uses
    draws: FrozenSet[str]          # stateful random ops it runs (each run draws anew)
    random_ops: Tuple[str, ...]    # random ops a seed= reseeds, in creation order
    placeholders: FrozenSet[str]   # Placeholder ops it needs fed


@dataclass
class GraphState:
    initial_values: Dict[str, InitialValue] = field(default_factory=dict)
    # op name of an initialized_value() tensor -> name of the variable it stands for
    derived: Dict[str, str] = field(default_factory=dict)
    # variable name -> its initialized_value() tensor (one per variable)
    derived_tensors: Dict[str, object] = field(default_factory=dict)
    # variable name -> scalar bool tensor, True once the variable holds a value
    flags: Dict[str, object] = field(default_factory=dict)
    # (ids of a call's variables, ids of its feeds) -> what that call runs, worked out once
    plans: Dict[Tuple, object] = field(default_factory=dict)
    # ids of a set of variables -> how to ask which of them hold a value, worked out once
    questions: Dict[Tuple, object] = field(default_factory=dict)


@dataclass
class SessionState:
    # what a run fetches, feeds and targets -> the callable TF made for it
    callables: Dict[Tuple, Callable] = field(default_factory=dict)
    # graph.version when tf1init last ran in this session: the session has loaded every op up
    # to it, with the attributes (seeds) those ops had then
    loaded_version: int = -1


_LOCK = threading.Lock()
_ATTRIBUTE = "_tf1init_state"  # our own attribute on TensorFlow's Graph and Session objects


def _state(owner, make):
    state = getattr(owner, _ATTRIBUTE, None)
    if state is None:
        with _LOCK:
            state = getattr(owner, _ATTRIBUTE, None)
            if state is None:
                state = make()
                setattr(owner, _ATTRIBUTE, state)
    return state


def state_of(graph) -> GraphState:
    """The (new or remembered) state for ``graph``."""
    return _state(graph, GraphState)


def session_state(session) -> SessionState:
    """The (new or remembered) state for a plain ``tf.compat.v1.Session``."""
    return _state(session, SessionState)
