"""Errors tf1init raises. Each message names the variable(s) and says how to fix the problem.

This module never imports TensorFlow, so the codemods and the command line can use it.
"""
import difflib
from typing import Iterable, List, Sequence


class Tf1initError(Exception):
    """Base class of every error tf1init raises on purpose."""


class SelectionError(Tf1initError, ValueError):
    """A selection names something that is not a variable of the graph."""


class ForeignGraphError(Tf1initError, ValueError):
    """A variable belongs to a different graph than the session's."""


class SessionClosedError(Tf1initError, RuntimeError):
    """The session was closed before tf1init was asked to use it."""


class DependencyCycleError(Tf1initError, ValueError):
    """Variables whose initial values read each other in a cycle: no order can initialize them."""


class UninitializedVariablesError(Tf1initError, RuntimeError):
    """Variables that a run needs are not initialized (raised before TF's FailedPreconditionError)."""

    def __init__(self, message: str, variables: Sequence[str] = ()):
        super().__init__(message)
        self.variables = tuple(variables)


class NotASessionError(Tf1initError, TypeError):
    """Something that is not a session was passed where tf1init runs ops (a Graph, an eager
    variable, None...); the message says what to pass instead."""


class NotGraphModeError(Tf1initError, TypeError):
    """An eager (TF2) variable was passed: it holds its value from creation and has no
    initializer to run in a session."""


class UnfedPlaceholderError(Tf1initError, ValueError):
    """An initial value reads a placeholder that nothing feeds; ``variables`` are the variables
    whose initial value needs it, ``placeholders`` the placeholders' names."""

    def __init__(self, message: str, variables: Sequence[str] = (), placeholders: Sequence[str] = ()):
        super().__init__(message)
        self.variables = tuple(variables)
        self.placeholders = tuple(placeholders)


class SeedTooLateError(Tf1initError, RuntimeError):
    """``seed=`` would change the seeds of random ops this session has already run: TensorFlow
    keeps the attributes a session first saw, so the new seed would be silently ignored."""


def closest(name: str, candidates: Iterable[str], n: int = 5) -> List[str]:
    """The candidates that look most like ``name``, best first (for 'did you mean' messages)."""
    candidates = list(candidates)
    found = difflib.get_close_matches(name, candidates, n=n, cutoff=0.5)
    if len(found) < n:
        # A scope typo ('dense1/' for 'dense_1/') scores low as a whole name: also match prefixes.
        prefix = name.split("/")[0]
        found += [c for c in candidates if c.startswith(prefix) and c not in found][: n - len(found)]
    return found


# --- initializer catalogue (tf1init.catalogue) ---


class UnknownInitializerError(Tf1initError, ValueError):
    """A name that is not an initializer spelling the catalogue knows (the message lists the closest)."""


class Untranslatable(Tf1initError):
    """No exact Keras 3 form exists for this TF1 initializer call; ``reason`` says what a person must decide."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class FanError(Tf1initError, ValueError):
    """A shape has no valid fan-in/fan-out (a scalar, or a dimension of size zero)."""


class UnsupportedDtypeError(Tf1initError, TypeError):
    """A dtype an initializer cannot draw (the message lists the dtypes that work)."""


class UnknownActivationError(Tf1initError, ValueError):
    """An activation the recommendation table does not know (the message lists the closest)."""


# --- weight statistics and the initialization doctor (tf1init.observe.stats, tf1init.doctor) ---


class DoctorInputError(Tf1initError, ValueError):
    """The doctor cannot read what it was given; the message says what it expected instead."""


# --- checkpoints (tf1init.checkpoints) ---


class CheckpointError(Tf1initError):
    """Base class of the checkpoint errors: something about a checkpoint on disk or its use."""


class CheckpointNotFoundError(CheckpointError, FileNotFoundError):
    """No checkpoint at the path given (the message says what was expected there)."""


class CorruptCheckpointError(CheckpointError, ValueError):
    """A checkpoint file is damaged: an unreadable ``.index``, a missing or truncated ``.data``
    shard, or bytes damaged in place that TensorFlow's CRC check finds while it reads."""


class CheckpointMismatchError(CheckpointError, ValueError):
    """The checkpoint does not fit the graph: shape or dtype mismatches (unless accepted with
    ``on_mismatch="initialize"``), missing or unused entries under a strict policy, or a
    checkpoint of a different model.

    ``mismatches`` holds the offending items (see ``RestoreReport``), so callers can inspect
    them without parsing the message.
    """

    def __init__(self, message: str, mismatches: Sequence = ()):
        super().__init__(message)
        self.mismatches = tuple(mismatches)


class MappingError(CheckpointError, ValueError):
    """A name mapping that cannot be applied: two entries for one variable, a target that is
    not a variable of the graph, or a form it does not take."""


class FinalizedGraphError(CheckpointError, RuntimeError):
    """Restore ops are needed but the graph is finalized (call prepare_restore before finalizing)."""


# --- pitfalls (issue 7): TF errors translated by tf1init.session.explain_errors ---


class NotInCheckpointError(CheckpointError, LookupError):
    """Variables of the graph that the checkpoint does not hold (new head, optimizer slots...)."""

    def __init__(self, message: str, variables: Sequence[str] = (), checkpoint: str = ""):
        super().__init__(message)
        self.variables = tuple(variables)
        self.checkpoint = checkpoint


class CheckpointShapeError(CheckpointMismatchError):
    """A checkpoint tensor whose shape differs from the variable a raw Saver restored it into."""

    def __init__(self, message: str, variables: Sequence[str] = ()):
        super().__init__(message)
        self.variables = tuple(variables)


class ArrayNotFedError(Tf1initError, RuntimeError):
    """An initializer of a variable made by ``variable_from_array`` ran without its array."""

    def __init__(self, message: str, variables: Sequence[str] = ()):
        super().__init__(message)
        self.variables = tuple(variables)
