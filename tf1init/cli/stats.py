"""``tf1init stats TARGET``: weight statistics (and histograms) from the terminal.

TARGET is a TF checkpoint (its prefix or its folder: the values saved there), a Keras model
file, or what ``tf1init doctor`` reads (a ``.meta`` file or an entry point): a graph is
initialized in a fresh session first, so the numbers are those of its initial values.
Exit status: 0, or 2 for input that cannot be read, with one line naming the file and no
traceback. What can be checked without TensorFlow (a path that does not exist, a checkpoint
with a damaged index, a truncated data file or a state file naming a deleted checkpoint) is
checked before TensorFlow is imported, so such mistakes are reported at once. On a terminal a
progress line says what takes the time (importing TensorFlow, reading a large checkpoint);
a one-line summary on stderr ends every run.
"""
import argparse
import os
import re
import sys
import time

USES_TENSORFLOW = True


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Per-variable mean, std, min, max, fraction of zeros, fan-in/fan-out, shape and dtype of "
        "a checkpoint, a Keras model file, or the initial values of a TF1 graph (.meta or "
        "module:function)."
    )
    parser.add_argument("target", metavar="TARGET",
                        help="a checkpoint prefix or folder, a .keras/.h5 file, a .meta file, or "
                             "an entry point module:function / file.py:function")
    parser.add_argument("--select", metavar="SCOPE_OR_REGEX",
                        help="a scope prefix ('dense'), or a regex with --regex")
    parser.add_argument("--regex", action="store_true", help="treat --select as a regular expression")
    parser.add_argument("--json", action="store_true", help="print the statistics as JSON")
    parser.add_argument("--histograms", metavar="FILE.png",
                        help="also write a PNG of the values, one panel per layer")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="no progress line on a terminal (the summary line stays)")
    parser.add_argument("--verbose", action="store_true",
                        help="show TensorFlow's own log lines (hidden by default)")


EXPECTED = ("TARGET is a checkpoint prefix (PATH, with PATH.index next to it) or a folder of "
            "checkpoints, a Keras model file (.keras, .h5), a TF1 meta graph (.meta), or an entry "
            "point module:function / file.py:function")


class _TargetError(Exception):
    """A TARGET that is not there, or not anything stats reads (the message says what is)."""


def _is_checkpoint(target: str) -> bool:
    return (os.path.isdir(target) or os.path.exists(target + ".index")
            or re.search(r"\.(index|data-\d+-of-\d+)$", target) is not None)


def _check(target: str) -> None:
    """Raise what is wrong with TARGET, where that can be told without TensorFlow."""
    if _is_checkpoint(target):
        from tf1init.checkpoints.reader import resolve_checkpoint, verify_checkpoint

        verify_checkpoint(resolve_checkpoint(target))  # CheckpointError naming the file
        return
    if ":" in os.path.basename(target) or (":" in target and not os.path.exists(target)):
        module = target.rpartition(":")[0]
        if (module.endswith(".py") or os.sep in module or "/" in module) and not os.path.isfile(module):
            raise _TargetError(f"{target}: no such file {module!r}; {EXPECTED}")
        return  # a module name: only importing it tells
    if not os.path.exists(target):
        parent = os.path.dirname(target) or "."
        hint = "" if os.path.isdir(parent) else f" (the folder {parent!r} does not exist either)"
        raise _TargetError(f"{target}: no such file or folder{hint}; {EXPECTED}")
    if not target.lower().endswith((".meta", ".keras", ".h5", ".hdf5")):
        raise _TargetError(f"{target}: unknown kind of file (by its extension); {EXPECTED}")


def _checkpoint_values(target: str, selection, progress):
    """Name -> value of the selected tensors, read one by one with the progress bar."""
    from collections import OrderedDict

    from tf1init.checkpoints.compare import value_reader
    from tf1init.checkpoints.reader import resolve_checkpoint, verify_checkpoint
    from tf1init.observe.stats import select_names

    prefix = resolve_checkpoint(target)
    entries = verify_checkpoint(prefix)
    names = select_names(list(entries), selection)  # SelectionError before TensorFlow
    _import_tensorflow(progress)
    progress.total = sum(entries[name].nbytes for name in names)
    read = value_reader(prefix)
    values = OrderedDict()
    for name in names:
        values[name] = read(name)
        progress.advance(entries[name].nbytes)
    return values


def _import_tensorflow(progress) -> None:
    if "tensorflow" not in sys.modules:
        progress.stage("tf1init stats: importing TensorFlow")
        import tf1init._tf  # noqa: F401  (seconds: worth saying so)


def _source(target: str, selection, progress):
    """(source for weight_stats, session to close or None)."""
    if _is_checkpoint(target):
        return _checkpoint_values(target, selection, progress), None
    _import_tensorflow(progress)
    progress.stage(f"tf1init stats: loading {target}")
    from tf1init._tf import v1
    from tf1init.doctor._load import GRAPH, load
    from tf1init.session.initialization import initialize_all
    from tf1init.session.sessions import session_config

    kind, value = load(target)
    if kind != GRAPH:
        return value, None
    progress.stage(f"tf1init stats: initializing the variables of {target}")
    session = v1.Session(graph=value, config=session_config())
    initialize_all(session)
    return session, session


def run(args) -> int:
    from tf1init.cli.progress import Progress, bytes_of
    from tf1init.errors import CheckpointError, DoctorInputError, SelectionError

    started = time.perf_counter()
    selection = args.select
    if selection is not None and args.regex:
        try:
            selection = re.compile(selection)
        except re.error as error:
            return _fail(f"--select {args.select!r} is not a regular expression: {error}")
    session = None
    try:
        _check(args.target)
        from tf1init.observe.stats import weight_stats

        with Progress(enabled=not args.quiet, describe=bytes_of("read")) as progress:
            source, session = _source(args.target, selection, progress)
            report = weight_stats(source, selection)
            plot = None
            if args.histograms:
                progress.stage(f"tf1init stats: drawing {args.histograms}")
                from tf1init.observe.plots import plot_histograms

                plot = plot_histograms(source, args.histograms, selection)
    except (_TargetError, CheckpointError, DoctorInputError, SelectionError, OSError) as error:
        return _fail(str(error))
    finally:
        if session is not None:
            session.close()
    print(report.to_json() if args.json else report.table())
    if plot is not None:
        print(f"wrote {plot.path} ({len(plot.panels)} panels)", file=sys.stderr)
    count = len(report)
    print(f"tf1init stats: {args.target}: {count} variable{'s' if count != 1 else ''}, "
          f"{sum(row.size for row in report):,} values in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    return 0


def _fail(message: str) -> int:
    print(f"tf1init stats: error: {message}", file=sys.stderr)
    return 2
