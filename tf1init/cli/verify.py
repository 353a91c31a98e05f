"""``tf1init verify ORIGINAL MIGRATED``: does the migrated program do what the TF1 one did?

Both programs run in their own processes (this one never imports TensorFlow); everything after
``--`` is passed to both. Exit status: 0 every variable bit-identical or the same law (with
``--strict``: bit-identical) and the printed output the same; 1 something differs or is missing;
2 a usage error, or a program that failed (its path and the last lines of its stderr are shown).
"""
import argparse
import sys
from typing import List, Optional

EPILOG = """\
exit status: 0 pass, 1 a variable or a printed line differs (or is missing), 2 usage error or a
program that failed. Arguments after -- are passed to both programs, e.g.
  tf1init verify train_tf1.py train.py --tf1-python ~/tf115/bin/python -- --steps 5
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Run the TF1 ORIGINAL under a TF1 interpreter and the MIGRATED program under this one,\n"
        "each in its own process; compare every variable's initial values (bit-identical, same\n"
        "law, different) and what the two programs print."
    )
    parser.usage = "tf1init verify ORIGINAL MIGRATED [options] [-- ARGS...]"
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("original", metavar="ORIGINAL", help="the TF1 program (a .py file)")
    parser.add_argument("migrated", metavar="MIGRATED", help="its migration (a .py file)")
    parser.add_argument("--tf1-python", metavar="PATH",
                        help="python of a TF 1.x environment for ORIGINAL (default: this interpreter "
                             "with a shim that makes `import tensorflow` give tensorflow.compat.v1)")
    parser.add_argument("--json", metavar="FILE", help="also write the report as JSON to FILE")
    parser.add_argument("--plots", metavar="DIR",
                        help="write a PNG histogram overlay for each variable that does not pass")
    parser.add_argument("--strict", action="store_true",
                        help="demand bit-identical variables (the same law is not enough)")
    parser.add_argument("--rtol", type=float, default=1e-6,
                        help="relative tolerance for numbers in printed lines (default 1e-6)")
    parser.add_argument("--atol", type=float, default=0.0,
                        help="absolute tolerance for numbers in printed lines (default 0)")
    parser.add_argument("--alpha", type=float, default=1e-3,
                        help="significance level of the same-law tests (default 1e-3)")
    parser.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS",
                        help="stop a program that runs longer (default 600)")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="also show what each program printed")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress line on stderr")


def parse(argv: List[str]) -> Optional[argparse.Namespace]:
    """argparse with everything after the first ``--`` kept for the programs, verbatim.

    (argparse itself drops every later ``--``, which a program's own arguments may contain.)
    """
    head, tail = (argv[: argv.index("--")], argv[argv.index("--") + 1:]) if "--" in argv else (argv, [])
    parser = argparse.ArgumentParser(prog="tf1init verify")
    configure(parser)
    args = parser.parse_args(head)
    args.program_args = tail
    return args


def _bad(message: str) -> int:
    print(f"tf1init verify: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from tf1init.verify import Settings, VerifyUsageError, verify

    if not 0.0 < args.alpha < 1.0:
        return _bad(f"--alpha must be between 0 and 1, got {args.alpha!r}")
    if args.rtol < 0 or args.atol < 0 or args.timeout <= 0:
        return _bad("--rtol and --atol must be >= 0 and --timeout > 0 "
                    f"(got {args.rtol!r}, {args.atol!r}, {args.timeout!r})")
    settings = Settings(rtol=args.rtol, atol=args.atol, alpha=args.alpha, strict=args.strict,
                        timeout=args.timeout)
    try:
        report = verify(args.original, args.migrated, tf1_python=args.tf1_python,
                        args=getattr(args, "program_args", []), settings=settings,
                        progress=not args.quiet)
    except VerifyUsageError as error:
        return _bad(str(error))
    if args.verbose:
        for run_ in (report.original, report.migrated):
            print(f"--- {run_.program.label} printed ({run_.program.path}):")
            print(run_.stdout.rstrip() or "(nothing)")
        print("---")
    print(report.table())
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            handle.write(report.to_json() + "\n")
        print(f"wrote {args.json}", file=sys.stderr)
    if args.plots and not report.failed_runs:
        from tf1init.verify.plots import plot_differences

        paths = plot_differences(report, args.plots)
        print(f"wrote {len(paths)} plot(s) to {args.plots}", file=sys.stderr)
    return report.exit_code
