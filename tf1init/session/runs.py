"""One place where tf1init runs ops in a session: through callables made once per session.

``session.run`` rebuilds its fetch handling in Python on every call (about 15 ms for a few
hundred initializers); a callable made once with ``Session.make_callable`` and kept for the
session's life costs what running the init op itself costs. The session also keeps the
attributes (random seeds) of every op that existed when it first ran, so each run records how
far the session has loaded the graph (``SessionState.loaded_version``).
"""
from typing import Dict, List, Sequence

from tf1init.graph.state import session_state

# Above this many fetches or targets a run pays more in TF's Python fetch handling than one
# extra op costs (0.6 s at 5,000 targets): tf1init then builds one op that groups them, once
# per set. Below it, it adds nothing to the graph, so calls with ever-new small selections
# never grow it.
GROUP_ABOVE = 64


def run(session, fetches: Sequence = (), targets: Sequence = (), feeds: Dict = None) -> List:
    """Values of ``fetches`` after running them with ``targets`` and ``feeds`` (tensor -> value)
    in one ``session`` run."""
    feeds = feeds or {}
    if not fetches and not targets:
        return []
    feed_tensors = list(feeds)
    # Graph objects live as long as their graph, so their ids name them (the entry keeps them).
    key = (tuple(map(id, fetches)), tuple(map(id, targets)), tuple(map(id, feed_tensors)))
    state = session_state(session)
    entry = state.callables.get(key)
    if entry is None:
        call = session.make_callable(list(fetches) + list(targets), feed_list=feed_tensors or None)
        entry = state.callables[key] = (call, list(fetches), list(targets), feed_tensors)
    call = entry[0]
    state.loaded_version = max(state.loaded_version, session.graph.version)
    values = call(*[feeds[t] for t in feed_tensors])
    return list(values[:len(fetches)])

