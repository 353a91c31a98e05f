"""The row-loop loader (row_loop): many resource variables assigned by one graph loop per
dtype/shape batch, with the same results as TensorFlow's own initializers."""
import numpy as np
import pytest

import tf1init
from tf1init.row_loop import MIN_VARIABLES


@pytest.fixture(scope="module")
def model(tf, v1):
    """MIN_VARIABLES + 44 resource variables in three batches (two dtypes), and the values
    TensorFlow's own initializers give them."""
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(5)
        variables = [v1.Variable(v1.random_normal([4, 4]), name=f"w{i}", use_resource=True) for i in range(200)]
        variables += [v1.Variable(v1.random_uniform([3]), name=f"b{i}", use_resource=True) for i in range(80)]
        variables += [v1.Variable(tf.fill([2], i), name=f"n{i}", use_resource=True) for i in range(MIN_VARIABLES - 236)]
    raw = v1.Session(graph=graph)
    raw.run([v.initializer for v in variables])
    return graph, variables, raw.run(variables)


def _loader_ops(graph):
    return [op for op in graph.get_operations() if op.name.startswith("tf1init_loader")]


def _assert_values(session, variables, expected, skip=()):
    for variable, got, want in zip(variables, session.run(variables), expected):
        if variable.op.name not in skip:
            np.testing.assert_array_equal(got, want, err_msg=variable.op.name)


def test_a_fresh_session_is_initialized_by_a_few_dozen_loader_ops(tf1init_session, model):
    graph, variables, expected = model
    session = tf1init_session(graph)
    assert tf1init.initialize_uninitialized(session) == tuple(v.op.name for v in variables)
    _assert_values(session, variables, expected)
    loader = _loader_ops(graph)
    assert {op.type for op in loader} >= {"_VarHandlesOp", "VarIsInitializedOp", "AssignVariableOp", "Exit"}
    assert len(loader) < 4 * 70  # three batches: no op per variable
    assert [op.type for op in loader].count("AssignVariableOp") == 3
    again = tf1init_session(graph)  # a fresh session: initialize_all reuses the loops
    assert tf1init.initialize_all(again) == tuple(v.op.name for v in variables)
    _assert_values(again, variables, expected)
    assert len(_loader_ops(graph)) == len(loader)


def test_only_what_holds_no_value_is_assigned_and_the_graph_does_not_grow(v1, tf1init_session, model):
    graph, variables, expected = model
    held = {3: np.full([4, 4], 7.0, np.float32), 210: np.full([3], -1.0, np.float32)}
    with graph.as_default():
        assigns = [variables[index].assign(value) for index, value in held.items()]
    tf1init.initialize_uninitialized(tf1init_session(graph))  # builds the loops (if not yet)
    size = len(graph.get_operations())
    session = tf1init_session(graph)
    session.run(assigns)
    names = tf1init.initialize_uninitialized(session)
    assert names == tuple(v.op.name for i, v in enumerate(variables) if i not in held)
    _assert_values(session, variables, expected, skip={variables[i].op.name for i in held})
    for index, value in held.items():
        np.testing.assert_array_equal(session.run(variables[index]), value)
    assert tf1init.initialize_uninitialized(session) == ()
    tf1init.initialize_all(session)  # every variable again, held ones too
    raw = v1.Session(graph=graph)  # the same in TensorFlow: a random op's 2nd run draws anew
    raw.run([v.initializer for i, v in enumerate(variables) if i not in held])
    raw.run([v.initializer for v in variables])
    _assert_values(session, variables, raw.run(variables))
    assert len(graph.get_operations()) == size


def test_a_selection_uses_the_rows_it_names(tf1init_session, model):
    graph, variables, expected = model
    session = tf1init_session(graph)
    order = list(range(len(variables)))[::-1][:MIN_VARIABLES]  # another order, a subset of each batch
    chosen = [variables[i] for i in order]
    assert tf1init.initialize(session, chosen) == tuple(v.op.name for v in chosen)
    _assert_values(session, chosen, [expected[i] for i in order])
    rest = [v.op.name for i, v in enumerate(variables) if i not in order]
    assert [v.op.name for v in tf1init.uninitialized_variables(session)] == rest


@pytest.fixture
def tf1init_session():
    sessions = []

    def make(graph):
        sessions.append(tf1init.fast_session(graph))
        return sessions[-1]

    yield make
    for session in sessions:
        session.close()
