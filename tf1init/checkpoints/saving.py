"""Save TF1 checkpoints so that a process killed mid-save never leaves a broken latest checkpoint.

A plain ``tf.compat.v1.train.Saver.save`` updates the ``checkpoint`` state file before it writes
the ``.meta`` file and deletes old checkpoints before that too; a kill in that window leaves the
state naming a checkpoint whose meta graph does not exist. Overwriting one prefix (no
``global_step``) replaces ``.data`` and ``.index`` one after the other. :class:`AtomicSaver`
writes every file of the new checkpoint in a staging folder next to the checkpoints, fsyncs them,
renames them into place and only then replaces the state file (see ``_atomic``); checkpoints
beyond ``max_to_keep`` are deleted after that. A later save removes what a killed one left.
:class:`AtomicV1Saver` is the same save behind a ``Saver`` object, for the code that calls
``saver.save`` itself (``MonitoredTrainingSession``'s checkpoint hook).
"""
import numbers
import os
import time
import weakref
from typing import Optional

from tf1init._tf import v1
from tf1init.checkpoints import _atomic
from tf1init.session.sessions import as_session
from tf1init.graph.selection import select_variables, variable_name

DEFAULT_NAME = "model.ckpt"


def checkpoint_prefix(directory_or_prefix) -> str:
    """The prefix a save writes: a folder (existing, or spelled with a trailing slash) gets ``model.ckpt``."""
    path = os.fspath(directory_or_prefix)
    if path.endswith(("/", os.sep)) or os.path.isdir(path):
        return os.path.join(path, DEFAULT_NAME)
    return path


class AtomicSaver:
    """A ``tf.compat.v1.train.Saver`` whose ``save`` is all-or-nothing.

    Build it once (it adds the save and restore ops to the graph), then call ``save`` as often as
    needed. ``max_to_keep`` keeps the newest checkpoints listed in the state file (``None`` or
    0: keep all); checkpoints already listed by an earlier process count too. ``durable=False``
    skips the fsyncs (still safe against a killed process, not against a power cut).
    ``saver.restore`` and ``tf.train.latest_checkpoint`` read the result as usual.

        >>> import tempfile
        >>> import tf1init
        >>> import tensorflow as tf; v1 = tf.compat.v1
        >>> graph = tf.Graph()
        >>> with graph.as_default():
        ...     w = v1.Variable([1.0, 2.0], name="w")
        ...     saver = tf1init.AtomicSaver(max_to_keep=2)
        >>> session = v1.Session(graph=graph)
        >>> _ = tf1init.initialize_all(session)
        >>> folder = tempfile.mkdtemp()
        >>> for step in range(3):
        ...     prefix = saver.save(session, folder, global_step=step)
        >>> prefix == v1.train.latest_checkpoint(folder), os.path.basename(prefix)
        (True, 'model.ckpt-2')
        >>> sorted(name for name in os.listdir(folder) if name.endswith(".index"))
        ['model.ckpt-1.index', 'model.ckpt-2.index']
    """

    def __init__(self, var_list=None, *, max_to_keep: Optional[int] = 5, latest_filename: str = "checkpoint",
                 durable: bool = True, saver=None, **saver_kwargs):
        if max_to_keep is not None and max_to_keep < 0:
            raise ValueError(f"max_to_keep must be None, 0 (keep all) or positive, got {max_to_keep!r}")
        if latest_filename != os.path.basename(latest_filename) or latest_filename in ("", ".", ".."):
            raise ValueError(f"latest_filename must be a plain file name, got {latest_filename!r}")
        given = getattr(saver, "saver_def", None)
        check_saver_options(saver_kwargs if given is None else {
            "keep_checkpoint_every_n_hours": given.keep_checkpoint_every_n_hours})
        self.saver = saver if saver is not None else v1.train.Saver(
            var_list=var_list, max_to_keep=max_to_keep or 0, **saver_kwargs
        )
        self.max_to_keep = max_to_keep
        self.latest_filename = latest_filename
        self.durable = durable

    def save(self, session, directory_or_prefix, global_step=None, *, write_meta_graph: bool = True) -> str:
        """Write a checkpoint and make it the latest; return its prefix (``<prefix>-<step>`` with a step).

        A folder gets the prefix ``<folder>/model.ckpt``; a missing parent folder is created.
        If anything fails (or the process dies), the previous latest checkpoint stays the latest
        and nothing it needs is touched. Processes saving into one folder at once take turns
        (a file lock) for the short commit; with a ``global_step``, checkpoints
        ``<prefix>-<step>`` that no state file lists are listed again or evicted under
        ``max_to_keep``, never other files.
        """
        if session is not None:
            session = as_session(session)
        prefix = checkpoint_prefix(directory_or_prefix)
        if not os.path.basename(prefix):
            raise ValueError(f"{directory_or_prefix!r} names no checkpoint prefix")
        family = None
        if global_step is not None:
            if not isinstance(global_step, numbers.Integral):  # a tensor or variable: its value
                with session.graph.as_default():
                    global_step = v1.train.global_step(session, global_step)
            family, prefix = prefix, f"{prefix}-{int(global_step)}"

        def write(staged: str):
            if session is None:  # eager variables (a Saver built with a var_list in eager mode)
                return self.saver.save(None, staged, write_meta_graph=False, write_state=False)
            with session.graph.as_default():
                return self.saver.save(session, staged, write_meta_graph=write_meta_graph, write_state=False)

        kept = _atomic.save(write, prefix, max_to_keep=self.max_to_keep, latest_filename=self.latest_filename,
                            durable=self.durable, family=family)
        return None if kept is None else prefix

    def restore(self, session, prefix) -> None:
        """``Saver.restore`` in the session's graph (no need to enter ``graph.as_default()``)."""
        if session is None:
            self.saver.restore(None, os.fspath(prefix))
            return
        session = as_session(session)
        with session.graph.as_default():
            self.saver.restore(session, os.fspath(prefix))


class AtomicV1Saver(v1.train.Saver):
    """A ``tf.compat.v1.train.Saver`` whose ``save`` commits like :class:`AtomicSaver`'s.

    For the places where TensorFlow wants a Saver object and calls ``saver.save(sess,
    save_path, global_step=..., write_meta_graph=...)`` itself: ``Scaffold(saver=...)`` (so
    ``MonitoredTrainingSession``'s ``CheckpointSaverHook``), ``CheckpointSaverHook(saver=...)``.
    Same arguments and return value as ``Saver.save``; ``max_to_keep`` is kept through the
    state file, shared with other processes saving into the folder; ``last_checkpoints``
    follows it. ``durable=False`` skips the fsyncs.
    """

    def __init__(self, *args, durable: bool = True, **kwargs):
        check_saver_options(kwargs)
        super().__init__(*args, **kwargs)
        self.durable = durable
        self.pad_step_number = bool(kwargs.get("pad_step_number", False))

    def save(self, sess, save_path, global_step=None, latest_filename=None, meta_graph_suffix="meta",
             write_meta_graph=True, write_state=True, strip_default_attrs=False, save_debug_info=False):
        latest_filename = latest_filename or "checkpoint"
        if os.path.split(latest_filename)[0]:
            raise ValueError(f"latest_filename must be a plain file name, got {latest_filename!r}")
        save_path = os.fspath(save_path)
        family = None
        if global_step is not None:
            if not isinstance(global_step, numbers.Integral):
                global_step = v1.train.global_step(sess, global_step)
            step = f"{int(global_step):08d}" if self.pad_step_number else str(int(global_step))
            family, save_path = save_path, f"{save_path}-{step}"
        if not os.path.isdir(os.path.dirname(save_path) or "."):  # as Saver.save: no folder is made
            raise ValueError(f"Parent directory of {save_path} doesn't exist, can't save.")

        def write(staged: str):
            return v1.train.Saver.save(
                self, sess, staged, latest_filename=latest_filename, meta_graph_suffix=meta_graph_suffix,
                write_meta_graph=write_meta_graph, write_state=False,
                strip_default_attrs=strip_default_attrs, save_debug_info=save_debug_info,
            )

        kept = _atomic.save(write, save_path, max_to_keep=self.saver_def.max_to_keep,
                            latest_filename=latest_filename, durable=self.durable, family=family,
                            write_state=write_state)
        if kept is None:
            return None
        if write_state:
            self.set_last_checkpoints_with_time([(p, _saved_at(p)) for p in kept])
        return save_path


def _saved_at(prefix: str) -> float:
    try:
        return os.path.getmtime(prefix + ".index")
    except OSError:
        return time.time()


def check_saver_options(saver_kwargs) -> None:
    """Refuse the Saver options that an atomic save cannot honour, before a graph is built."""
    hours = saver_kwargs.get("keep_checkpoint_every_n_hours")
    if hours is not None and hours < 10000:  # 10000: TF's default, "never"
        raise ValueError(
            f"keep_checkpoint_every_n_hours={hours!r} is not supported by the atomic save (the "
            f"checkpoints it would keep are no longer listed, so a later save would evict them); "
            f"raise max_to_keep, or copy the checkpoints to keep into another folder"
        )


# graph -> {variable names: AtomicSaver}: save_checkpoint builds its save ops once per graph.
_SAVERS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def save_checkpoint(session, directory_or_prefix, *, var_list=None, global_step=None,
                    max_to_keep: Optional[int] = 5, write_meta_graph: bool = True) -> str:
    """Save ``var_list`` (default: every saveable global variable) atomically; return the prefix.

    The function form of :class:`AtomicSaver`: the saver is built on the first call for a graph
    and variable list, and reused (repeated calls add no ops to the graph).
    """
    session = as_session(session)
    graph = session.graph
    variables = select_variables(graph, var_list) if var_list is not None else None
    if var_list is None:
        key = ("*",) + tuple(variable_name(v) for v in graph.get_collection(v1.GraphKeys.GLOBAL_VARIABLES))
        key += (len(graph.get_collection(v1.GraphKeys.SAVEABLE_OBJECTS)),)
    else:
        key = tuple(variable_name(v) for v in variables)
    savers = _SAVERS.setdefault(graph, {})
    saver = savers.get(key)
    if saver is None:
        with graph.as_default():
            saver = savers[key] = AtomicSaver(variables, max_to_keep=max_to_keep)
    saver.max_to_keep = max_to_keep
    return saver.save(session, directory_or_prefix, global_step, write_meta_graph=write_meta_graph)


__all__ = ["AtomicSaver", "AtomicV1Saver", "save_checkpoint", "checkpoint_prefix"]
