"""The API under the two process-wide TF1 modes a user actually switches on.

`disable_v2_behavior()` gives ref variables, `disable_eager_execution()` alone gives resource
variables (where TF 2.21's `initialized_value()` raises). Each mode needs its own process.
"""
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    import tensorflow as tf
    v1 = tf.compat.v1
    getattr(v1, sys.argv[1])()
    import tf1init

    a = v1.Variable(v1.random_normal([300]), name="a")
    b = v1.Variable(2 * tf1init.initialized_value(a), name="b")
    c = v1.Variable(tf1init.initialized_value(b) * 3, name="c")
    d = v1.Variable(a + 1.0, name="d")
    kind = type(a).__name__
    try:
        a.initialized_value()
        raw = "works"
    except NotImplementedError:
        raw = "NotImplementedError"
    for _ in range(10):
        with v1.Session() as session:
            assert tf1init.initialize_all(session) == ("a", "b", "c", "d")
            va, vb, vc, vd = session.run([a, b, c, d])
            assert (vb == 2 * va).all() and (vc == 6 * va).all() and (vd == va + 1).all()
    with v1.Session() as session:
        tf1init.initialize(session, [a])
        first = session.run(a)
        session.run(a.assign(np.zeros(300, np.float32)))
        assert tf1init.initialize_uninitialized(session) == ("b", "c", "d")
        assert not session.run(b).any()  # a's current value, as TF1's initialized_value() read
        assert first.any()
        assert (session.run(d) == 1.0).all()  # d reads a's current value, as written
    print(kind, raw)
    """
)


@pytest.mark.parametrize(
    "mode, expected",
    [
        ("disable_v2_behavior", "RefVariable works"),
        ("disable_eager_execution", "ResourceVariable NotImplementedError"),
    ],
)
def test_api_in_each_tf1_mode(tmp_path, mode, expected):
    script = tmp_path / "mode_script.py"
    script.write_text(SCRIPT)
    result = subprocess.run(
        [sys.executable, str(script), mode], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1] == expected
