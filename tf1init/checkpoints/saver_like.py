"""``tf.train.Saver``'s save and restore, for a ``tf.train.Checkpoint`` (what a lifted TF1 program
saves through, rule TFI109).

A TF1 program saved to a path it chose (``model.ckpt``, or ``model.ckpt-<step>`` with a
``global_step``), kept the last five, and listed them in the folder's ``checkpoint`` file, which
``tf.train.latest_checkpoint`` reads: :func:`saver_save` keeps that layout, writing TF2's
object-based format. :func:`saver_restore` reads both formats: what the lifted program wrote, and
the name-based checkpoints the TF1 program wrote before it was migrated (through
:func:`tf1init.load_into`, matching TF1's variable names: ``weight``, ``Variable``, ``Variable_1``).
"""
import os
from collections.abc import Mapping
from typing import Dict, List, Optional

from tf1init._tf import tf
from tf1init.checkpoints import _atomic
from tf1init.checkpoints.reader import resolve_checkpoint
from tf1init.errors import CheckpointNotFoundError

MAX_TO_KEEP = 5  # tf.train.Saver's default


def saver_save(checkpoint, prefix, global_step=None, max_to_keep: int = MAX_TO_KEEP) -> str:
    """``saver.save(sess, prefix, global_step=...)``: write ``checkpoint`` at ``prefix`` (or
    ``prefix-<step>``), list it as the folder's latest, keep the newest ``max_to_keep``; return
    the path written, as TF1 did. The write is atomic: a crash leaves the previous latest."""
    prefix = os.fspath(prefix)
    if global_step is not None:
        step = int(global_step.numpy() if hasattr(global_step, "numpy") else global_step)
        prefix = f"{prefix}-{step}"
    _atomic.save(checkpoint.write, prefix, max_to_keep=max_to_keep)
    return prefix


def saver_restore(checkpoint, path) -> None:
    """``saver.restore(sess, path)``: every variable of ``checkpoint`` from ``path`` (a prefix or
    a folder, its latest), written by :func:`saver_save` or by a TF1 ``tf.train.Saver``.
    Raises :class:`tf1init.CheckpointMismatchError` (nothing changed) when a variable has no
    entry or another shape."""
    if path is None:
        raise CheckpointNotFoundError("no checkpoint to restore: the path is None (tf.train.latest_checkpoint "
                                      "found none in the folder?)")
    prefix = resolve_checkpoint(path)
    names = {name for name, _ in tf.train.list_variables(prefix)}
    if "_CHECKPOINTABLE_OBJECT_GRAPH" in names:
        checkpoint.read(prefix).assert_existing_objects_matched()
        return
    from tf1init.checkpoints.convert import load_into

    load_into(tf1_names(checkpoint), prefix)


def tf1_names(checkpoint) -> Dict[str, object]:
    """The checkpoint's variables by the names a TF1 graph gave them: each variable's own name,
    made unique in creation order as a graph did (``Variable``, ``Variable_1``, ...)."""
    found: Dict[str, object] = {}
    for variable in _variables(checkpoint):
        base = variable.name[:-2] if variable.name.endswith(":0") else variable.name
        name, n = base, 1
        while name in found:
            name, n = f"{base}_{n}", n + 1
        found[name] = variable
    return found


def _variables(value, seen: Optional[set] = None) -> List[object]:
    """The variables reachable from a checkpoint's attributes, in the order they were given
    (dicts and lists in their own order); optimizers are left out: TF1 named its slots after
    the optimizer, Keras 3 after itself."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return []
    seen.add(id(value))
    if isinstance(value, tf.Variable):
        return [value]
    if isinstance(value, tf.train.Checkpoint):
        items = [v for k, v in vars(value).items() if not k.startswith("_")]
    elif isinstance(value, Mapping):
        items = list(value.values())
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        return []
    return [variable for item in items for variable in _variables(item, seen)]
