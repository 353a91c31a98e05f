"""Start a first initialization's set-up before the analysis that proves it right.

Almost every graph initializes in one run, with every initial value replayed (``replay``) and
assigned by the loader (``loader``). Building the loader needs only each variable's dtype,
shape and initializer op, not the analysis of its initial value; so tf1init builds it first,
starts TensorFlow's set-up of the run in the background (``background_run``), and analyses
and replays meanwhile. When the analysis says otherwise (a value that must run in the session,
a dependency between variables, a shape the graph does not know), the set-up is dropped and the
general path runs: correct either way, fast in the common case.

For ``initialize_uninitialized``, the loader is built asking (``loader``): its one run also
returns which variables hold a value, and assigns only if none does (a fresh session); when
some do, only the others are assigned, in a run of their own. A loader built by an earlier
``initialize_all`` cannot ask: the question then runs on its own, before the load.

Many resource variables in a one-device session are loaded through row loops instead
(``row_loop``, ``LoopLoad``), which always ask: a few dozen ops whatever the count, so TF's
set-up and our Python work stay small.
"""
from typing import List, Optional, Sequence

from tf1init._graph_state import state_of
from tf1init.background_run import BackgroundRun
from tf1init.loader import (
    check_slots, loader_feeds, loader_placeholders, loader_slots, loader_targets, single_device, spec_of,
    value_spec,
)
from tf1init.replay import NotReplayable, Replay, replay_allowed
from tf1init.row_loop import loop_feeds, loop_handle_attrs, loop_slots
from tf1init.selection import variable_name


class SpeculativeLoad:
    """The set-up of 'assign every one of ``variables`` from replayed values in one run' (with
    ``ask``: 'assign those that hold no value'), started now."""

    def __init__(self, session, variables: Sequence, specs, slots, *, ask: bool = False, checks=None,
                 load_run: Optional[BackgroundRun] = None):
        self._begin(session, variables, specs, slots)
        self.checks = checks
        self.asks_in_run = ask and checks is None
        self.check_run = None
        if checks is not None:  # the question in a run of its own, first: it must run before the load
            self.flag_tensors = list({c[0]: None for c in checks})
            self.check_run = BackgroundRun(session, [], self.flag_tensors, [])
        elif self.asks_in_run:  # each batch's gate asks: it loads only if none of it holds a value
            self.flag_tensors = list({slot.flags: None for slot in slots})
        else:
            self.flag_tensors = []
        self.placeholders = loader_placeholders(slots, ask=self.asks_in_run)
        self.load_run = self._started_or_new(load_run, self.flag_tensors if self.asks_in_run else [],
                                             loader_targets(slots))

    def _begin(self, session, variables: Sequence, specs, slots) -> None:
        self.session = session
        self.variables = list(variables)
        self.specs = specs
        self.slots = slots
        self.replay = None
        self.names: List[str] = []  # the variables' names, once ``applies`` has read them

    def _started_or_new(self, load_run: Optional[BackgroundRun], fetches, targets) -> BackgroundRun:
        """``load_run`` (started by name when the ops were imported) if it feeds
        ``self.placeholders`` in order; else a new BackgroundRun of this load."""
        if load_run is not None and load_run.feed_names != [p.name for p in self.placeholders]:
            load_run.abandon()  # not the order the feeds are filled in (never expected)
            load_run = None
        if load_run is None:
            load_run = BackgroundRun(self.session, self.placeholders, fetches, targets)
        return load_run

    def abandon(self) -> None:
        for run in (self.check_run, self.load_run):
            if run is not None:
                run.abandon()

    def applies(self, order) -> bool:
        """Whether the analysis agrees: one layer, every value replayable, nothing shared."""
        state = state_of(self.session.graph)
        self.names = names = [variable_name(v) for v in self.variables]  # read here, off the critical path
        return len(order) == 1 and all(
            state.plans.get(n) is not None and not state.shares[n] and not state.reads[n] for n in names
        )

    def values(self) -> Optional[List]:
        """The replayed initial values, or None if one cannot be replayed exactly."""
        state = state_of(self.session.graph)
        self.replay = Replay(self.session)
        try:
            values = self.replay.values([state.plans[variable_name(v)] for v in self.variables])
        except NotReplayable:
            return None
        if any(spec_of(v) != spec for v, spec in zip(values, self.specs)):
            return None
        return values

    def load(self, values) -> None:
        """Assign every variable its value."""
        stacks = loader_feeds(self.slots, values)
        self.load_run.run([stacks[p] for p in self.placeholders])

    def load_uninitialized(self, values) -> List[int]:
        """Assign the variables that hold no value; return their indexes."""
        if self.asks_in_run:
            stacks = loader_feeds(self.slots, values, ask=True)
            fetched = dict(zip(self.flag_tensors, self.load_run.run([stacks[p] for p in self.placeholders])))
            todo = [i for i, slot in enumerate(self.slots) if not fetched[slot.flags][slot.flag_row]]
            # A batch whose gate stayed shut (some of it holds a value) assigned nothing.
            shut = {flags for flags, values in fetched.items() if values.any()}
            left = [i for i in todo if self.slots[i].flags in shut]
        else:
            fetched = dict(zip(self.flag_tensors, self.check_run.run([])))
            todo = [i for i, (flags, row, _) in enumerate(self.checks) if not fetched[flags][row]]
            if len(todo) == len(self.variables):
                self.load(values)
                return todo
            self.load_run.abandon()
            left = todo
        if left:
            slots = [self.slots[i] for i in left]
            feeds = loader_feeds(slots, [values[i] for i in left])
            self.session.run(loader_targets(slots), feed_dict=feeds)
        return todo


class LoopLoad(SpeculativeLoad):
    """The same through row loops (``row_loop``): each batch's run asks first, and assigns only
    if none of the batch holds a value; the rest of a batch where one did is forced after."""

    def __init__(self, session, variables: Sequence, specs, slots, *, load_run: Optional[BackgroundRun] = None):
        self._begin(session, variables, specs, slots)
        self.check_run = None
        self.batches = list({slot.batch: None for slot in slots})
        self.flag_tensors = [batch.flags for batch in self.batches]
        self.placeholders = [t for batch in self.batches for t in (batch.values, batch.rows)]
        self.load_run = self._started_or_new(load_run, self.flag_tensors, [b.done for b in self.batches])

    def load(self, values) -> None:
        self._load(values, only_uninitialized=False)

    def load_uninitialized(self, values) -> List[int]:
        return self._load(values, only_uninitialized=True)

    def _load(self, values, only_uninitialized: bool) -> List[int]:
        """The prepared run, then a forced one for the batches where one held a value (they
        assigned nothing); the indexes of the variables assigned."""
        feeds = loop_feeds(self.slots, values, force=False)
        fetched = dict(zip(self.batches, self.load_run.run([feeds[p] for p in self.placeholders])))
        todo = [i for i, slot in enumerate(self.slots)
                if not (only_uninitialized and fetched[slot.batch][slot.member])]
        left = [i for i in todo if fetched[self.slots[i].batch].any()]
        if left:
            slots = [self.slots[i] for i in left]
            self.session.run(list({slot.batch.done: None for slot in slots}),
                             feed_dict=loop_feeds(slots, [values[i] for i in left], force=True))
        return todo


def speculate(session, variables: Sequence, *, check: bool = False) -> Optional[SpeculativeLoad]:
    """A started SpeculativeLoad, or None where it cannot apply (no replay on this session,
    a shape the graph does not know, a finalized graph). ``check``: for
    ``load_uninitialized``."""
    if not variables or not replay_allowed(session):
        return None
    specs = [value_spec(v) for v in variables]
    if any(spec is None for spec in specs):
        return None
    started: List[BackgroundRun] = []

    def start(names) -> None:  # a new batch of exactly these variables: its set-up starts now
        started.append(BackgroundRun.by_name(session, *names.run()))

    load = None
    try:
        one_device = single_device(session)
        ops = [v.op for v in variables]
        attrs = loop_handle_attrs(ops, specs) if one_device else None
        if attrs is not None:
            slots = loop_slots(session.graph, ops, specs, attrs, when_imported=start)
            if slots is None:
                return None
            load = LoopLoad(session, variables, specs, slots, load_run=started[0] if started else None)
            return load
        slots = loader_slots(session.graph, variables, specs, ask=check, shared_handles=one_device,
                             when_imported=start)
        if slots is None:
            return None
        checks = None
        if check and not all(slot.flags is not None for slot in slots):  # loader built by an earlier call
            checks = check_slots(session.graph, variables)
            if checks is None:  # a variable kind with no is-initialized op
                return None
        load = SpeculativeLoad(session, variables, specs, slots, ask=check, checks=checks,
                               load_run=started[0] if started else None)
        return load
    finally:
        if load is None:  # refused or failed: no set-up outlives the call
            for run in started:
                run.abandon()
