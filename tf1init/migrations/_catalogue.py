"""The initializer catalogue (``tf1init.catalogue``, TensorFlow-free) seen from the codemods.

Every initializer and random-op translation comes from the catalogue; the codemods keep no copy
of its data. If the catalogue is missing, rules TFI101 and TFI102 find nothing to do.
"""
from functools import lru_cache


@lru_cache(maxsize=1)
def _module():
    try:
        from tf1init import catalogue
    except ImportError:
        return None
    return catalogue


def available() -> bool:
    return _module() is not None


@lru_cache(maxsize=4096)
def lookup(name: str):
    """The catalogue's Spelling for a ``tf.``-name (``tf.compat.v1.X`` falls back to ``tf.X``),
    or None when it is unknown or already TF2."""
    catalogue = _module()
    if catalogue is None:
        return None
    spelling = catalogue.find(name)
    if spelling is None and name.startswith("tf.compat.v1."):
        spelling = catalogue.find("tf." + name[len("tf.compat.v1."):])
    if spelling is None or spelling.is_tf2:
        return None
    return spelling


def translate(spelling, args):
    """(KerasCall, None) or (None, reason)."""
    catalogue = _module()
    try:
        return catalogue.translate(spelling.name, args), None
    except catalogue.Untranslatable as error:
        return None, str(error) or type(error).__name__


def source(text: str):
    return _module().Source(text)


def is_source(value) -> bool:
    return isinstance(value, _module().Source)
