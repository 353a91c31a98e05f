"""docs/pitfalls.md is generated from tf1init/pitfalls.py, whose records name these tests."""
import ast
import pathlib

import pytest

from tf1init.cli import main
from tf1init.pitfalls import PITFALLS, render

REPO = pathlib.Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "pitfalls.md"


def pitfall_tests():
    """Node ids of every test function in tests/pitfalls/test_p*.py."""
    found = set()
    for path in sorted((REPO / "tests" / "pitfalls").glob("test_p*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        relative = path.relative_to(REPO).as_posix()
        found |= {f"{relative}::{node.name}" for node in tree.body
                  if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}
    return found


def test_docs_are_generated_from_the_records():
    assert DOCS.read_text(encoding="utf-8") == render(), (
        "docs/pitfalls.md is stale: run `python docs/make_pitfalls.py`")


def test_records_and_tests_name_each_other():
    named = [t for p in PITFALLS for t in p.raw_tests + p.ours_tests]
    existing = pitfall_tests()
    assert sorted(set(named) - existing) == [], "records name tests that do not exist"
    assert sorted(existing - set(named)) == [], "pitfall tests that no record names"


def test_records_are_complete():
    assert [p.number for p in PITFALLS] == list(range(1, 11))
    assert len({p.slug for p in PITFALLS}) == 10
    for item in PITFALLS:
        assert item.raw_tests and item.ours_tests and item.references and item.api, item.slug
        assert all(ref.url.startswith("https://github.com/") for ref in item.references)


def test_command_line(capsys):
    assert main(["pitfalls"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert len(listing) == 10 and listing[6].split()[:2] == ["7", "big-arrays"]
    assert main(["pitfalls", "big-arrays"]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("7. Variables from arrays over 2 GB (big-arrays)")
    assert "https://github.com/mead-ml/mead-baseline/issues/417" in shown
    assert main(["pitfalls", "11"]) == 2
    assert "known pitfalls: 1 dependent-initial-values" in capsys.readouterr().err
