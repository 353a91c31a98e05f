"""``tf1init stats TARGET``: weight statistics (and histograms) from the terminal.

TARGET is a TF checkpoint (its prefix or its folder: the values saved there), a Keras model
file, or what ``tf1init doctor`` reads (a ``.meta`` file or an entry point): a graph is
initialized in a fresh session first, so the numbers are those of its initial values.
Exit status: 0, or 2 for input that cannot be read.
"""
import argparse
import os
import re
import sys


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


def _is_checkpoint(target: str) -> bool:
    if os.path.isdir(target):
        return any(name == "checkpoint" or name.endswith(".index") for name in os.listdir(target))
    return os.path.exists(target + ".index")


def _source(target: str):
    """(source for weight_stats, session to close or None)."""
    if _is_checkpoint(target):
        return target, None
    from tf1init._tf import v1
    from tf1init.doctor._load import GRAPH, load
    from tf1init.session.initialization import initialize_all
    from tf1init.session.sessions import session_config

    kind, value = load(target)
    if kind != GRAPH:
        return value, None
    session = v1.Session(graph=value, config=session_config())
    initialize_all(session)
    return session, session


def run(args) -> int:
    from tf1init.errors import DoctorInputError, SelectionError
    from tf1init.observe.stats import weight_stats

    selection = args.select
    if selection is not None and args.regex:
        try:
            selection = re.compile(selection)
        except re.error as error:
            print(f"tf1init stats: --select {args.select!r} is not a regular expression: {error}",
                  file=sys.stderr)
            return 2
    session = None
    try:
        source, session = _source(args.target)
        report = weight_stats(source, selection)
        plot = None
        if args.histograms:
            from tf1init.observe.plots import plot_histograms

            plot = plot_histograms(source, args.histograms, selection)
    except (DoctorInputError, SelectionError) as error:
        print(f"tf1init stats: {error}", file=sys.stderr)
        return 2
    finally:
        if session is not None:
            session.close()
    print(report.to_json() if args.json else report.table())
    if plot is not None:
        print(f"wrote {plot.path} ({len(plot.panels)} panels)", file=sys.stderr)
    return 0
