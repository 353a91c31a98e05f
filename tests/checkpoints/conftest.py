"""Real checkpoints on disk, written by tf.compat.v1 Savers into temporary directories."""
import pytest


@pytest.fixture(scope="module")
def small_checkpoint(tmp_path_factory, tf, v1):
    """A directory with one checkpoint of a small model: (directory, prefix, values by name)."""
    import numpy as np

    directory = tmp_path_factory.mktemp("small")
    values = {
        "dense/kernel": np.arange(12, dtype=np.float32).reshape(3, 4) / 7,
        "dense/bias": np.array([0.5, -1.5, 2.25, 3.0], dtype=np.float64),
        "step": np.array(7, dtype=np.int64),
    }
    graph = tf.Graph()
    with graph.as_default():
        variables = [v1.Variable(value, name=name) for name, value in values.items()]
        saver = v1.train.Saver(variables)
        with v1.Session(graph=graph) as session:
            session.run(v1.global_variables_initializer())
            prefix = saver.save(session, str(directory / "model.ckpt"), global_step=7)
    return directory, prefix, values
