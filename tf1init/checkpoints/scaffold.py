"""Restore-or-initialize for ``MonitoredTrainingSession`` and ``SessionManager``.

``SessionManager`` (used by ``MonitoredTrainingSession``) restores with the scaffold's Saver when
a checkpoint exists and then skips ``init_op``: a default Saver fails with NotFoundError on
every variable the checkpoint lacks (a new head, Adam's slots and ``beta1_power``, a
``global_step``), and a Saver limited to the checkpoint's variables leaves the others
uninitialized, so the session fails with "Init operations did not make model ready". This
scaffold routes both paths through :func:`tf1init.restore_or_initialize`: with a checkpoint it
restores what the checkpoint holds and initializes the rest (local and metric variables are
initialized, never restored, unless ``include`` names them); without one it starts from
``checkpoint`` (a pretrained model, if given) or initializes everything, in dependency order.

The scaffold's Saver saves every variable, as TF's default does, but through
:class:`tf1init.checkpoints.saving.AtomicV1Saver`: ``CheckpointSaverHook`` calls it as usual,
and a job killed mid-save leaves the previous checkpoint as the latest and no partial files.
"""
from typing import List, Optional

from tf1init._tf import tf, v1
from tf1init._tf_private import unsafe_unfinalize
from tf1init.checkpoints.restore import restore_or_initialize
from tf1init.checkpoints.saving import AtomicV1Saver, check_saver_options
from tf1init.session.preparation import prepare


class RestoreOrInitializeScaffold(v1.train.Scaffold):
    """A ``tf.compat.v1.train.Scaffold`` whose session restores what it can and initializes the
    rest. ``reports`` collects the :class:`tf1init.RestoreReport` of every session it prepared.

        >>> import tempfile, tf1init
        >>> import tensorflow as tf; v1 = tf.compat.v1
        >>> from tf1init.checkpoints.scaffold import RestoreOrInitializeScaffold
        >>> graph = tf.Graph()
        >>> with graph.as_default():
        ...     w = v1.Variable([1.0, 2.0], name="w")
        ...     step = v1.train.get_or_create_global_step()
        ...     scaffold = RestoreOrInitializeScaffold()
        ...     with v1.train.MonitoredTrainingSession(
        ...             checkpoint_dir=tempfile.mkdtemp(), scaffold=scaffold,
        ...             save_summaries_steps=None, save_summaries_secs=None) as session:
        ...         session.run(w).tolist()
        [1.0, 2.0]
        >>> scaffold.reports[0].initialized
        ('w', 'global_step')
    """

    def __init__(self, checkpoint=None, *, selection=None, mapping=None, include=None,
                 exclude=None, policy: str = "partial", on_mismatch: str = "raise",
                 seed: Optional[int] = None, saver_kwargs=None, **scaffold_kwargs):
        """``checkpoint``: where to start when the session finds no checkpoint of its own (a
        pretrained model; None initializes everything). The other options are those of
        :func:`tf1init.restore_or_initialize`; ``saver_kwargs`` go to the Saver (for example
        ``max_to_keep``, or ``durable=False`` to skip the fsyncs of the atomic save). Other
        keyword arguments go to ``Scaffold``; ``init_op``, ``init_fn`` and ``saver`` are ours
        and refused."""
        for taken in ("init_op", "init_fn", "init_feed_dict", "saver"):
            if taken in scaffold_kwargs:
                raise TypeError(
                    f"RestoreOrInitializeScaffold runs the initialization itself; drop {taken}= "
                    f"(use selection=/include=/exclude= to choose what is restored)"
                )
        self.checkpoint = checkpoint
        self.options = dict(selection=selection, mapping=mapping, include=include,
                            exclude=exclude, policy=policy, on_mismatch=on_mismatch, seed=seed)
        self.saver_kwargs = dict(sharded=True, allow_empty=True, **(saver_kwargs or {}))
        check_saver_options(self.saver_kwargs)
        self.reports: List = []
        super().__init__(init_fn=_init_fn, **scaffold_kwargs)

    def finalize(self):
        """Build our ops, TF's defaults, then finalize the graph (as Scaffold does)."""
        graph = v1.get_default_graph()
        if self._init_op is None:
            self._init_op = tf.no_op(name="tf1init_init")  # the work happens in init_fn
        if self._local_init_op is None:
            # Local variables are initialized by restore_or_initialize; the local init op would
            # re-initialize any that the caller asked to restore. Tables still need theirs.
            self._local_init_op = tf.group(v1.tables_initializer(), name="tf1init_local_init")
        if self._saver is None:
            self._saver = _RestoringSaver(self, **self.saver_kwargs)
        prepare(graph)  # our readiness ops, before the graph is finalized
        return super().finalize()

    def restore_or_initialize(self, session, checkpoint):
        """Run :func:`tf1init.restore_or_initialize` with this scaffold's options.

        Its restore ops are built once per graph and checkpoint layout; on a graph that the
        scaffold already finalized, they are built in a short unfinalized window (as TF itself
        does when it must), so recovering sessions add no op after the first.
        """
        graph = session.graph
        refinalize = graph.finalized
        if refinalize:
            unsafe_unfinalize(graph)  # the one TF hook for this
        try:
            report = restore_or_initialize(session, checkpoint, **self.options)
        finally:
            if refinalize:
                graph.finalize()
        self.reports.append(report)
        return report


def _init_fn(scaffold, session):
    scaffold.restore_or_initialize(session, scaffold.checkpoint)


class _RestoringSaver(AtomicV1Saver):
    """Saves every variable, atomically; restores through the scaffold's restore_or_initialize."""

    def __init__(self, scaffold, **kwargs):
        super().__init__(**kwargs)
        self._scaffold = scaffold

    def restore(self, sess, save_path):
        self._scaffold.restore_or_initialize(sess, save_path)


def restoring_session_creator(checkpoint_dir=None, checkpoint=None, *, master: str = "", config=None,
                    scaffold_kwargs=None, **options):
    """A ``ChiefSessionCreator`` for ``tf.compat.v1.train.MonitoredSession`` that restores the
    latest checkpoint of ``checkpoint_dir`` (else ``checkpoint``, else nothing) and initializes
    the rest. ``options`` are those of :class:`RestoreOrInitializeScaffold`."""
    scaffold = RestoreOrInitializeScaffold(checkpoint, **options, **(scaffold_kwargs or {}))
    return v1.train.ChiefSessionCreator(
        scaffold=scaffold, master=master, config=config, checkpoint_dir=checkpoint_dir
    )
