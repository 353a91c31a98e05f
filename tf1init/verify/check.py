"""``verify()``: run both programs, pair their variables, judge each pair and the printed output."""
import sys
from typing import Optional, Sequence

from tf1init.verify.compare import compare_pair
from tf1init.verify.match import match
from tf1init.verify.prints import compare_prints
from tf1init.verify.report import Settings, VerifyReport
from tf1init.verify.run import check_program, run_programs


def verify(original: str, migrated: str, *, tf1_python: Optional[str] = None,
           args: Sequence[str] = (), settings: Settings = Settings(),
           progress: bool = False) -> VerifyReport:
    """Run ``original`` as TF1 and ``migrated`` on this interpreter's TensorFlow, and compare.

    ``tf1_python`` is the interpreter of a real TF 1.x environment; without it the original runs
    on this interpreter with ``import tensorflow`` giving ``tensorflow.compat.v1`` and v2
    behaviour off (a stand-in: it shows what the migration changed, not what TF 1.x drew).
    ``args`` are passed to both programs. Raises VerifyUsageError for a missing file or a bad
    interpreter; a program that fails gives a report whose ``exit_code`` is 2.
    """
    programs = (
        check_program("original", original, tf1_python or sys.executable,
                      "plain" if tf1_python else "shim"),
        check_program("migrated", migrated, sys.executable),
    )
    first, second = run_programs(programs, args, settings.timeout, progress)
    if first.failure or second.failure:
        return VerifyReport(first, second, settings)
    results = tuple(compare_pair(pair, settings.thresholds)
                    for pair in match(first.variables, second.variables))
    prints = compare_prints(first.stdout, second.stdout, settings.rtol, settings.atol)
    return VerifyReport(first, second, settings, results, prints)
