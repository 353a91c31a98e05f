"""``tf1init doctor TARGET``: check a TF1 graph or a Keras model's initialization.

Exit status: 0 no findings, 1 findings, 2 input the doctor cannot read (the message says what
it expected; no traceback).
"""
import argparse
import sys


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
    parser.epilog = "exit status: 0 no findings, 1 findings, 2 unreadable input"


def run(args) -> int:
    from tf1init.doctor import diagnose
    from tf1init.errors import DoctorInputError

    try:
        diagnosis = diagnose(args.target)
    except DoctorInputError as error:
        print(f"tf1init doctor: {error}", file=sys.stderr)
        return 2
    print(diagnosis.to_json() if args.json else str(diagnosis))
    return diagnosis.exit_code
