"""Compare what the two programs printed: the text exactly, the numbers in it within a tolerance.

Floating-point results after training can differ in the last bits between TensorFlow releases
(another Eigen, another reduction order) even when every initial value is bit-identical, so
numbers are compared with a relative tolerance, and everything else in a line must be equal.
Two values that close can still print one unit apart in the last digit when they straddle a
rounding boundary (1.579035 -> "1.57904" on one side, "1.57903" on the other): a difference of
one unit in the last printed digit is allowed too, but only when that unit is below 1e-4 of the
number, so that a coarse print ("0.5" vs "0.6") still has to match exactly.
numpy 2 prints a scalar inside a list as ``np.float32(0.5)`` where numpy 1 (TF 1.15's) printed
``0.5``; that wrapper is removed on both sides before comparing, and nothing else is.
"""
import math
import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])"
                    r"|(?<![\w.])[-+]?(?:nan|inf)(?![\w.])")
NUMPY_SCALAR = re.compile(r"\bnp\.(?:float|int|uint|complex|bool|str_|bytes_)\w*\(([^()]*)\)")
NUMPY_BOOL = re.compile(r"\bnp\.(True|False)_")
MAX_SHOWN = 20
ROUNDING_UNIT_MAX = 1e-4  # relative size of the last printed digit up to which it may flip


@dataclass(frozen=True)
class LineDifference:
    """One printed line that differs (a None side: the line is missing there)."""

    line: int
    original: Optional[str]
    migrated: Optional[str]
    reason: str


@dataclass(frozen=True)
class PrintsComparison:
    """Whether the printed outputs match, and the lines that do not (at most MAX_SHOWN kept)."""

    lines_original: int
    lines_migrated: int
    differing: int
    differences: Tuple[LineDifference, ...]
    max_rel_diff: float  # the largest relative difference between two numbers printed in one place

    @property
    def match(self) -> bool:
        return self.differing == 0


def normalize(line: str) -> str:
    """A printed line without numpy 2's scalar wrappers."""
    return NUMPY_BOOL.sub(r"\1", NUMPY_SCALAR.sub(r"\1", line))


def _split(line: str) -> Tuple[str, List[str]]:
    """The line's text with each number replaced by a marker (the space numpy pads an array's
    numbers with, to the width of the widest, ignored), and the numbers."""
    numbers = NUMBER.findall(line)
    text = re.sub(r"\s+", " ", NUMBER.sub("\0", line))
    return re.sub(r" ?([\[\]]) ?", r"\1", text).strip(), numbers


def records(text: str) -> List[Tuple[int, str]]:
    """(first line number, text) of each printed record: a line and the lines after it that start
    with a space (numpy wraps a long array so, and where it wraps depends on the digits)."""
    found: List[Tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if found and line[:1] == " ":
            found[-1] = (found[-1][0], found[-1][1] + " " + line.strip())
        else:
            found.append((number, line))
    return found


def last_digit_unit(text: str) -> float:
    """The value of one unit in the last digit of a printed number: "1.250" -> 0.001, "3e-05" -> 1e-05."""
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def _close(a: str, b: str, rtol: float, atol: float) -> Tuple[bool, float]:
    if a == b:
        return True, 0.0
    x, y = float(a), float(b)
    if math.isnan(x) or math.isnan(y) or math.isinf(x) or math.isinf(y):
        return False, math.inf
    difference = abs(x - y)
    scale = max(abs(x), abs(y))
    relative = difference / scale if scale else 0.0
    unit = max(last_digit_unit(a), last_digit_unit(b))
    rounding = unit * (1 + 1e-9) if unit <= ROUNDING_UNIT_MAX * scale else 0.0
    return difference <= atol + rtol * scale + rounding, relative


def compare_line(a: str, b: str, rtol: float, atol: float) -> Tuple[Optional[str], float]:
    """(None, largest relative difference) when the lines match, else (why, ...).

    >>> compare_line("loss 0.30000001", "loss 0.3", 1e-6, 0.0)
    (None, 3.333333e-08)
    >>> compare_line("loss 0.31", "loss 0.3", 1e-6, 0.0)[0]
    'number 0.31 vs 0.3 (relative difference 0.032)'
    >>> compare_line("sum 1.57904", "sum 1.57903", 1e-6, 0.0)[0] is None  # a rounding flip
    True
    >>> compare_line("[np.float32(1.5), 2]", "[1.5, 2]", 0, 0)
    (None, 0.0)
    """
    a, b = normalize(a), normalize(b)
    if a == b:
        return None, 0.0
    (text_a, numbers_a), (text_b, numbers_b) = _split(a), _split(b)
    if text_a != text_b or len(numbers_a) != len(numbers_b):
        return "text differs", 0.0
    worst = 0.0
    for x, y in zip(numbers_a, numbers_b):
        ok, relative = _close(x, y, rtol, atol)
        if not ok:
            return f"number {x} vs {y} (relative difference {relative:.2g})", relative
        worst = max(worst, relative)
    return None, float(f"{worst:.7g}")


def compare_prints(original: str, migrated: str, rtol: float = 1e-6,
                   atol: float = 0.0) -> PrintsComparison:
    """Record by record (see ``records``); a record only one program printed counts as a
    difference, reported at its first line."""
    lines_a, lines_b = original.splitlines(), migrated.splitlines()
    records_a, records_b = records(original), records(migrated)
    differences, worst, differing = [], 0.0, 0
    for index in range(max(len(records_a), len(records_b))):
        a = records_a[index][1] if index < len(records_a) else None
        b = records_b[index][1] if index < len(records_b) else None
        line = (records_a if index < len(records_a) else records_b)[index][0] - 1
        if a is None or b is None:
            reason = "only the original printed it" if b is None else "only the migrated printed it"
        else:
            reason, relative = compare_line(a, b, rtol, atol)
            worst = max(worst, relative)
            if reason is None:
                continue
        differing += 1
        if len(differences) < MAX_SHOWN:
            differences.append(LineDifference(line + 1, a, b, reason))
    return PrintsComparison(len(lines_a), len(lines_b), differing, tuple(differences), worst)
