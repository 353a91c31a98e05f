"""The ``checkpoint`` state file: a CheckpointState proto in protobuf's text format.

TensorFlow reads it with ``text_format.Merge`` after decoding the whole file as UTF-8, so what
counts is protobuf's tokenizer and its ``CUnescape``: strings in single or double quotes,
adjacent strings joined, ``#`` comments, a repeated field also as ``[a, b]``, the last
``model_checkpoint_path`` winning, and C escapes (octal ``\\303\\251``, ``\\xe9``, ``\\u00e9``)
giving bytes that are then decoded as UTF-8. TensorFlow 1.15 writes a non-ASCII name with octal
escapes, TensorFlow 2 writes it as raw UTF-8; both mean the same path.

A file that is not UTF-8, or whose escapes do not decode to UTF-8, or that does not parse,
raises :class:`tf1init.CorruptCheckpointError` naming the file, the line and the fix (TensorFlow
gives a bare ``UnicodeDecodeError`` or silently ignores the file). Never imports TensorFlow.
"""
import os
import re
import warnings
from typing import List, Optional, Tuple

from tf1init.errors import CorruptCheckpointError

LATEST = "model_checkpoint_path"
ALL = "all_model_checkpoint_paths"

# protobuf's text_format.Tokenizer: whitespace and comments, identifiers, numbers, quoted strings.
_TOKEN = re.compile(
    r"""(?P<skip>(?:\s|\#[^\n]*)+)
      | (?P<name>[a-zA-Z_][0-9a-zA-Z_+-]*)
      | (?P<number>(?:[0-9+-]|\.[0-9])[0-9a-zA-Z_.+-]*)
      | (?P<string>"[^"\n\\]*(?:\\.[^"\n\\]*)*"|'[^'\n\\]*(?:\\.[^'\n\\]*)*')
      | (?P<symbol>.)""",
    re.VERBOSE,
)
_ONE_HEX_DIGIT = re.compile(r"(\\+)x([0-9a-fA-F])(?![0-9a-fA-F])")
_ESCAPES = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", ord('"'): '\\"', ord("'"): "\\'", ord("\\"): "\\\\"}

_FIX = ("Rewrite it as UTF-8 text (a line `model_checkpoint_path: \"PREFIX\"`), delete it so that the "
        "next save writes a new one, or pass a checkpoint prefix instead of the folder.")


def quote(text: str) -> str:
    """``text`` as a text-format string literal, escaped as TensorFlow 1.15 writes it (octal for
    every byte outside printable ASCII), which every TensorFlow version reads back."""
    out = []
    for byte in text.encode("utf-8"):
        if byte in _ESCAPES:
            out.append(_ESCAPES[byte])
        elif byte < 32 or byte >= 127:
            out.append("\\%03o" % byte)
        else:
            out.append(chr(byte))
    return '"' + "".join(out) + '"'


def _unescape(body: str) -> bytes:
    # protobuf's text_encoding.CUnescape, step by step, so that every escape means what it means there.
    body = _ONE_HEX_DIGIT.sub(lambda m: m.group(1) + "x0" + m.group(2) if len(m.group(1)) & 1 else m.group(0), body)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # an unknown escape such as \q stays as written
        body = body.encode("raw_unicode_escape").decode("raw_unicode_escape")
        return body.encode("utf-8").decode("unicode_escape").encode("latin-1")


def parse(data: bytes, path: str) -> Tuple[Optional[str], List[str]]:
    """(model_checkpoint_path, all_model_checkpoint_paths) as written in the file (not joined
    with its folder). ``path`` only names the file in errors."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raw = data[data.rfind(b"\n", 0, error.start) + 1 :].split(b"\n", 1)[0]
        raise CorruptCheckpointError(
            f"the checkpoint state file {path!r} is not UTF-8: byte 0x{data[error.start]:02x} at line "
            f"{line}, column {column} ({raw.decode('latin-1')!r} if it was Latin-1); TensorFlow cannot "
            f"read it either. {_FIX}"
        ) from None
    latest, paths = None, []
    tokens = _tokens(text, path)
    token = next(tokens, None)
    while token is not None:
        kind, value, line = token
        if kind != "name":
            raise _syntax(path, line, f"expected a field name, found {value!r}")
        field = value
        kind, value, line = next(tokens, ("end", "the end of the file", line))
        if value != ":":
            raise _syntax(path, line, f"expected ':' after {field}, found {value!r}")
        token = next(tokens, None)
        if token is not None and token[1] == "[":  # a repeated field's list form: name: [v, v]
            values, token = [], next(tokens, None)
            while token is not None and token[1] != "]":
                value, token = _value(token, tokens, path)
                values.append(value)
                if token is not None and token[1] == ",":
                    token = next(tokens, None)
                elif token is None or token[1] != "]":
                    raise _syntax(path, line, f"expected ',' or ']' in the list of {field}")
            if token is None:
                raise _syntax(path, line, f"the list of {field} has no closing ']'")
            token = next(tokens, None)
        else:
            value, token = _value(token, tokens, path, line)
            values = [value]
        for value in values:
            if field in (LATEST, ALL):
                if not isinstance(value, str):
                    raise _syntax(path, line, f"{field} must be a quoted string")
                if field == LATEST:
                    latest = value
                else:
                    paths.append(value)
        if token is not None and token[1] in (",", ";"):
            token = next(tokens, None)
    return latest, paths


def _value(token, tokens, path, line=None):
    """One value (adjacent strings joined into one); returns (value, the token after it)."""
    if token is None:
        raise _syntax(path, line, "the file ends where a value should be")
    kind, value, line = token
    if kind == "string":
        parts = []
        while token is not None and token[0] == "string":
            parts.append(_string(token[1], path, token[2]))
            token = next(tokens, None)
        joined = b"".join(parts)
        try:
            return joined.decode("utf-8"), token
        except UnicodeDecodeError:
            raise CorruptCheckpointError(
                f"the checkpoint state file {path!r} names a path on line {line} whose escapes do "
                f"not decode to UTF-8 ({joined!r}); TensorFlow ignores such a file. {_FIX}"
            ) from None
    if kind in ("name", "number"):  # a timestamp, or a field tf1init does not use
        return value, next(tokens, None)
    raise _syntax(path, line, f"expected a value, found {value!r}")


def _string(literal: str, path: str, line: int) -> bytes:
    if len(literal) < 2 or literal[-1] != literal[0]:
        raise _syntax(path, line, f"the string {literal!r} has no closing quote")
    try:
        return _unescape(literal[1:-1])
    except ValueError as error:  # a bad escape (\x without digits, \777 past a byte)
        raise _syntax(path, line, f"bad escape in {literal!r} ({error})") from None


def _tokens(text: str, path: str):
    line = 1
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind != "skip":
            if kind == "symbol" and value in "\"'":
                raise _syntax(path, line, "a string runs to the end of its line without a closing quote")
            yield kind, value, line
        line += value.count("\n")


def _syntax(path: str, line, problem: str) -> CorruptCheckpointError:
    where = f", line {line}" if line else ""
    return CorruptCheckpointError(
        f"the checkpoint state file {path!r} is not a CheckpointState text proto{where}: {problem}. {_FIX}"
    )


def read(directory: str, latest_filename: str = "checkpoint") -> Tuple[Optional[str], List[str]]:
    """(latest prefix, every listed prefix) of ``directory``'s state file, relative names joined
    with the folder as TensorFlow does; (None, []) when there is no state file."""
    path = os.path.join(directory, latest_filename)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return None, []
    latest, paths = parse(data, path)

    def joined(name: str) -> str:
        return name if os.path.isabs(name) else os.path.join(directory, name)

    return (joined(latest) if latest else None), [joined(name) for name in paths]


def text(directory: str, latest: str, paths) -> str:
    """The state file's text; paths inside ``directory`` are written relative (the folder can move)."""

    def relative(path: str) -> str:
        if os.path.dirname(os.path.abspath(path)) == os.path.abspath(directory):
            return os.path.basename(path)
        inside = os.path.relpath(os.path.abspath(path), os.path.abspath(directory))
        return inside if not inside.startswith("..") else os.path.abspath(path)

    lines = [f"{LATEST}: {quote(relative(latest))}"]
    lines += [f"{ALL}: {quote(relative(path))}" for path in paths]
    return "\n".join(lines) + "\n"
