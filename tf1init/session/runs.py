"""One place where tf1init runs ops in a session: through callables made once per session.

``session.run`` rebuilds its fetch handling in Python on every call (about 15 ms for a few
hundred initializers); a callable made once with ``Session.make_callable`` and kept for the
session's life costs what running the init op itself costs. The session also keeps the
attributes (random seeds) of every op that existed when it first ran, so each run records how
far the session has loaded the graph (``SessionState.loaded_version``).
"""
from typing import Dict, List, Sequence

from tf1init.graph.state import session_state


def run(session, fetches: Sequence = (), targets: Sequence = (), feeds: Dict = None) -> List:
    """Values of ``fetches`` after running them with ``targets`` and ``feeds`` (tensor -> value)
    in one ``session`` run."""
    feeds = feeds or {}
    if not fetches and not targets:
        return []
    feed_tensors = list(feeds)
    key = (
        tuple(t.name for t in fetches),
        tuple(op.name for op in targets),
        tuple(t.name for t in feed_tensors),
    )
    state = session_state(session)
    call = state.callables.get(key)
    if call is None:
        call = session.make_callable(list(fetches) + list(targets), feed_list=feed_tensors or None)
        state.callables[key] = call
    state.loaded_version = max(state.loaded_version, session.graph.version)
    values = call(*[feeds[t] for t in feed_tensors])
    return list(values[:len(fetches)])

