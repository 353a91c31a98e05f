"""Every table record checked against the installed TensorFlow / Keras (tables drift; this won't)."""
import inspect

import pytest

from tf1init.catalogue import IMPLS, SPELLINGS


@pytest.fixture(scope="module")
def tf():
    from tf1init._tf import tf

    return tf


@pytest.mark.parametrize("name", sorted(n for n, s in SPELLINGS.items() if not s.impl.startswith("contrib")))
def test_symbol_exists_and_signature_matches(tf, name):
    from tf1init.catalogue.build import resolve

    spelling = SPELLINGS[name]
    obj = resolve(name)
    if spelling.is_tf2 and spelling.kind == "initializer":
        cls = obj
        assert cls.__name__ == spelling.target.rsplit(".", 1)[1]
        if name.startswith("tf."):
            assert obj is getattr(tf.keras.initializers, name.rsplit(".", 1)[1]) or name.startswith("tf.initializers.")
        config = cls().get_config()
        config.pop("seed", None)
        expected = {k: v for k, v in spelling.defaults.items() if k != "seed"}
        if cls.__name__ == "Identity":
            # Keras 3.15 Identity.get_config() drops `gain` (a from_config round trip loses it).
            assert config == {} and inspect.signature(cls).parameters["gain"].default == 1.0
            return
        if cls.__name__ in ("GlorotUniform", "GlorotNormal", "HeUniform", "HeNormal",
                            "LecunUniform", "LecunNormal"):
            # their get_config() reports only the seed; the axes come from the signature
            config = {k: p.default for k, p in inspect.signature(cls).parameters.items() if k != "seed"}
        assert config == expected
        return
    sig = inspect.signature(obj)
    params = [p for p in sig.parameters.values() if p.name not in ("self", "layout")]
    assert tuple(p.name for p in params) == spelling.params
    for p in params:
        if p.name in spelling.defaults:
            default = p.default.name if hasattr(p.default, "as_numpy_dtype") else p.default
            assert default == spelling.defaults[p.name] and type(default) is type(spelling.defaults[p.name]), p.name
        else:
            assert p.default is inspect.Parameter.empty, p.name


def test_tf1_spellings_are_the_v1_classes_not_tf2_rebinds(tf):
    from tf1init.catalogue.build import resolve

    # On TF 2.21 the top-level name is the v2 class with stddev 0.05; the TF1 meaning is v1's.
    assert tf.random_normal_initializer().stddev == 0.05
    assert resolve("tf.random_normal_initializer")().stddev == 1.0
    assert "stddev 0.05" in SPELLINGS["tf.random_normal_initializer"].note


@pytest.mark.parametrize("name", sorted(n for n in SPELLINGS if "." not in n))
def test_keras_string_names(tf, name):
    cls = getattr(tf.keras.initializers, SPELLINGS[name].target.rsplit(".", 1)[1])
    if name in ("constant", "Constant"):
        # Keras 3.15: initializers.get("constant") -> Constant.from_config({}) -> KeyError 'value'
        with pytest.raises(KeyError):
            tf.keras.initializers.get(name)
        return
    assert isinstance(tf.keras.initializers.get(name), cls)


def test_contrib_rebuild_matches_tf115_signature():
    from tf1init.catalogue.build import contrib_variance_scaling_initializer, contrib_xavier_initializer

    for fn, impl in [(contrib_variance_scaling_initializer, "contrib.variance_scaling"),
                     (contrib_xavier_initializer, "contrib.xavier")]:
        sig = inspect.signature(fn)
        assert tuple(sig.parameters) == IMPLS[impl].params
        for k, p in sig.parameters.items():
            default = p.default.name if hasattr(p.default, "as_numpy_dtype") else p.default
            assert default == IMPLS[impl].defaults[k]
    with pytest.raises(TypeError):
        contrib_variance_scaling_initializer(mode="fan_in")
