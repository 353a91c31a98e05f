"""Write docs/pitfalls.md from the pitfall records in tf1init/pitfalls.py.

    python docs/make_pitfalls.py          # rewrites docs/pitfalls.md (instant, no TensorFlow)
    python docs/make_pitfalls.py --check  # exit 1 if docs/pitfalls.md is stale

tests/pitfalls/test_catalogue.py checks that the committed file equals this output and that
every test a record names exists (and every pitfall test is named by a record).
"""
import pathlib
import sys

from tf1init.pitfalls import render

OUT = pathlib.Path(__file__).resolve().parent / "pitfalls.md"


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in argv:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is stale: run python docs/make_pitfalls.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
