"""The text prefilter: does a file mention anything a rule acts on? Most files do not, and
answering must cost little more than reading them.

The pattern starts every alternative with literal text so that Python's ``re`` can skip ahead on
first characters; a leading ``\\b`` or look-behind (the first version) made it test every
position and cost 5-10x more than this one. Look-behinds sit after the literal instead. Leading
word boundaries are dropped: a prefilter may say yes too often (the engine then decides on the
ast), never too rarely. Migrated code (``tf.random.normal``, ``tf.keras.initializers.X``) does
not match, so a ``--check`` of an already-migrated tree parses only what was left for a person.
"""
PATTERN = (
    r"_initializer(?:_conv2d)?\b|initializers\.(?<!keras\.initializers\.)|initialize_all_variables|Session"
    r"|random_(?:normal|uniform|gamma|poisson|shuffle|crop)\b|multinomial\b"
    r"|truncated_normal(?<!random\.truncated_normal)|get_variable|initialized_value|Saver|\.restore\("
    r"|set_random_seed|layers\.dense"
)


_COMPILED = {}


def tokens(kind: type = str) -> "re.Pattern":
    """The compiled pattern, for str or bytes (``re`` is imported and the pattern compiled on
    first use: a run over cached files needs neither)."""
    pattern = _COMPILED.get(kind)
    if pattern is None:
        import re

        pattern = _COMPILED[kind] = re.compile(PATTERN if kind is str else PATTERN.encode())
    return pattern


def mentions(source: str) -> bool:
    """True if a rule may act on this text: any file that imports TensorFlow, since any TF1 name
    (``tf.log``, ``tf.placeholder``) can keep it from running on TF2 (rule TFI107). The token
    pattern still tells the engine which statements LibCST must see."""
    return "tensorflow" in source


def candidate(data: bytes) -> bool:
    """The same on a file's bytes, without decoding them."""
    return b"tensorflow" in data
