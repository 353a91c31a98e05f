"""``tf1init explain CODE``: a rule's description and examples."""
import sys


def configure(parser) -> None:
    parser.add_argument("code", metavar="CODE", help="a rule code (TFI104) or name (session-initialization)")


def render(rule) -> str:
    lines = [f"{rule.code} {rule.name}", "", rule.summary, "", "Why", "", rule.why, "",
             f"Fix safety: {rule.fix_safety}"]
    for example in rule.examples:
        lines += ["", f"Example: {example.id}", "", "Before:", "", _indent(example.before)]
        if example.after is not None:
            lines += ["After:", "", _indent(example.after)]
        else:
            lines += ["(left unchanged)"]
        for finding in example.findings:
            lines.append(f"  reports {finding}")
    return "\n".join(lines).rstrip() + "\n"


def _indent(text: str) -> str:
    return "".join("    " + line if line.strip() else line for line in text.splitlines(keepends=True))


def run(args) -> int:
    from ._registry import all_rules, get

    rule = get(args.code)
    if rule is None:
        known = ", ".join(f"{r.code} ({r.name})" for r in all_rules())
        print(f"tf1init explain: unknown rule {args.code!r}; known rules: {known}", file=sys.stderr)
        return 2
    sys.stdout.write(render(rule))
    return 0
