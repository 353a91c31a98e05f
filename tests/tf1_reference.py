"""Real TF 1.x for the tests that compare against it: where its interpreter is, and the
environment its processes must get.

CI makes a Python 3.7 venv with tensorflow-cpu==1.15.0 and exports TF1INIT_TF1_PYTHON; on a
development machine the usual venv is used if it is there; elsewhere the TF 1.x comparisons
skip. A wrong TF1INIT_TF1_PYTHON is an error, never a silent skip.
"""
import os

FALLBACK = "/work/tf115/bin/python"
NO_TF1 = "no TF 1.x interpreter: set TF1INIT_TF1_PYTHON to a Python 3.7 venv with tensorflow-cpu==1.15.0"


def tf1_python():
    """The TF 1.x interpreter's path, or None."""
    path = os.environ.get("TF1INIT_TF1_PYTHON")
    if path:
        if not os.access(path, os.X_OK):
            raise FileNotFoundError(f"TF1INIT_TF1_PYTHON={path} is not an executable Python")
        return path
    return FALLBACK if os.access(FALLBACK, os.X_OK) else None


def tf1_env(**extra) -> dict:
    """This process's environment for a TF 1.x child: importing TF 2.x sets TF2_BEHAVIOR=1 in
    ``os.environ``, and a TF 1.15 that inherits it runs with v2 behaviour; our PYTHONPATH (a
    newer Python's packages) is no use to it either."""
    env = {key: value for key, value in os.environ.items() if key not in ("TF2_BEHAVIOR", "PYTHONPATH")}
    env.update(extra)
    return env
