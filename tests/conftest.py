"""Shared helpers: TF1 graphs built in explicit tf.Graph objects, with either variable kind."""
import pytest


@pytest.fixture(scope="session")
def tf():
    from tf1init._tf import tf as tensorflow

    return tensorflow


@pytest.fixture(scope="session")
def v1(tf):
    return tf.compat.v1


@pytest.fixture(params=["ref", "resource"])
def kind(request):
    """Both variable kinds: TF1 ref variables and TF2 resource variables."""
    return request.param


@pytest.fixture
def make(v1, kind):
    """make(initial_value, name) -> a tf.compat.v1 variable of the parametrized kind."""

    def make_variable(initial_value, name, **kwargs):
        return v1.Variable(initial_value, name=name, use_resource=(kind == "resource"), **kwargs)

    return make_variable
