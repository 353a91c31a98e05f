"""``tf1init migrate PATH...``: rewrite TF1 initialization code to TF2.

Imports nothing heavy at start-up (no TensorFlow, and LibCST only when a file needs it), so
``tf1init migrate --help`` and a ``--check`` over a migrated tree are fast. The usual command
lines (``--check -q src/``, ``--jobs 2 a.py b.py``) are read by ``parse``, a plain reading of
the options that ``configure`` gives argparse: importing argparse (with ``re`` and ``gettext``)
and building its parser cost more than reading a few hundred files, a large share of a cached
``--check``. Anything else (``--help``, an abbreviation, a mistake) goes to argparse, whose
answer ``parse`` gives whenever it gives one (tests/migrations/test_cli.py compares them).
"""
import os
import sys
import time

from tf1init.cli.progress import Progress

from ._model import CHANGED, FAILED, FIXED, MANUAL, WARNING

# What ``parse`` reads: option -> (destination, value it stores, or the type of its argument).
FLAGS = {"--diff": ("mode", "diff"), "--write": ("mode", "write"), "--check": ("mode", "check"),
         "--quiet": ("quiet", True), "-q": ("quiet", True), "--no-cache": ("no_cache", True)}
VALUES = {"--jobs": ("jobs", int), "-j": ("jobs", int), "--select": ("select", str), "--ignore": ("ignore", str),
          "--report": ("report", str), "--cache-dir": ("cache_dir", str)}
DEFAULTS = {"mode": "diff", "jobs": 0, "select": "", "ignore": "", "report": None, "quiet": False,
            "cache_dir": None, "no_cache": False}


class Arguments:
    """The parsed command line, with argparse's attribute names (``vars()`` gives them)."""

    def __init__(self, **values):
        self.__dict__.update(values)


def parse(argv):
    """Arguments for a plain command line (exact option names, ``--opt value`` or ``--opt=value``,
    ``-j N`` or ``-jN``, the paths in one run), or None for argparse to read it."""
    values = dict(DEFAULTS)
    paths, seen, ended = [], set(), False
    words = iter(argv)
    for word in words:
        if not word.startswith("-") or word == "-":
            if ended:
                return None  # paths on both sides of an option: argparse refuses some of these
            paths.append(word)
            continue
        ended = bool(paths)
        name, eq, value = word.partition("=")
        if name in FLAGS and not eq:
            dest, stored = FLAGS[name]
        elif name in VALUES:
            dest, kind = VALUES[name]
            if not eq:
                value = next(words, None)
                if value is None or value.startswith("-"):
                    return None
            try:
                stored = kind(value)
            except ValueError:
                return None
        elif word.startswith("-j") and len(word) > 2:  # -j2
            dest = "jobs"
            try:
                stored = int(word[2:])
            except ValueError:
                return None
        else:
            return None  # --help, an abbreviation, combined short options, a mistake
        if dest in seen and values[dest] != stored:
            return None  # two modes (argparse says they exclude each other)
        seen.add(dest)
        values[dest] = stored
    if not paths:
        return None
    return Arguments(paths=paths, **values)


def configure(parser: "argparse.ArgumentParser") -> None:
    parser.description = (
        "Rewrite TF1 initialization code (.py files and notebooks) to TF2: eager tf.Variable, "
        "tf.random.*, tf.keras.initializers.*. What cannot be converted is left as it is and reported."
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files and directories (.py and .ipynb)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--diff", dest="mode", action="store_const", const="diff",
                      help="print a unified diff of what would change (the default)")
    mode.add_argument("--write", dest="mode", action="store_const", const="write",
                      help="rewrite the files in place (atomically); exit 1 if any changed")
    mode.add_argument("--check", dest="mode", action="store_const", const="check",
                      help="change nothing; exit 1 if any file would change (pre-commit, CI)")
    parser.epilog = ("Exit status: 0 nothing to change (or --diff), 1 files changed or would change, "
                     "2 a path is missing or a file does not parse (it is left as it is).")
    parser.set_defaults(mode="diff")
    parser.add_argument("--jobs", "-j", type=int, default=0, metavar="N",
                        help="worker processes (default: the number of CPUs)")
    parser.add_argument("--select", default="", metavar="CODES", help="comma-separated rule codes (prefixes) to run")
    parser.add_argument("--ignore", default="", metavar="CODES", help="comma-separated rule codes (prefixes) to skip")
    parser.add_argument("--report", metavar="FILE.json",
                        help="write every change and every construct left for a person as JSON")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar, no per-finding lines")
    parser.add_argument("--cache-dir", metavar="DIR",
                        help="where clean results are cached (default: $TF1INIT_CACHE_DIR or .tf1init_cache)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")


def _codes(text: str):
    return tuple(code.strip() for code in text.split(",") if code.strip())


def run(args) -> int:
    """Run ``tf1init migrate`` with parsed arguments (from ``parse`` or argparse); the exit status."""
    from ._files import Options, discover, run_many
    from ._registry import select_codes

    try:
        codes = select_codes(_codes(args.select), _codes(args.ignore))
    except ValueError as error:
        print(f"tf1init migrate: {error}", file=sys.stderr)
        return 2
    files, missing = discover(args.paths)
    for path in missing:
        print(f"tf1init migrate: {path}: no such file or directory", file=sys.stderr)
    options = Options(args.mode, _codes(args.select), _codes(args.ignore))
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    progress = Progress(len(files), "files", enabled=len(files) >= 50 and not args.quiet)
    started = time.perf_counter()
    counts = {"changed": 0, "unchanged": 0, "failed": 0}
    kinds = {FIXED: 0, WARNING: 0, MANUAL: 0}
    outcomes = []
    out = sys.stdout
    cache = None
    if not args.no_cache and files:
        from ._cache import ResultCache, default_folder

        cache = ResultCache.open(args.cache_dir or default_folder(), codes)
    for outcome in run_many(files, options, jobs, cache):
        if outcome.diff or outcome.findings or outcome.status != "unchanged":
            progress.clear()  # a line printed after the bar would start in its middle
        counts[outcome.status] += 1
        for finding in outcome.findings:
            kinds[finding.kind] += 1
        if args.report:
            outcomes.append(outcome)
        if outcome.status == FAILED:
            print(f"error: {outcome.error}", file=sys.stderr)
        if outcome.diff:
            out.write(outcome.diff)
        elif outcome.status == CHANGED and args.mode == "check":
            print(f"would migrate {outcome.path}", file=sys.stderr)
        if not args.quiet:
            for finding in outcome.findings:
                if finding.kind != FIXED:
                    print(str(finding), file=sys.stderr)
        progress.advance()
    progress.close()
    if cache is not None:
        cache.save()  # never an error: a cache that cannot be written is only slower next time
    elapsed = time.perf_counter() - started
    verb = {"diff": "would change", "check": "would change", "write": "changed"}[args.mode]
    print(
        f"tf1init migrate: {len(files)} files, {counts['changed']} {verb}, {counts['failed']} failed; "
        f"{kinds[FIXED]} fixes, {kinds[WARNING]} warnings, {kinds[MANUAL]} left for a person "
        f"({elapsed:.2f} s, {jobs} job{'s' if jobs != 1 else ''})",
        file=sys.stderr,
    )
    if args.report:
        _write_report(args.report, outcomes, counts, kinds)
    if missing or counts["failed"]:
        return 2  # a file that does not parse must not pass CI or pre-commit
    return 1 if counts["changed"] and args.mode in ("check", "write") else 0


def _write_report(path: str, outcomes, counts, kinds) -> None:
    import json

    report = {
        "summary": {**counts, "fixes": kinds[FIXED], "warnings": kinds[WARNING], "manual": kinds[MANUAL]},
        "files": [
            {"file": o.path, "status": o.status, **({"error": o.error} if o.error else {})}
            for o in outcomes if o.status != "unchanged" or o.findings
        ],
        "findings": [f.as_dict() for o in outcomes for f in o.findings],
    }
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2)
        handle.write("\n")
