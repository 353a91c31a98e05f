"""Whether variables hold a value, in one run, on any graph, finalized or not.

Each variable gets one scalar bool tensor: the one TensorFlow already built (a resource
variable's ``VarIsInitializedOp``, the ``IsVariableInitialized`` ops of a
``MonitoredTrainingSession`` scaffold's ready op), else one tf1init builds once. A finalized
graph without any (a ref variable that nothing ever asked about) is asked by reading the
variable itself: one run per such variable, slower but correct; ``tf1init.prepare(graph)``
before ``graph.finalize()`` avoids it.
"""
from typing import List, Optional, Sequence

from tf1init._tf import tf, v1
from tf1init.graph.selection import variable_name
from tf1init.graph.state import state_of
from tf1init.session.runs import GROUP_ABOVE, run

_FLAG_OPS = frozenset({"IsVariableInitialized", "VarIsInitializedOp"})


def _existing_flag(variable):
    for consumer in variable.op.outputs[0].consumers():
        if consumer.type in _FLAG_OPS and not consumer.control_inputs:
            return consumer.outputs[0]
    return None


def flag_of(variable) -> Optional[object]:
    """The scalar bool tensor that says whether ``variable`` holds a value (found or built
    once per graph), or None on a finalized graph that has none."""
    state = state_of(variable.graph)
    name = variable_name(variable)
    tensor = state.flags.get(name)
    if tensor is None:
        tensor = _existing_flag(variable)
        if tensor is None:
            graph = variable.graph
            if graph.finalized:
                return None
            with graph.as_default(), graph.control_dependencies(None), graph.name_scope(None):
                tensor = v1.is_variable_initialized(variable)
        state.flags[name] = tensor
    return tensor


class _Question:
    """How one set of variables is asked, worked out once: one stacked flag tensor (one fetch,
    one array back, where thousands of scalar fetches cost TF's Python fetch handling more than
    the run), or the flags themselves on a finalized graph."""

    def __init__(self, variables):
        self.variables = list(variables)  # held, so the ids in the cache key stay theirs
        self.flags = [flag_of(v) for v in self.variables]
        asked = [f for f in self.flags if f is not None]
        graph = self.variables[0].graph
        self.stacked = None
        if len(asked) == len(self.flags) > GROUP_ABOVE and not graph.finalized:
            with graph.as_default(), graph.control_dependencies(None), graph.name_scope(None):
                self.stacked = tf.stack(asked, name="tf1init_is_initialized")
        self.asked = asked


def initialized_flags(session, variables: Sequence) -> List[bool]:
    """For each variable, whether it holds a value in ``session`` (one run, cached)."""
    if not variables:
        return []
    state = state_of(session.graph)
    key = tuple(map(id, variables))
    question = state.questions.get(key)
    if question is None:
        question = state.questions[key] = _Question(variables)
    if question.stacked is not None:
        return run(session, fetches=[question.stacked])[0].tolist()
    values = iter(run(session, fetches=question.asked)) if question.asked else iter(())
    return [bool(next(values)) if f is not None else _holds_value(session, v)
            for v, f in zip(question.variables, question.flags)]


def _holds_value(session, variable) -> bool:
    """Read the variable: TensorFlow refuses an uninitialized one (finalized graphs only)."""
    try:
        session.run(variable)
    except tf.errors.FailedPreconditionError:
        return False
    return True
