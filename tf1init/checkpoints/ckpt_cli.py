"""``tf1init ckpt ls PATH`` and ``tf1init ckpt diff A B``: look inside checkpoints from the shell.

``ls`` reads only the ``.index`` file (no TensorFlow: it answers at once, even for huge
checkpoints). ``diff`` imports TensorFlow only when two tensors of the same shape and dtype need
their values compared. Exit codes follow ``diff``: 0 identical, 1 different, 2 trouble (a missing
path, a damaged file), always with a one-line message naming the path and no traceback. On a
terminal, a diff with at least 256 MiB to compare shows a progress bar.
"""
import argparse
import json
import math
import sys

from tf1init.cli.progress import Progress, bytes_of, human_bytes
from tf1init.errors import CheckpointError

USES_TENSORFLOW = True  # diff reads values with TensorFlow (quiet unless --verbose)
BAR_FROM = 256 << 20  # bytes to compare before a progress bar is worth showing


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Inspect TF1/TF2 checkpoints: list their tensors, or compare two of them. PATH is a "
        "checkpoint prefix (ckpt/model.ckpt-100) or a directory (its latest checkpoint)."
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    ls = actions.add_parser("ls", help="name, shape, dtype and size of every tensor; totals",
                            description="List a checkpoint's tensors (name, shape, dtype, size) and totals.")
    ls.add_argument("path", metavar="PATH")
    ls.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ls.add_argument("--sort", choices=("name", "size"), default="name", help="row order (default: name)")
    diff = actions.add_parser(
        "diff", help="added, removed, changed shape/dtype, max abs difference; exit 1 if they differ",
        description="Compare two checkpoints. Exit 0 if identical, 1 if different, 2 on error.",
    )
    diff.add_argument("a", metavar="PATH_A")
    diff.add_argument("b", metavar="PATH_B")
    diff.add_argument("--json", action="store_true", help="print JSON instead of text")
    diff.add_argument("--atol", type=float, default=0.0, metavar="X",
                      help="floating-point values that differ by at most X count as identical. With "
                           "the defaults (--atol 0 --rtol 0) the comparison is bit-exact: 0.0 and "
                           "-0.0 differ, and so do NaNs with different payloads. Integer, bool and "
                           "string tensors are always compared exactly")
    diff.add_argument("--rtol", type=float, default=0.0, metavar="R",
                      help="floating-point values a, b count as identical when |a-b| <= X + R * "
                           "max(|a|, |b|) (default 0); NaN never matches a number")
    diff.add_argument("--all", action="store_true", help="also list the tensors that are identical")
    diff.add_argument("--quiet", "-q", action="store_true", help="no progress bar on a terminal")
    diff.add_argument("--verbose", action="store_true",
                      help="show TensorFlow's own log lines (hidden by default)")


def run(args) -> int:
    try:
        if args.action == "ls":
            return _ls(args)
        return _diff(args)
    except (CheckpointError, OSError) as error:
        print(f"tf1init ckpt {args.action}: error: {error}", file=sys.stderr)
        return 2


# --- ls ------------------------------------------------------------------------------------


def _shape(shape) -> str:
    return "[" + ", ".join(str(dim) for dim in shape) + "]"


def _table(rows, out) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [cell.ljust(width) if i < len(row) - 1 else cell.rjust(width)
                 for i, (cell, width) in enumerate(zip(row, widths))]
        out.write("  ".join(cells).rstrip() + "\n")


def _ls(args) -> int:
    from tf1init.checkpoints.reader import resolve_checkpoint, verify_checkpoint

    prefix = resolve_checkpoint(args.path)
    entries = list(verify_checkpoint(prefix).values())
    if args.sort == "size":
        entries.sort(key=lambda e: (-e.nbytes, e.name))
    parameters = sum(math.prod(e.shape) for e in entries)
    total = sum(e.nbytes for e in entries)
    if args.json:
        json.dump({
            "checkpoint": prefix,
            "tensors": [{"name": e.name, "shape": list(e.shape), "dtype": e.dtype, "bytes": e.nbytes}
                        for e in entries],
            "total": {"tensors": len(entries), "parameters": parameters, "bytes": total},
        }, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    print(prefix)
    rows = [("name", "shape", "dtype", "size")]
    rows += [(e.name, _shape(e.shape), e.dtype, human_bytes(e.nbytes)) for e in entries]
    _table(rows, sys.stdout)
    print(f"{len(entries)} tensors, {parameters:,} parameters, {human_bytes(total)} ({total:,} bytes)")
    return 0


# --- diff ----------------------------------------------------------------------------------


def _describe(entry) -> str:
    return f"{_shape(entry.shape)} {entry.dtype}"


def _values_text(t, args) -> str:
    """'max |a-b| = 0.5, 2 of 12 values differ', and why where that alone would puzzle."""
    from tf1init.checkpoints import compare

    size = math.prod(t.a.shape)
    text = f"{t.differing:,} of {size:,} values differ"  # bools and strings: no |a-b|
    if isinstance(t.max_abs_diff, int):  # exact, however large
        text = f"max |a-b| = {t.max_abs_diff}, {text}"
    elif t.max_abs_diff is not None:
        text = f"max |a-b| = {t.max_abs_diff:.6g}, {text}"
    if t.bits_only:
        text += f" ({t.bits_only:,} only in their bits: 0.0 vs -0.0, or NaNs with different payloads)"
    if t.status == compare.VALUES and isinstance(t.max_abs_diff, int) and (args.atol or args.rtol):
        text += " (integers are compared exactly: --atol and --rtol apply to floats)"
    if t.status == compare.CLOSE:
        limits = " ".join(f"--{o} {getattr(args, o):g}" for o in ("atol", "rtol") if getattr(args, o))
        text += f"  (within {limits})"
    return text


def _diff(args) -> int:
    for option in ("atol", "rtol"):
        value = getattr(args, option)
        if not value >= 0:
            print(f"tf1init ckpt diff: error: --{option} must be a number >= 0, got {value}", file=sys.stderr)
            return 2
    from tf1init.checkpoints import compare
    from tf1init.checkpoints.reader import checkpoint_entries, resolve_checkpoint

    prefixes = [resolve_checkpoint(args.a), resolve_checkpoint(args.b)]
    entries = [checkpoint_entries(p) for p in prefixes]
    same_layout = [e.nbytes * 2 for name, e in entries[0].items()
                   if name in entries[1] and (entries[1][name].shape, entries[1][name].dtype) == (e.shape, e.dtype)]
    total = sum(same_layout)
    with Progress(total, enabled=total >= BAR_FROM and not args.quiet,
                  describe=bytes_of("compared")) as progress:
        if "tensorflow" not in sys.modules:
            progress.stage("tf1init ckpt diff: importing TensorFlow")  # the first comparison does
        result = compare.diff_checkpoints(prefixes[0], prefixes[1], atol=args.atol, rtol=args.rtol,
                                           progress=progress)
    if args.json:
        json.dump({"a": result.a, "b": result.b, "identical": result.identical, "counts": result.counts(),
                   "tensors": [t.as_dict() for t in result.tensors if args.all or t.status != compare.SAME]},
                  sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0 if result.identical else 1
    print(f"--- {result.a}")
    print(f"+++ {result.b}")
    rows = []
    for t in result.tensors:
        if t.status == compare.REMOVED:
            rows.append(("-", t.name, f"{_describe(t.a)}  only in A"))
        elif t.status == compare.ADDED:
            rows.append(("+", t.name, f"{_describe(t.b)}  only in B"))
        elif t.status == compare.SHAPE:
            rows.append(("~", t.name, f"{_describe(t.a)} -> {_describe(t.b)}"))
        elif t.status in (compare.VALUES, compare.CLOSE):
            rows.append(("~" if t.status == compare.VALUES else "=", t.name,
                         f"{_describe(t.a)}  {_values_text(t, args)}"))
        elif args.all:
            rows.append(("=", t.name, f"{_describe(t.a)}  identical"))
    if rows:
        widths = max(len(row[1]) for row in rows)
        for mark, name, text in rows:
            print(f"{mark} {name.ljust(widths)}  {text}")
    counts = result.counts()
    summary = (f"{counts['same'] + counts['close']} identical, {counts['values']} with different values, "
               f"{counts['shape']} with a different shape or dtype, {counts['added']} added, "
               f"{counts['removed']} removed")
    print(("identical: " if result.identical else "different: ") + summary)
    return 0 if result.identical else 1
