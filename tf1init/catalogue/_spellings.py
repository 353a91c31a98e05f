"""The spelling table: one record per dotted name a user writes, TensorFlow-free.

Many spellings share one implementation (``tf.random_normal_initializer`` and
``tf.compat.v1.initializers.random_normal`` are the same class), so the table is built from two
small pieces of data: ``IMPLS`` (what each implementation is: its parameters, TF1 defaults,
family, Keras target) and the lists of names that reach each implementation. Every record is
checked against the installed TensorFlow/Keras by tests/catalogue/test_table_vs_tf.py.
"""
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Dict, Mapping, Optional, Tuple

# The std of a standard normal truncated at +-2 (scipy.stats.truncnorm.std(-2, 2)); TF1 and
# Keras divide by it so that a truncated normal has the requested std after truncation.
TRUNC_STD = 0.87962566103423978


@dataclass(frozen=True)
class Impl:
    """One implementation that several spellings reach."""

    key: str  # "v1.RandomNormal", "contrib.variance_scaling", "keras.HeNormal", "op.random_normal"
    kind: str  # "initializer" | "tensor"
    family: str
    params: Tuple[str, ...]
    defaults: Mapping[str, object] = field(hash=False)
    target: str  # the TF2 spelling it translates to
    note: Optional[str] = None


def _impl(key, kind, family, params, defaults, target, note=None):
    return Impl(key, kind, family, tuple(params), MappingProxyType(dict(defaults)), target, note)


_K = "tf.keras.initializers."
_F32 = "float32"

IMPLS: Dict[str, Impl] = {
    i.key: i
    for i in [
        # --- TF1 (tensorflow/python/ops/init_ops.py, the v1 classes) ---
        _impl("v1.Zeros", "initializer", "zeros", ["dtype"], {"dtype": _F32}, _K + "Zeros"),
        _impl("v1.Ones", "initializer", "ones", ["dtype"], {"dtype": _F32}, _K + "Ones"),
        _impl("v1.Constant", "initializer", "constant", ["value", "dtype", "verify_shape"],
              {"value": 0, "dtype": _F32, "verify_shape": False}, _K + "Constant",
              "a list value: TF1 repeats its last element to fill the shape, Keras 3 broadcasts"),
        _impl("v1.RandomUniform", "initializer", "random_uniform",
              ["minval", "maxval", "seed", "dtype"],
              {"minval": 0.0, "maxval": None, "seed": None, "dtype": _F32}, _K + "RandomUniform",
              "TF1 default range is [0, 1) (maxval=None means 1.0); Keras default is [-0.05, 0.05)"),
        _impl("v1.RandomNormal", "initializer", "random_normal", ["mean", "stddev", "seed", "dtype"],
              {"mean": 0.0, "stddev": 1.0, "seed": None, "dtype": _F32}, _K + "RandomNormal",
              "TF1 default stddev 1.0; Keras default is 0.05"),
        _impl("v1.TruncatedNormal", "initializer", "truncated_normal",
              ["mean", "stddev", "seed", "dtype"],
              {"mean": 0.0, "stddev": 1.0, "seed": None, "dtype": _F32}, _K + "TruncatedNormal",
              "TF1 default stddev 1.0; Keras default is 0.05; both cut at 2 stddev"),
        _impl("v1.UniformUnitScaling", "initializer", "uniform_unit_scaling",
              ["factor", "seed", "dtype"], {"factor": 1.0, "seed": None, "dtype": _F32},
              _K + "VarianceScaling",
              "limit sqrt(3 / prod(shape[:-1])) * factor = VarianceScaling(factor**2, 'fan_in', "
              "'uniform') for rank >= 2; a 1-D variable uses input size 1 in TF1"),
        _impl("v1.VarianceScaling", "initializer", "variance_scaling",
              ["scale", "mode", "distribution", "seed", "dtype"],
              {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal", "seed": None,
               "dtype": _F32}, _K + "VarianceScaling",
              "distribution='normal' means truncated normal in TF1 and Keras 3"),
        _impl("v1.Orthogonal", "initializer", "orthogonal", ["gain", "seed", "dtype"],
              {"gain": 1.0, "seed": None, "dtype": _F32}, _K + "Orthogonal"),
        _impl("v1.Identity", "initializer", "identity", ["gain", "dtype"],
              {"gain": 1.0, "dtype": _F32}, _K + "Identity"),
        _impl("v1.GlorotUniform", "initializer", "glorot_uniform", ["seed", "dtype"],
              {"seed": None, "dtype": _F32}, _K + "GlorotUniform",
              "same law as Keras GlorotUniform; the same seed gives different samples"),
        _impl("v1.GlorotNormal", "initializer", "glorot_normal", ["seed", "dtype"],
              {"seed": None, "dtype": _F32}, _K + "GlorotNormal",
              "same law as Keras GlorotNormal (truncated); the same seed gives different samples"),
        _impl("v1.he_normal", "initializer", "he_normal", ["seed"], {"seed": None}, _K + "HeNormal"),
        _impl("v1.he_uniform", "initializer", "he_uniform", ["seed"], {"seed": None}, _K + "HeUniform"),
        _impl("v1.lecun_normal", "initializer", "lecun_normal", ["seed"], {"seed": None},
              _K + "LecunNormal"),
        _impl("v1.lecun_uniform", "initializer", "lecun_uniform", ["seed"], {"seed": None},
              _K + "LecunUniform"),
        # --- tf.contrib.layers (TF 1.15 contrib/layers/python/layers/initializers.py) ---
        _impl("contrib.xavier", "initializer", "glorot_uniform", ["uniform", "seed", "dtype"],
              {"uniform": True, "seed": None, "dtype": _F32}, _K + "GlorotUniform",
              "uniform=False is a truncated normal with stddev sqrt(1.3 * 2 / (fan_in + fan_out)), "
              "0.29% wider than GlorotNormal: the exact form is VarianceScaling(scale=1.3 * "
              "0.87962566103423978**2, mode='fan_avg')"),
        _impl("contrib.variance_scaling", "initializer", "variance_scaling",
              ["factor", "mode", "uniform", "seed", "dtype"],
              {"factor": 2.0, "mode": "FAN_IN", "uniform": False, "seed": None, "dtype": _F32},
              _K + "VarianceScaling",
              "default factor 2.0, FAN_IN, truncated normal with stddev sqrt(1.3 * factor / n): "
              "0.29% wider than HeNormal; exact Keras scale is factor * 1.3 * 0.87962566103423978**2"),
        # --- Keras 3 (tf.keras.initializers), already TF2 ---
        _impl("keras.Zeros", "initializer", "zeros", [], {}, _K + "Zeros"),
        _impl("keras.Ones", "initializer", "ones", [], {}, _K + "Ones"),
        _impl("keras.Constant", "initializer", "constant", ["value"], {"value": 0.0}, _K + "Constant"),
        _impl("keras.RandomUniform", "initializer", "random_uniform", ["minval", "maxval", "seed"],
              {"minval": -0.05, "maxval": 0.05, "seed": None}, _K + "RandomUniform"),
        _impl("keras.RandomNormal", "initializer", "random_normal", ["mean", "stddev", "seed"],
              {"mean": 0.0, "stddev": 0.05, "seed": None}, _K + "RandomNormal"),
        _impl("keras.TruncatedNormal", "initializer", "truncated_normal", ["mean", "stddev", "seed"],
              {"mean": 0.0, "stddev": 0.05, "seed": None}, _K + "TruncatedNormal"),
        _impl("keras.VarianceScaling", "initializer", "variance_scaling",
              ["scale", "mode", "distribution", "seed", "input_axes", "output_axes"],
              {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal", "seed": None,
               "input_axes": None, "output_axes": None}, _K + "VarianceScaling"),
        _impl("keras.Orthogonal", "initializer", "orthogonal", ["gain", "seed"],
              {"gain": 1.0, "seed": None}, _K + "Orthogonal"),
        _impl("keras.Identity", "initializer", "identity", ["gain"], {"gain": 1.0}, _K + "Identity"),
    ]
    + [
        _impl(f"keras.{cls}", "initializer", fam, ["seed", "input_axes", "output_axes"],
              {"seed": None, "input_axes": None, "output_axes": None}, _K + cls)
        for cls, fam in [
            ("GlorotUniform", "glorot_uniform"), ("GlorotNormal", "glorot_normal"),
            ("HeUniform", "he_uniform"), ("HeNormal", "he_normal"),
            ("LecunUniform", "lecun_uniform"), ("LecunNormal", "lecun_normal"),
        ]
    ]
    + [
        # --- tensor-valued initial values for tf.Variable(...) ---
        _impl("op.random_normal", "tensor", "random_normal",
              ["shape", "mean", "stddev", "dtype", "seed", "name"],
              {"mean": 0.0, "stddev": 1.0, "dtype": _F32, "seed": None, "name": None},
              "tf.random.normal"),
        _impl("op.truncated_normal", "tensor", "truncated_normal",
              ["shape", "mean", "stddev", "dtype", "seed", "name"],
              {"mean": 0.0, "stddev": 1.0, "dtype": _F32, "seed": None, "name": None},
              "tf.random.truncated_normal"),
        _impl("op.random_uniform", "tensor", "random_uniform",
              ["shape", "minval", "maxval", "dtype", "seed", "name"],
              {"minval": 0, "maxval": None, "dtype": _F32, "seed": None, "name": None},
              "tf.random.uniform"),
        _impl("op.constant_v1", "tensor", "constant",
              ["value", "dtype", "shape", "name", "verify_shape"],
              {"dtype": None, "shape": None, "name": "Const", "verify_shape": False}, "tf.constant",
              "TF2 tf.constant has no verify_shape and broadcasts a value where TF1 repeats the last "
              "element"),
        _impl("op.constant", "tensor", "constant", ["value", "dtype", "shape", "name"],
              {"dtype": None, "shape": None, "name": "Const"}, "tf.constant"),
        _impl("op.zeros", "tensor", "zeros", ["shape", "dtype", "name"],
              {"dtype": _F32, "name": None}, "tf.zeros"),
        _impl("op.ones", "tensor", "ones", ["shape", "dtype", "name"],
              {"dtype": _F32, "name": None}, "tf.ones"),
    ]
}


@dataclass(frozen=True)
class Spelling:
    """One dotted name as a user writes it after ``import tensorflow as tf``.

    ``params``/``defaults`` are that symbol's own signature (TF1 defaults for TF1 names), so a
    codemod can map positional arguments; ``impl`` names the shared implementation, ``target``
    the TF2 spelling it becomes.
    """

    name: str
    kind: str
    family: str
    params: Tuple[str, ...]
    defaults: Mapping[str, object] = field(hash=False, compare=False)
    is_tf2: bool
    note: Optional[str]
    impl: str
    target: str


_V1_CLASS_NAMES = {  # tf.<name> and tf.compat.v1.<name>
    "zeros_initializer": "v1.Zeros",
    "ones_initializer": "v1.Ones",
    "constant_initializer": "v1.Constant",
    "random_uniform_initializer": "v1.RandomUniform",
    "random_normal_initializer": "v1.RandomNormal",
    "truncated_normal_initializer": "v1.TruncatedNormal",
    "uniform_unit_scaling_initializer": "v1.UniformUnitScaling",
    "variance_scaling_initializer": "v1.VarianceScaling",
    "orthogonal_initializer": "v1.Orthogonal",
    "glorot_uniform_initializer": "v1.GlorotUniform",
    "glorot_normal_initializer": "v1.GlorotNormal",
}
_V1_INITIALIZERS = {  # tf.initializers.<name> and tf.compat.v1.initializers.<name>
    "zeros": "v1.Zeros",
    "ones": "v1.Ones",
    "constant": "v1.Constant",
    "random_uniform": "v1.RandomUniform",
    "random_normal": "v1.RandomNormal",
    "truncated_normal": "v1.TruncatedNormal",
    "uniform_unit_scaling": "v1.UniformUnitScaling",
    "variance_scaling": "v1.VarianceScaling",
    "orthogonal": "v1.Orthogonal",
    "identity": "v1.Identity",
    "glorot_uniform": "v1.GlorotUniform",
    "glorot_normal": "v1.GlorotNormal",
    "he_normal": "v1.he_normal",
    "he_uniform": "v1.he_uniform",
    "lecun_normal": "v1.lecun_normal",
    "lecun_uniform": "v1.lecun_uniform",
}
# TF 1.15 reaches the three contrib initializers (xavier_initializer_conv2d is xavier_initializer)
# from four modules, each the very same function: tf.contrib.layers, tf.contrib.slim (and
# `import tensorflow.contrib.slim as slim`), slim's `initializers` module and the module that
# defines them, which code imports as `from tensorflow.contrib.layers.python.layers import
# initializers`. TF 1.15 has no tf.contrib.layers.initializers.
_CONTRIB_MODULES = (
    "tf.contrib.layers",
    "tf.contrib.slim",
    "tf.contrib.slim.initializers",
    "tf.contrib.layers.python.layers.initializers",
)
_CONTRIB_FUNCTIONS = {
    "xavier_initializer": "contrib.xavier",
    "xavier_initializer_conv2d": "contrib.xavier",
    "variance_scaling_initializer": "contrib.variance_scaling",
}
_CONTRIB = {f"{module}.{name}": key for module in _CONTRIB_MODULES for name, key in _CONTRIB_FUNCTIONS.items()}
# Keras 3 class -> the snake_case alias it also exports (keras/src/initializers/__init__.py).
_KERAS_CLASSES = {
    "Zeros": "zeros", "Ones": "ones", "Constant": "constant",
    "RandomUniform": "random_uniform", "RandomNormal": "random_normal",
    "TruncatedNormal": "truncated_normal", "VarianceScaling": "variance_scaling",
    "Orthogonal": "orthogonal", "Identity": "identity",
    "GlorotUniform": "glorot_uniform", "GlorotNormal": "glorot_normal",
    "HeUniform": "he_uniform", "HeNormal": "he_normal",
    "LecunUniform": "lecun_uniform", "LecunNormal": "lecun_normal",
}
_KERAS_EXTRA_ALIASES = {"OrthogonalInitializer": "Orthogonal", "IdentityInitializer": "Identity"}
# Strings that keras.initializers.get() accepts besides class and snake_case names.
_KERAS_STRING_ALIASES = {"normal": "RandomNormal", "uniform": "RandomUniform", "one": "Ones",
                         "zero": "Zeros"}
_TENSOR_OPS = {
    # name: (impl, is_tf2)
    "tf.random_normal": ("op.random_normal", False),
    "tf.truncated_normal": ("op.truncated_normal", False),
    "tf.random_uniform": ("op.random_uniform", False),
    "tf.compat.v1.random_normal": ("op.random_normal", False),
    "tf.compat.v1.truncated_normal": ("op.truncated_normal", False),
    "tf.compat.v1.random_uniform": ("op.random_uniform", False),
    "tf.compat.v1.random.normal": ("op.random_normal", False),
    "tf.compat.v1.random.truncated_normal": ("op.truncated_normal", False),
    "tf.compat.v1.random.uniform": ("op.random_uniform", False),
    "tf.random.normal": ("op.random_normal", True),
    "tf.random.truncated_normal": ("op.truncated_normal", True),
    "tf.random.uniform": ("op.random_uniform", True),
    "tf.constant": ("op.constant_v1", False),
    "tf.compat.v1.constant": ("op.constant_v1", False),
    "tf.zeros": ("op.zeros", True),
    "tf.ones": ("op.ones", True),
    "tf.compat.v1.zeros": ("op.zeros", False),
    "tf.compat.v1.ones": ("op.ones", False),
}
# Top-level TF1 names that TF 2.x still has, bound to init_ops_v2 classes with Keras defaults:
# TF1 code run unchanged on TF2 silently changes law there.
_TF2_REBOUND = {
    "tf.random_normal_initializer": "on TF2 this name is the v2 class with stddev 0.05",
    "tf.random_uniform_initializer": "on TF2 this name is the v2 class with range [-0.05, 0.05)",
    "tf.initializers.random_normal": "on TF2 tf.initializers is Keras: stddev 0.05",
    "tf.initializers.truncated_normal": "on TF2 tf.initializers is Keras: stddev 0.05",
    "tf.initializers.random_uniform": "on TF2 tf.initializers is Keras: range [-0.05, 0.05)",
}


def _record(name: str, impl_key: str, is_tf2: bool) -> Spelling:
    impl = IMPLS[impl_key]
    note = impl.note
    if name in _TF2_REBOUND:
        note = f"{note}; {_TF2_REBOUND[name]}" if note else _TF2_REBOUND[name]
    return Spelling(name, impl.kind, impl.family, impl.params, impl.defaults, is_tf2, note,
                    impl.key, impl.target)


def _build() -> Dict[str, Spelling]:
    rows = []
    for short, key in _V1_CLASS_NAMES.items():
        rows += [("tf." + short, key, False), ("tf.compat.v1." + short, key, False)]
    for short, key in _V1_INITIALIZERS.items():
        rows += [("tf.initializers." + short, key, False),
                 ("tf.compat.v1.initializers." + short, key, False)]
    rows += [(name, key, False) for name, key in _CONTRIB.items()]
    for cls, snake in _KERAS_CLASSES.items():
        rows += [(_K + cls, "keras." + cls, True), (_K + snake, "keras." + cls, True),
                 # Bare strings, as in Dense(kernel_initializer="he_normal").
                 (cls, "keras." + cls, True), (snake, "keras." + cls, True)]
        # TF 2.x tf.initializers.<CamelCase> is Keras (the snake_case names there are TF1's).
        rows.append(("tf.initializers." + cls, "keras." + cls, True))
    for alias, cls in _KERAS_EXTRA_ALIASES.items():
        rows += [(_K + alias, "keras." + cls, True), (alias, "keras." + cls, True)]
    for alias, cls in _KERAS_STRING_ALIASES.items():
        rows.append((alias, "keras." + cls, True))
    rows += [(name, key, tf2) for name, (key, tf2) in _TENSOR_OPS.items()]
    table: Dict[str, Spelling] = {}
    for name, key, tf2 in rows:
        assert name not in table, name  # one record per spelling
        table[name] = _record(name, key, tf2)
    return table


SPELLINGS: Mapping[str, Spelling] = MappingProxyType(_build())


@dataclass(frozen=True)
class RandomOp:
    """A TF1 random op and the TF 2.x call that draws the same numbers (one record per spelling).

    ``params`` is the TF1 signature, ``target_params`` the target's on TF 2.x, ``renames`` the
    TF1 keywords the target calls otherwise. A positional argument stays positional while both
    signatures give its slot the same name; from the first slot where they differ on, arguments
    are written as keywords. Those keywords mean the same to the target under ``tensorflow`` and
    under ``tensorflow.compat.v1`` (where ``tf.random.poisson`` is still TF1's, ``lam`` first), so
    one rewrite serves eager files and graph-mode files. Checked against TF 1.15 and TF 2.x by
    tests/migrations/test_tfi101_runs.py.
    """

    name: str
    params: Tuple[str, ...]
    target: str
    target_params: Tuple[str, ...]
    renames: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    note: Optional[str] = None

    def call_changes(self) -> bool:
        """Whether some call of it must have its arguments rewritten, not only its name."""
        return bool(self.renames) or self.target_params[: len(self.params)] != self.params


_POISSON_NOTE = "TF 2's tf.random.poisson takes shape first, and the same positional call draws another shape"
_CATEGORICAL_NOTE = "tf.random.categorical takes dtype where tf.multinomial took seed, and calls output_dtype dtype"


def _random_ops() -> Dict[str, RandomOp]:
    same = [(name, IMPLS[key]) for name, key in (("tf.random_normal", "op.random_normal"),
                                                   ("tf.truncated_normal", "op.truncated_normal"),
                                                   ("tf.random_uniform", "op.random_uniform"))]
    ops = [RandomOp(name, impl.params, impl.target, impl.params) for name, impl in same]
    gamma = ("shape", "alpha", "beta", "dtype", "seed", "name")
    ops += [
        RandomOp("tf.random_gamma", gamma, "tf.random.gamma", gamma),
        RandomOp("tf.random_shuffle", ("value", "seed", "name"), "tf.random.shuffle", ("value", "seed", "name")),
        RandomOp("tf.random_crop", ("value", "size", "seed", "name"), "tf.image.random_crop",
                 ("value", "size", "seed", "name")),
    ]
    poisson = ("lam", "shape", "dtype", "seed", "name")
    poisson2 = ("shape", "lam", "dtype", "seed", "name")
    ops += [RandomOp(name, poisson, "tf.random.poisson", poisson2, note=_POISSON_NOTE)
            for name in ("tf.random_poisson", "tf.random.poisson")]
    multinomial = ("logits", "num_samples", "seed", "name", "output_dtype")
    categorical = ("logits", "num_samples", "dtype", "seed", "name")
    ops += [RandomOp(name, multinomial, "tf.random.categorical", categorical,
                     MappingProxyType({"output_dtype": "dtype"}), _CATEGORICAL_NOTE)
            for name in ("tf.multinomial", "tf.random.multinomial")]
    ops.append(RandomOp("tf.random.stateless_multinomial",
                        ("logits", "num_samples", "seed", "output_dtype", "name"),
                        "tf.random.stateless_categorical", ("logits", "num_samples", "seed", "dtype", "name"),
                        MappingProxyType({"output_dtype": "dtype"}),
                        "tf.random.stateless_categorical calls output_dtype dtype"))
    table = {}
    for op in ops:
        assert op.name not in table, op.name
        assert all(op.renames.get(p, p) in op.target_params for p in op.params), op.name
        table[op.name] = op
    return table


# TF1 random ops by their TF1 spelling (``tf.compat.v1.X`` is looked up as ``tf.X``). Not in
# SPELLINGS: that table holds initial-value laws drawn for a shape; these are calls to rewrite.
RANDOM_OPS: Mapping[str, RandomOp] = MappingProxyType(_random_ops())
