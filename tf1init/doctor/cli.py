"""``tf1init doctor TARGET``: check a TF1 graph or a Keras model's initialization.

Exit status: 0 no findings, 1 findings, 2 input the doctor cannot read (the message says what
it expected; no traceback). What can be told without TensorFlow (a file that is not there, a
folder, an unknown extension, an entry point's missing file or module) is told before
TensorFlow is imported, by :mod:`tf1init.doctor._target`, which the loader also uses: at once, not after the
5-10 s that importing TensorFlow takes. On a terminal a progress line says what takes the time;
a one-line summary on stderr (layers, findings, seconds) ends every diagnosis.
"""
import argparse
import sys
import time

USES_TENSORFLOW = True

def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Check the initialization of a TF1 graph or a Keras model, layer by layer: fan-in, the "
        "initializer's variance, the activation, the gain fan_in * var(w) * c(activation) and its "
        "product through depth. Flags zero/constant kernels, vanishing/exploding stacks and "
        "initializers that do not suit their activation, each with what to use instead."
    )
    parser.add_argument(
        "target", metavar="TARGET",
        help="a TF1 meta graph (.meta), a Keras model file (.keras, .h5), or an entry point "
             "module:function or path/to/file.py:function returning a tf.Graph or a Keras model "
             "(or building the graph in the default graph)")
    parser.add_argument("--json", action="store_true", help="print the diagnosis as JSON")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="no progress line on a terminal (the summary line stays)")
    parser.add_argument("--verbose", action="store_true",
                        help="show TensorFlow's own log lines (hidden by default)")
    parser.epilog = "exit status: 0 no findings, 1 findings, 2 unreadable input"


def _error(message: str) -> int:
    print(f"tf1init doctor: {message}", file=sys.stderr)
    return 2


def run(args) -> int:
    from tf1init.cli.progress import Progress
    from tf1init.errors import DoctorInputError

    from tf1init.doctor._target import check_target

    started = time.perf_counter()
    try:
        check_target(args.target)
    except DoctorInputError as error:
        return _error(str(error))
    with Progress(enabled=not args.quiet) as progress:
        if "tensorflow" not in sys.modules:
            progress.stage("tf1init doctor: importing TensorFlow")
            import tf1init._tf  # noqa: F401  (seconds: worth saying so)
        progress.stage(f"tf1init doctor: reading and diagnosing {args.target}")
        from tf1init.doctor import diagnose

        try:
            diagnosis = diagnose(args.target)
        except DoctorInputError as error:
            return _error(str(error))
    print(diagnosis.to_json() if args.json else str(diagnosis))
    count = len(diagnosis.findings)
    print(f"tf1init doctor: {args.target}: {len(diagnosis.layers)} layer"
          f"{'s' if len(diagnosis.layers) != 1 else ''}, {count} finding{'s' if count != 1 else ''}"
          f"{' (' + ', '.join(diagnosis.codes) + ')' if count else ''} "
          f"in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return diagnosis.exit_code
