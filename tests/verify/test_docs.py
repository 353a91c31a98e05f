"""docs/verify.md's usage line lists exactly the options the command takes."""
import argparse
import pathlib
import re

from tf1init.cli import verify as command

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "verify.md"


def test_usage_in_the_docs_lists_every_option():
    usage = DOC.read_text(encoding="utf-8").split("```")[1]
    documented = set(re.findall(r"(?<![\w-])(--[a-z0-9-]+|-[a-z])\b", usage))
    parser = argparse.ArgumentParser()
    command.configure(parser)
    # each option by its shortest spelling (-v for --verbose), argparse's own --help left out
    options = {min(action.option_strings, key=len) for action in parser._actions
               if action.option_strings and "--help" not in action.option_strings}
    assert documented == options
