"""Initializers Keras does not ship, that serialise and work in a TF1 graph and in Keras 3.

Each is a ``tf.keras.initializers.Initializer`` registered with Keras serialisation (package
``tf1init``), and also accepts TF1's ``partition_info`` argument, so the same object goes to
``tf.compat.v1.get_variable(initializer=...)`` and to ``Dense(kernel_initializer=...)``.

Seeds: ``seed=None`` draws fresh values on every call / every session run (what TF1 code
expects when it re-initializes); an integer seed uses stateless ops and returns the same values
every time (what Keras 3 does), in both worlds.

    >>> init = get("uniform_range")
    >>> type(init).__name__, init.get_config()
    ('UniformRange', {'minval': -1.0, 'maxval': 1.0, 'seed': None})
    >>> get({"class_name": "ThresholdedUniform", "config": {"limit": 10.0, "threshold": 5.0}}).threshold
    5.0
"""
import math
from typing import Dict, Optional, Type

from tf1init._tf import tf
from tf1init.catalogue._spellings import SPELLINGS
from tf1init.catalogue.fans import check_dtype, normalize_shape
from tf1init.errors import Tf1initError, UnknownInitializerError, closest

_REGISTRY: Dict[str, Type["_Base"]] = {}


def _register(cls):
    cls = tf.keras.utils.register_keras_serializable(package="tf1init")(cls)
    _REGISTRY[cls.__name__] = cls
    _REGISTRY[cls.snake_name] = cls
    return cls


class _Base(tf.keras.initializers.Initializer):
    snake_name = ""

    def __init__(self, seed: Optional[int] = None):
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise Tf1initError(f"seed must be an int or None, got {seed!r}")
        self.seed = seed

    def _uniform(self, shape, low, high, dtype):
        if self.seed is None:
            return tf.random.uniform(shape, low, high, dtype=dtype)
        return tf.random.stateless_uniform(shape, seed=[self.seed, 0], minval=low, maxval=high,
                                           dtype=dtype)

    def __call__(self, shape, dtype=None, partition_info=None, **kwargs):
        shape = list(normalize_shape(shape))
        dtype = tf.as_dtype(check_dtype(dtype or "float32"))
        return self._draw(shape, dtype)

    def moments(self):
        """(mean, std, min, max) of the values, in closed form."""
        raise NotImplementedError

    def get_config(self):
        return {"seed": self.seed}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other):
        return type(self) is type(other) and self.get_config() == other.get_config()

    def __hash__(self):
        return hash((type(self).__name__, tuple(sorted(self.get_config().items()))))


@_register
class UniformRange(_Base):
    """Uniform on [minval, maxval): RandomUniform with the range as the point (MXNet's Uniform)."""

    snake_name = "uniform_range"

    def __init__(self, minval: float = -1.0, maxval: float = 1.0, seed: Optional[int] = None):
        super().__init__(seed)
        if not float(minval) < float(maxval):
            raise Tf1initError(f"UniformRange needs minval < maxval, got [{minval}, {maxval})")
        self.minval, self.maxval = float(minval), float(maxval)

    def _draw(self, shape, dtype):
        return self._uniform(shape, self.minval, self.maxval, dtype)

    def moments(self):
        a, b = self.minval, self.maxval
        return (a + b) / 2, (b - a) / math.sqrt(12), a, b

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


@_register
class ClippedNormal(_Base):
    """A normal(mean, stddev) cut at ``k`` standard deviations (values outside are redrawn).

    TruncatedNormal fixes k = 2; this takes any k > 0, drawn exactly by the inverse CDF
    (u uniform on [Phi(-k), Phi(k)], x = mean + stddev * Phi^-1(u), in float64).
    """

    snake_name = "clipped_normal"

    def __init__(self, mean: float = 0.0, stddev: float = 1.0, k: float = 2.0,
                 seed: Optional[int] = None):
        super().__init__(seed)
        if not float(stddev) > 0 or not float(k) > 0:
            raise Tf1initError(f"ClippedNormal needs stddev > 0 and k > 0, got stddev={stddev}, k={k}")
        self.mean, self.stddev, self.k = float(mean), float(stddev), float(k)

    def _draw(self, shape, dtype):
        lo = 0.5 * math.erfc(self.k / math.sqrt(2))  # Phi(-k)
        u = self._uniform(shape, lo, 1.0 - lo, tf.float64)
        x = self.mean + self.stddev * tf.math.ndtri(u)
        bound = self.k * self.stddev
        return tf.cast(tf.clip_by_value(x, self.mean - bound, self.mean + bound), dtype)

    def moments(self):
        # std of a normal cut at +-k: stddev * sqrt(1 - 2 k phi(k) / (2 Phi(k) - 1))
        k = self.k
        phi = math.exp(-k * k / 2) / math.sqrt(2 * math.pi)
        std = self.stddev * math.sqrt(1 - 2 * k * phi / math.erf(k / math.sqrt(2)))
        return self.mean, std, self.mean - k * self.stddev, self.mean + k * self.stddev

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "k": self.k, "seed": self.seed}


@_register
class ThresholdedUniform(_Base):
    """w ~ U(-limit, limit), then zeroed where |w| < threshold: sparse and heavy-tailed.

    The default is the (10, 5) one: half the weights are exactly 0, the rest have |w| in [5, 10).
    """

    snake_name = "thresholded_uniform"

    def __init__(self, limit: float = 10.0, threshold: float = 5.0, seed: Optional[int] = None):
        super().__init__(seed)
        if not 0 <= float(threshold) < float(limit):
            raise Tf1initError(f"ThresholdedUniform needs 0 <= threshold < limit, got "
                               f"threshold={threshold}, limit={limit}")
        self.limit, self.threshold = float(limit), float(threshold)

    def _draw(self, shape, dtype):
        w = self._uniform(shape, -self.limit, self.limit, dtype)
        return tf.where(tf.abs(w) < self.threshold, tf.zeros_like(w), w)

    def moments(self):
        # E[w] = 0, E[w^2] = (limit^3 - threshold^3) / (3 limit); P(w == 0) = threshold / limit
        std = math.sqrt((self.limit**3 - self.threshold**3) / (3 * self.limit))
        return 0.0, std, -self.limit, self.limit

    def get_config(self):
        return {"limit": self.limit, "threshold": self.threshold, "seed": self.seed}


@_register
class FanInBiasUniform(_Base):
    """U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for a bias, fan_in being its layer's kernel fan-in.

    PyTorch's Linear/Conv bias: a bias shape alone does not know the fan-in, so the preset or
    dispatch that knows the kernel fills ``fan_in`` in.
    """

    snake_name = "fan_in_bias_uniform"

    def __init__(self, fan_in: int = 1, seed: Optional[int] = None):
        super().__init__(seed)
        if int(fan_in) < 1:
            raise Tf1initError(f"FanInBiasUniform needs fan_in >= 1, got {fan_in!r}")
        self.fan_in = int(fan_in)

    @property
    def bound(self) -> float:
        return 1.0 / math.sqrt(self.fan_in)

    def _draw(self, shape, dtype):
        return self._uniform(shape, -self.bound, self.bound, dtype)

    def moments(self):
        return 0.0, 2 * self.bound / math.sqrt(12), -self.bound, self.bound

    def get_config(self):
        return {"fan_in": self.fan_in, "seed": self.seed}


CUSTOM = (UniformRange, ClippedNormal, ThresholdedUniform, FanInBiasUniform)


def get(identifier):
    """An initializer from a name, a config dict, a class, an instance or a callable.

    Names: our classes (snake_case or class name), Keras 3 names (``'he_normal'``) and any TF1
    catalogue spelling (``'tf.random_normal_initializer'``), which gives its exact Keras form.
    An unknown name raises :class:`UnknownInitializerError` with the closest known names.
    """
    if identifier is None:
        return None
    if isinstance(identifier, type):
        return identifier()
    if isinstance(identifier, str):
        return _from_name(identifier)
    if isinstance(identifier, dict):
        return _from_config(identifier)
    if callable(identifier):
        return identifier
    raise Tf1initError(
        f"cannot make an initializer from {identifier!r} ({type(identifier).__name__}): give a "
        "name, a config dict, a class, an initializer or a callable"
    )


def _from_name(name: str):
    if name in _REGISTRY:
        return _REGISTRY[name]()
    spelling = SPELLINGS.get(name)
    if spelling is not None and spelling.kind == "initializer":
        from tf1init.catalogue.build import keras_initializer
        from tf1init.catalogue._translate import translate

        return keras_initializer(translate(name, {}))
    candidates = list(_REGISTRY) + [n for n, s in SPELLINGS.items() if s.kind == "initializer"]
    near = closest(name, candidates)
    hint = f"; closest known: {', '.join(near)}" if near else ""
    raise UnknownInitializerError(f"unknown initializer {name!r}{hint}")


def _from_config(config: dict):
    if "class_name" not in config:
        raise Tf1initError(f"an initializer config needs 'class_name' (and 'config'), got {config!r}")
    name = str(config.get("registered_name") or config["class_name"]).split(">")[-1]
    inner = dict(config.get("config") or {})
    if name in _REGISTRY:
        return _REGISTRY[name].from_config(inner)
    if name in SPELLINGS and SPELLINGS[name].is_tf2:
        from tf1init.catalogue.build import resolve

        return resolve(name).from_config(inner) if inner else resolve(name)()
    return _from_name(name)  # raises with the closest names
