"""The docstring examples of the pitfall suite's modules run as tests."""
import doctest
import importlib

import pytest

MODULES = [
    "tf1init.graph.arrays",
    "tf1init.session.preparation",
    "tf1init.graph.seeding",
    "tf1init.observe.fingerprints",
    "tf1init.session.explain_errors",
    "tf1init.checkpoints.scaffold",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name),
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
