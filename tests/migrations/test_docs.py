"""docs/rules.md is generated from the rules' data and must not drift from it."""
import pathlib

from tf1init.migrations._docs import render

DOCS = pathlib.Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_rules_reference_is_up_to_date():
    assert DOCS.read_text(encoding="utf-8") == render(), (
        "docs/rules.md is stale: run `python -m tf1init.migrations._docs docs/rules.md`")


def test_explain_prints_a_rule(capsys):
    from tf1init.cli import main

    assert main(["explain", "TFI104"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("TFI104 session-initialization") and "Example: read-variables" in out
    assert main(["explain", "TFI999"]) == 2
    assert "known rules: TFI101" in capsys.readouterr().err
