"""The ``tf1init`` command line.

Each subcommand lives in its own module, imported only when that subcommand runs, so that
``tf1init --help`` and the TensorFlow-free commands (``migrate``, ``explain``) start fast.
A subcommand module provides ``configure(parser)`` and ``run(args) -> int``, and may provide
``parse(argv)``: the arguments of a plain command line without argparse, or None to let argparse
read it (``tf1init migrate --check`` over a cached tree takes less time than importing argparse).
Only the chosen subcommand's parser is built; ``tf1init --help`` (no subcommand) lists them all.

A module that sets ``USES_TENSORFLOW = True`` checks its arguments and paths before importing
TensorFlow, and runs with TensorFlow's log lines hidden (:mod:`tf1init.cli.tf_logs`) unless
``--verbose`` is given, before the command's name (``tf1init --verbose doctor ...``, for every
command: it sets the command's own ``--verbose``) or after it.
"""
import importlib
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported by a run (it costs more than a cached --check)
    import argparse
    from typing import Dict, List, Optional, Tuple

# name -> (module, one-line summary)
COMMANDS: "Dict[str, Tuple[str, str]]" = {}
COMMANDS["migrate"] = ("tf1init.migrations.cli", "rewrite TF1 initialization code to TF2 (diff, write or check)")
COMMANDS["explain"] = ("tf1init.migrations.explain", "print a migration rule's description and examples")
COMMANDS["doctor"] = ("tf1init.doctor.cli", "check a TF1 graph's or Keras model's initialization, layer by layer")
COMMANDS["stats"] = ("tf1init.cli.stats", "weight statistics (and histograms) of a checkpoint, model file or graph")
COMMANDS["ckpt"] = ("tf1init.checkpoints.ckpt_cli", "list a checkpoint's tensors (ls) or compare two checkpoints (diff)")
COMMANDS["pitfalls"] = ("tf1init.pitfalls", "list the known TF1 initialization/restore pitfalls, or print one")
COMMANDS["verify"] = ("tf1init.cli.verify", "run a TF1 program and its migration; compare variables and prints")

VERBOSE = "--verbose"


def build_parser(argv: "List[str]") -> "argparse.ArgumentParser":
    """The parser for this command line: the chosen subcommand's, or every summary when the
    command line names none (help, a mistake)."""
    import argparse

    from tf1init import __version__

    parser = argparse.ArgumentParser(
        prog="tf1init",
        description="Initialize TF1 graph-mode variables correctly and fast, and migrate them to TF2.",
    )
    parser.add_argument("--version", action="version", version=f"tf1init {__version__}")
    parser.add_argument(VERBOSE, action="store_true", default=argparse.SUPPRESS,  # main() reads it
                        help="the command's --verbose: TensorFlow's own log lines (C++ start-up "
                             "messages, deprecation warnings), which are hidden by default")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = argv[0] if argv else None
    for name, (module, summary) in COMMANDS.items():
        if chosen in COMMANDS and name != chosen:
            continue
        command_parser = sub.add_parser(name, help=summary, description=summary)
        if name == chosen:
            command = importlib.import_module(module)
            command.configure(command_parser)
            command_parser.set_defaults(run=command.run)
    return parser


def main(argv: "Optional[List[str]]" = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    verbose = bool(argv) and argv[0] == VERBOSE
    if verbose:
        argv = argv[1:]
        if not argv:
            argv = [VERBOSE]  # argparse says that a command is missing
    args = None
    if argv and argv[0] in COMMANDS:
        command = importlib.import_module(COMMANDS[argv[0]][0])
        parse = getattr(command, "parse", None)
        args = parse(argv[1:]) if parse else None
    if args is None:
        parser = build_parser(argv)
        args = parser.parse_args(argv)
        if not getattr(args, "run", None):
            parser.print_help()
            return 0 if not argv else 2
        command = sys.modules[args.run.__module__]
    if verbose:
        args.verbose = True
    try:
        if not getattr(command, "USES_TENSORFLOW", False):
            return int(command.run(args) or 0)
        from tf1init.cli.tf_logs import tensorflow_logs

        with tensorflow_logs(getattr(args, "verbose", False)):
            return int(command.run(args) or 0)
    except ImportError as error:  # the light install: say what to install, no traceback
        if type(error).__name__ != "TensorFlowMissingError":
            if getattr(error, "name", None) not in ("numpy", "matplotlib", "tensorflow"):
                raise
            error = (f"this command needs {error.name}, which the light install (the codemods alone) "
                     "does not have: pip install 'tf1init[tf]'")
        print(f"tf1init {argv[0] if argv else ''}: error: {error}", file=sys.stderr)
        return 2
