"""TF1 name-based checkpoints into TF2: eager variables, Keras 3 models, object-based checkpoints.

A TF1 checkpoint stores tensors by graph name (``dense/kernel``); TF2 code tracks variables by
object (``model/.../kernel/.ATTRIBUTES/VARIABLE_VALUE``) and Keras 3 names its layers with
global counters (``dense_7``). :func:`load_into` works out which entry feeds which variable,
checks everything (names, shapes, dtypes, a map that aims two entries at one variable) before
any variable changes, and copies the values bit for bit (no casts). :func:`convert_to_object_checkpoint`
then writes what ``tf.train.Checkpoint(...).restore(path).assert_consumed()`` reads, atomically.

Name maps go from checkpoint names to variable names, as ``init_from_checkpoint`` assignment
maps do: ``{"old/name": "new/name"}``, a scope ``{"model/": ""}`` or ``{"bert/": "encoder/"}``
(keys ending in "/"; the longest scope wins, an exact name beats a scope), ``None`` as a value
leaves entries out, or a callable ``checkpoint name -> variable name or None``.
"""
import dataclasses
import os
import re
import shutil
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from tf1init._tf import tf, v1
from tf1init.checkpoints import _atomic
from tf1init.checkpoints.reader import Entry, resolve_checkpoint, verify_checkpoint
from tf1init.errors import CheckpointMismatchError, CorruptCheckpointError, MappingError, closest

# Conventions for naming a Keras model's weights as a TF1 graph did. Each: layer class -> (TF1
# scope base name, Keras weight name -> TF1 variable name). Unlisted classes use the snake_case
# class name and keep the Keras weight names (the tf.compat.v1.layers / Keras 2 convention).
LAYERS = "tf.compat.v1.layers"
KERAS = "Keras layer names"
CONTRIB = "tf.contrib.layers"
GIVEN = "variable names"
_CONTRIB = {
    "Dense": ("fully_connected", {"kernel": "weights", "bias": "biases"}),
    "Conv1D": ("Conv", {"kernel": "weights", "bias": "biases"}),
    "Conv2D": ("Conv", {"kernel": "weights", "bias": "biases"}),
    "Conv3D": ("Conv", {"kernel": "weights", "bias": "biases"}),
    "Conv2DTranspose": ("Conv2d_transpose", {"kernel": "weights", "bias": "biases"}),
    "BatchNormalization": ("BatchNorm", {}),
    "LayerNormalization": ("LayerNorm", {}),
}


@dataclasses.dataclass(frozen=True)
class LoadReport:
    """What :func:`load_into` did: each variable loaded and the entry it came from."""

    checkpoint: str
    convention: str  # how variable names were made: see the module's constants
    loaded: Tuple[Tuple[str, str], ...]  # (variable name, checkpoint entry), in model order
    missing: Tuple[str, ...] = ()  # variables the checkpoint does not feed (strict=False only)
    unused: Tuple[str, ...] = ()  # entries nothing read: optimizer slots, global_step, ...

    def __str__(self) -> str:
        return (f"loaded {len(self.loaded)} variables from {self.checkpoint} ({self.convention}); "
                f"{len(self.missing)} missing, {len(self.unused)} checkpoint entries unused")


# --- the variables of a target, by name --------------------------------------------------


def _snake(name: str) -> str:
    # Keras' own to_snake_case: Dense -> dense, Conv2D -> conv2d, BatchNormalization -> batch_normalization
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _leaf_layers(model) -> List:
    layers = []
    for layer in getattr(model, "layers", None) or [model]:
        if layer is not model and getattr(layer, "layers", None) is not None:
            layers.extend(_leaf_layers(layer))
        elif layer.weights:
            layers.append(layer)
    return layers


def _variable_name(variable) -> str:
    path = getattr(variable, "path", None)  # Keras 3 variables
    if isinstance(path, str):
        return path
    name = variable.name
    return name[:-2] if name.endswith(":0") else name


def _named(pairs, convention: str) -> Dict[str, object]:
    named: Dict[str, object] = {}
    for name, variable in pairs:
        if name in named:
            raise MappingError(
                f"two variables get the name {name!r} ({convention}); pass a dict "
                f"{{checkpoint name: variable}} to say which entry feeds which"
            )
        named[name] = variable
    return named


def keras_tf1_names(model, convention: str = LAYERS) -> Dict[str, object]:
    """The TF1 name of every weight of a Keras model (built), by the default rule.

    Leaf layers are taken in ``model.layers`` order (nested models flattened in place). With
    ``tf.compat.v1.layers`` names, a layer's scope is its class name in snake_case, numbered per
    name in that order as TF1 numbered scopes: ``dense``, ``dense_1``, ``dense_2``;
    ``conv2d``; ``batch_normalization``; and each weight keeps its Keras name (``kernel``,
    ``bias``, ``gamma``, ``beta``, ``moving_mean``, ``moving_variance``, ``embeddings``). So
    the second Dense layer's kernel is ``dense_1/kernel``. With ``tf.contrib.layers`` names,
    Dense is ``fully_connected[_N]/weights`` and ``/biases``, convolutions ``Conv[_N]/weights``,
    batch normalization ``BatchNorm[_N]/...``. With ``Keras layer names``, the layer's own name
    (``dense_7/kernel``).
    """
    layers = _leaf_layers(model)
    if not any(layer.weights for layer in layers):
        raise MappingError(
            f"the model {getattr(model, 'name', model)!r} has no weights yet; build it first "
            f"(call it on an input, or model.build(input_shape))"
        )
    counts: Dict[str, int] = {}
    pairs = []
    for layer in layers:
        kind = type(layer).__name__
        if convention == KERAS:
            scope, rename = layer.name, {}
        else:
            scope, rename = (_CONTRIB.get(kind) if convention == CONTRIB else None) or (_snake(kind), {})
            number = counts.get(scope, 0)
            counts[scope] = number + 1
            scope = scope if number == 0 else f"{scope}_{number}"
        for weight in layer.weights:
            pairs.append((f"{scope}/{rename.get(weight.name, weight.name)}", weight))
    return _named(pairs, convention)


def _candidates(target) -> List[Tuple[str, Dict[str, object]]]:
    """(convention, {name: variable}) for each way of naming the target's variables."""
    if isinstance(target, Mapping):
        for name, variable in target.items():
            if not isinstance(name, str) or not hasattr(variable, "assign"):
                raise TypeError(f"a dict target maps variable names to variables; got {name!r}: {variable!r}")
        return [(GIVEN, dict(target))]
    if isinstance(target, (list, tuple)):
        for variable in target:
            if not hasattr(variable, "assign"):
                raise TypeError(f"expected tf.Variable or Keras variables, got {variable!r}")
        return [(GIVEN, _named([(_variable_name(v), v) for v in target], GIVEN))]
    if isinstance(target, tf.Variable):
        return [(GIVEN, {_variable_name(target): target})]
    if not hasattr(target, "weights"):
        raise TypeError(
            f"load_into needs a Keras model or layer, a list of variables, or a dict "
            f"{{name: variable}}; got {type(target).__name__}"
        )
    found, errors = [], []
    for convention in (LAYERS, CONTRIB, KERAS):
        try:
            found.append((convention, keras_tf1_names(target, convention)))
        except MappingError as error:
            errors.append(error)
    if not found:
        raise errors[0]
    return found


# --- which entry feeds which variable ------------------------------------------------------


def _target_of(name: str, exact: Mapping, scopes: Sequence[Tuple[str, str]], rename) -> Optional[str]:
    if rename is not None:
        return rename(name)
    if name in exact:
        return exact[name]
    for scope, replacement in scopes:  # longest first
        if name.startswith(scope):
            return None if replacement is None else replacement + name[len(scope):]
    return name


def _assign(entries: Mapping[str, Entry], variables: Mapping[str, object], name_map) -> Tuple[Dict[str, str], List[str], List[str]]:
    """({variable: entry}, entries left out on purpose, entries aimed at no variable)."""
    rename: Optional[Callable] = None
    exact: Dict[str, Optional[str]] = {}
    scopes: List[Tuple[str, Optional[str]]] = []
    if callable(name_map) and not isinstance(name_map, Mapping):
        rename = name_map
    elif name_map is not None:
        if not isinstance(name_map, Mapping):
            raise MappingError(f"name_map must be a dict (checkpoint name -> variable name) or a callable, "
                               f"not {type(name_map).__name__}")
        for key, value in name_map.items():
            if not isinstance(key, str) or not (value is None or isinstance(value, str)):
                raise MappingError(f"name_map entries map a checkpoint name to a variable name or None; "
                                   f"got {key!r}: {value!r}")
            if key.endswith("/"):
                if value not in (None, "") and not value.endswith("/"):
                    raise MappingError(f"the scope {key!r} must map to a scope ending in '/' (or '' for the "
                                       f"top level, or None), not {value!r}")
                if not any(name.startswith(key) for name in entries):
                    raise MappingError(f"the name_map scope {key!r} matches no checkpoint entry; entries "
                                       f"start with {sorted({n.split('/')[0] + '/' for n in entries})[:8]}")
                scopes.append((key, value))
            else:
                if key not in entries:
                    raise MappingError(f"the name_map key {key!r} is not an entry of the checkpoint; "
                                       f"closest entry names: {closest(key, entries)}")
                if value is not None and value not in variables:
                    raise MappingError(f"the name_map sends {key!r} to {value!r}, which is not a variable "
                                       f"of the target; closest variable names: {closest(value, variables)}")
                exact[key] = value
        scopes.sort(key=lambda item: -len(item[0]))
    sources: Dict[str, str] = {}
    dropped, aimless = [], []
    for name in entries:
        target = _target_of(name, exact, scopes, rename)
        if target is None:
            dropped.append(name)
        elif target not in variables:
            aimless.append(name)
        elif target in sources:
            raise MappingError(
                f"the name_map aims two checkpoint entries at the variable {target!r}: "
                f"{sources[target]!r} and {name!r}; map one of them elsewhere or to None"
            )
        else:
            sources[target] = name
    return sources, dropped, aimless


def _shape(value) -> Tuple[int, ...]:
    return tuple(int(dim) for dim in value.shape)


def _dtype(variable) -> str:
    dtype = variable.dtype
    return getattr(dtype, "name", str(dtype))


def _plan(target, prefix: str, entries: Mapping[str, Entry], name_map, strict: bool):
    """Choose the naming convention that feeds the most variables; check it; return the plan."""
    best = None
    for convention, variables in _candidates(target):
        sources, dropped, aimless = _assign(entries, variables, name_map)
        if best is None or len(sources) > len(best[2]):
            best = (convention, variables, sources, dropped, aimless)
    convention, variables, sources, dropped, aimless = best
    missing = [name for name in variables if name not in sources]
    problems, lines = [], []
    if missing and strict:
        for name in missing:
            problems.append((name, "missing", None))
            lines.append(f"  missing from the checkpoint: {name} (closest entries: {closest(name, entries, 3)})")
    for name, entry_name in sources.items():
        variable, entry = variables[name], entries[entry_name]
        if _shape(variable) != tuple(entry.shape):
            problems.append((name, "shape", (entry.shape, _shape(variable))))
            lines.append(f"  shape mismatch: {name} is {list(_shape(variable))}, the entry {entry_name} "
                         f"is {list(entry.shape)}")
        elif _dtype(variable) != entry.dtype:
            problems.append((name, "dtype", (entry.dtype, _dtype(variable))))
            lines.append(f"  dtype mismatch: {name} is {_dtype(variable)}, the entry {entry_name} is "
                         f"{entry.dtype} (values are copied bit for bit, never cast)")
    if problems:
        unused = sorted(set(aimless))
        hint = f"; checkpoint entries nothing reads: {unused[:8]}{' ...' if len(unused) > 8 else ''}" if unused else ""
        raise CheckpointMismatchError(
            f"the checkpoint {prefix!r} does not fit the target (names by {convention}){hint}:\n"
            + "\n".join(lines[:40]) + ("\n  ..." if len(lines) > 40 else "")
            + "\nNothing was changed. Map the names with name_map={checkpoint name or scope/: variable "
            "name or scope/}, or pass strict=False to leave variables the checkpoint lacks as they are.",
            problems,
        )
    order = [name for name in variables if name in sources]
    return convention, variables, [(name, sources[name]) for name in order], missing, sorted(aimless)


def _read_all(prefix: str, names: Sequence[str]) -> Dict[str, object]:
    reader = v1.train.NewCheckpointReader(prefix)
    values = {}
    for name in names:
        try:
            values[name] = reader.get_tensor(name)
        except tf.errors.OpError as error:
            message = getattr(error, "message", str(error)).strip().splitlines()[0]
            raise CorruptCheckpointError(
                f"cannot read {name!r} from checkpoint {prefix!r}: {message}; nothing was changed - "
                f"restore or copy the checkpoint again"
            ) from None
    return values


# --- public ----------------------------------------------------------------------------------


def load_into(target, checkpoint, *, name_map=None, strict: bool = True) -> LoadReport:
    """Copy a TF1 checkpoint's values into eager variables or a Keras 3 model; return a report.

    ``target``: a built Keras model or layer (names by :func:`keras_tf1_names`: the rule that
    fits the checkpoint best of ``tf.compat.v1.layers``, ``tf.contrib.layers`` and Keras layer
    names), a list of ``tf.Variable`` (by their names, ``dense/kernel:0`` -> ``dense/kernel``),
    or a dict ``{name: variable}``. ``checkpoint``: a prefix or a directory (its latest).
    ``name_map``: see the module docstring. Every variable must be fed (unless
    ``strict=False``), with the same shape and dtype; otherwise :class:`tf1init.CheckpointMismatchError`
    lists what is missing and what mismatches, and no variable changes.

        >>> import tempfile
        >>> import numpy as np
        >>> import tf1init, tf1init.layers
        >>> import tensorflow as tf; v1 = tf.compat.v1
        >>> folder = tempfile.mkdtemp()
        >>> with tf.Graph().as_default():                      # a TF1 graph and its Saver
        ...     x = v1.placeholder(tf.float32, [None, 3])
        ...     y = tf1init.layers.dense(tf1init.layers.dense(x, 4), 2)
        ...     with v1.Session() as session:
        ...         _ = tf1init.initialize_all(session, seed=1)
        ...         prefix = v1.train.Saver().save(session, folder + "/model.ckpt")
        ...         kernel = session.run(v1.trainable_variables()[2])  # dense_1/kernel
        >>> model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(4),
        ...                              tf.keras.layers.Dense(2)])
        >>> report = tf1init.load_into(model, prefix)
        >>> report.loaded[2], report.convention
        (('dense_1/kernel', 'dense_1/kernel'), 'tf.compat.v1.layers')
        >>> np.array_equal(model.layers[1].kernel.numpy(), kernel)
        True
    """
    prefix = resolve_checkpoint(checkpoint)
    entries = verify_checkpoint(prefix)
    convention, variables, pairs, missing, unused = _plan(target, prefix, entries, name_map, strict)
    values = _read_all(prefix, [entry for _, entry in pairs])  # all read before any assign
    for name, entry in pairs:
        variables[name].assign(values[entry])
    return LoadReport(prefix, convention, tuple(pairs), tuple(missing) if not strict else (), tuple(unused))


def convert_to_object_checkpoint(tf1_checkpoint, output_prefix, *, model=None, name_map=None,
                                 overwrite: bool = False) -> str:
    """Write a TF1 name-based checkpoint as an object-based one; return its prefix.

    With ``model`` (a Keras model, a list or a dict of variables), the values are loaded into it
    (:func:`load_into`, strict) and ``tf.train.Checkpoint(model=model)`` is written: TF2 code
    restores it with ``tf.train.Checkpoint(model=same_architecture).restore(path).assert_consumed()``.
    Without ``model``, every entry (renamed by ``name_map``; ``None`` drops it) becomes a variable
    in ``tf.train.Checkpoint(variables={name: variable})``. The files appear only once complete;
    an existing ``output_prefix`` is an error unless ``overwrite``.

        >>> import tempfile
        >>> import numpy as np
        >>> import tf1init
        >>> import tensorflow as tf; v1 = tf.compat.v1
        >>> folder = tempfile.mkdtemp()
        >>> with tf.Graph().as_default():
        ...     w = v1.Variable(np.float32([[1.5, -2.0]]), name="layer/w")
        ...     step = v1.Variable(np.int64(9), name="global_step")
        ...     with v1.Session() as session:
        ...         session.run(v1.global_variables_initializer())
        ...         tf1 = v1.train.Saver().save(session, folder + "/tf1.ckpt")
        >>> path = tf1init.convert_to_object_checkpoint(tf1, folder + "/tf2", name_map={"global_step": None})
        >>> restored = {"layer/w": tf.Variable(np.zeros([1, 2], np.float32))}
        >>> _ = tf.train.Checkpoint(variables=restored).restore(path).assert_consumed()
        >>> restored["layer/w"].numpy().tolist()
        [[1.5, -2.0]]
    """
    prefix = resolve_checkpoint(tf1_checkpoint)
    output_prefix = os.fspath(output_prefix)
    if not os.path.basename(output_prefix):
        raise ValueError(f"output_prefix {output_prefix!r} must name a checkpoint prefix, not a folder")
    if _atomic.checkpoint_files(output_prefix) and not overwrite:
        raise FileExistsError(
            f"a checkpoint already exists at {output_prefix!r}; pass overwrite=True or choose another prefix"
        )
    if os.path.abspath(output_prefix) == os.path.abspath(prefix):
        raise ValueError(f"output_prefix {output_prefix!r} is the input checkpoint; choose another prefix")
    if model is None:
        entries = verify_checkpoint(prefix)
        sources, _, _ = _assign(entries, _AnyName(), name_map)
        values = _read_all(prefix, list(sources.values()))
        root = tf.train.Checkpoint(variables={
            name: tf.Variable(values[entry], name=name.replace(":", "_")) for name, entry in sources.items()
        })
    else:
        load_into(model, prefix, name_map=name_map, strict=True)
        key = "variables" if isinstance(model, (list, tuple, Mapping)) else "model"
        root = tf.train.Checkpoint(**{key: model})
    root.save_counter  # noqa: B018 - created now, so that restore(...).assert_consumed() matches it
    directory = os.path.dirname(os.path.abspath(output_prefix))
    os.makedirs(directory, exist_ok=True)
    staging = _atomic.staging_folder(directory)
    try:
        staged = root.write(os.path.join(staging, os.path.basename(output_prefix)))
        _atomic.place(staged, output_prefix)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return output_prefix


class _AnyName(Mapping):
    """Every name is a variable: entries keep (or get, by the map) their own names."""

    def __getitem__(self, name):
        return name

    def __contains__(self, name) -> bool:
        return isinstance(name, str)

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0


__all__ = ["load_into", "convert_to_object_checkpoint", "keras_tf1_names", "LoadReport"]
