"""Shared, expensive things: one TF1 graph with every case, drawn once per test session."""
import pytest


@pytest.fixture(scope="session")
def draws():
    from tf1init.catalogue import evidence

    return evidence.draw()
