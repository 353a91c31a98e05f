"""Run small TF programs in one real TensorFlow process and describe what they computed.

Used by the tests that execute code before and after a migration: the TF1 original under real
TF 1.15 (Python 3.7: keep this file free of newer syntax), the migrated text under TF 2.x. One
process per interpreter and batch, because importing TensorFlow costs seconds and a batch of
programs costs milliseconds each. The launcher half (``tf1_python``, ``run_batch``) runs in
pytest's process; ``main`` runs in the child and imports TensorFlow.

Each program runs in its own namespace. A TF1 run builds it in a fresh ``tf.Graph`` and fetches
its tensors in a session after ``global_variables_initializer``; a TF 2.x run is eager (the
global seed reset first, so ops with an explicit op seed draw what a fresh TF1 graph draws).
Programs that turn v2 behaviour off (``tf.disable_v2_behavior()``, what the compat target
writes) run after all the eager ones, once the child has turned it off itself, and like TF1.
"""
import hashlib
import json
import os
import subprocess
import sys

HERE = os.path.abspath(__file__)


def tf1_python():
    """The interpreter with real TF 1.x (tests/tf1_reference.py), or None."""
    from tf1_reference import tf1_python as find

    return find()


GRAPH_SWITCHES = ("disable_v2_behavior", "disable_eager_execution")


def needs_graph(source):
    """Whether a TF 2.x program turns eager execution off (it runs after the eager ones)."""
    return any(switch in source for switch in GRAPH_SWITCHES)


def start(programs, folder, tf1_programs=(), python=sys.executable):
    """Start the children for TF 2.x ``programs`` and, when there is a TF 1.15 interpreter, for
    ``tf1_programs``; ``finish`` collects them. The two run in parallel."""
    children = []
    for mode, batch, interpreter in (("tf2", list(programs), python), ("tf1", list(tf1_programs), tf1_python())):
        if batch and interpreter:
            children.append(start_batch(interpreter, mode, batch, os.path.join(str(folder), mode + ".json")))
    return children


def finish(children, timeout=180):
    """{program id: result} over all started children."""
    results = {}
    for child in children:
        results.update(finish_batch(child, timeout))
    return results


def start_batch(python, mode, programs, out_path):
    """Start a child that runs ``programs`` in ``mode`` (tf1 or tf2). A program is a dict: id,
    source, and optionally fetch (the names to evaluate; default every tensor and variable the
    program binds), upgrade (run tf_upgrade_v2 on the source first) and gram (summarize the
    Gram matrix too); or id and signatures (dotted tf names whose parameters to read).
    Returns the Popen; ``finish_batch`` waits for it."""
    payload = json.dumps({"mode": mode, "programs": programs, "out": str(out_path)})
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONWARNINGS="ignore", CUDA_VISIBLE_DEVICES="")
    if mode == "tf1":  # what a TF 1.x child must not inherit (tests/tf1_reference.py)
        from tf1_reference import tf1_env

        env = tf1_env(TF_CPP_MIN_LOG_LEVEL="3", PYTHONWARNINGS="ignore", CUDA_VISIBLE_DEVICES="")
    proc = subprocess.Popen([python, HERE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, universal_newlines=True)
    proc.stdin.write(payload)
    proc.stdin.close()
    proc.out_path = str(out_path)
    return proc


def finish_batch(proc, timeout=180):
    """{program id: result} of a started batch; raises with the child's stderr if it crashed."""
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    err = proc.stderr.read()
    proc.stdout.read()
    if proc.returncode != 0 or not os.path.exists(proc.out_path):
        raise RuntimeError("the TensorFlow child failed (exit %s):\n%s" % (proc.returncode, err[-4000:]))
    with open(proc.out_path) as f:
        return {r["id"]: r for r in json.load(f)}


# ---- the child --------------------------------------------------------------------------------

def summary(values, gram=False):
    """What a test needs to judge an array: shape, dtype, a hash of the bytes, and moments."""
    import numpy as np

    a = np.ascontiguousarray(np.asarray(values))
    out = {"shape": list(a.shape), "dtype": str(a.dtype),
           "sha256": hashlib.sha256(a.tobytes()).hexdigest(), "head": a.ravel()[:6].tolist()}
    if a.size == 0 or a.dtype.kind not in "fiub":
        return out
    f = a.astype(np.float64)
    out.update(n=int(a.size), mean=float(f.mean()), std=float(f.std()), min=float(f.min()),
               max=float(f.max()))
    if a.ndim == 2 and a.shape[1] <= 16:
        out["col_mean"] = f.mean(axis=0).tolist()
        out["col_std"] = f.std(axis=0).tolist()
    if a.ndim == 2 and a.dtype.kind in "iu" and a.min() >= 0 and a.max() < 64:
        k = int(a.max()) + 1
        out["row_freq"] = [(np.bincount(row, minlength=k) / float(len(row))).tolist() for row in a]
    if a.ndim >= 2 and a.dtype.kind == "f":
        if gram:
            m = f.reshape(-1, a.shape[-1])
            g = m.T.dot(m) if m.shape[0] >= m.shape[1] else m.dot(m.T)
            diag = np.diag(g)
            out["gram_diag"] = [float(diag.min()), float(diag.max())]
            out["gram_off"] = float(np.abs(g - np.diag(diag)).max())
        if a.ndim == 2:
            off = f.copy()
            np.fill_diagonal(off, 0.0)
            d = np.diagonal(f)
            out["diag"] = [float(d.min()), float(d.max())]
            out["off_absmax"] = float(np.abs(off).max())
    return out


def _upgrader():
    from tensorflow.tools.compatibility import ast_edits, tf_upgrade_v2

    return ast_edits.ASTCodeUpgrader(tf_upgrade_v2.TFAPIChangeSpec())


def _upgrade(upgrader, source):
    """tf_upgrade_v2's output for ``source`` (its in-process API, as its own tests call it)."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()):
        _, report, errors = upgrader.process_opened_file("in.py", io.StringIO(source), "out.py", out)
    return out.getvalue(), errors


def _signatures(tf, names):
    """{name: its parameter names, or None where this TensorFlow has no such name}."""
    import inspect

    found = {}
    for name in names:
        obj = tf
        for part in name.split(".")[1:]:
            obj = getattr(obj, part, None)
        found[name] = None if obj is None else list(inspect.signature(obj).parameters)
    return found


def _fetchable(tf, value):
    return isinstance(value, (tf.Tensor, tf.Variable)) or type(value).__name__ in (
        "RefVariable", "ResourceVariable", "EagerTensor")


def _run(tf, mode, program):
    import numpy as np

    v1 = tf.compat.v1
    namespace = {"__name__": "__main__"}
    code = compile(program["source"], program["id"], "exec")
    if mode in ("tf1", "graph"):
        graph = tf.Graph()
        with graph.as_default():
            exec(code, namespace)
            names = program.get("fetch") or sorted(
                k for k, v in namespace.items() if not k.startswith("_") and _fetchable(tf, v))
            with v1.Session(graph=graph) as sess:
                if v1.global_variables():
                    sess.run(v1.global_variables_initializer())
                values = sess.run([namespace[n] for n in names])
    else:
        tf.random.set_seed(None)  # fresh kernels: an op seed draws what a fresh TF1 graph draws
        exec(code, namespace)
        names = program.get("fetch") or sorted(
            k for k, v in namespace.items() if not k.startswith("_") and _fetchable(tf, v))
        values = [np.asarray(namespace[n]) for n in names]
    return {n: summary(v, program.get("gram")) for n, v in zip(names, values)}


def main():
    request = json.load(sys.stdin)
    import warnings

    warnings.filterwarnings("ignore")
    import tensorflow as tf

    v1 = tf.compat.v1
    results = {}
    programs = request["programs"]
    if request["mode"] == "tf1":
        v1.logging.set_verbosity(v1.logging.ERROR)
        batches = [("tf1", programs)]
    else:
        upgrader = None
        for program in programs:
            if program.get("upgrade"):
                upgrader = upgrader or _upgrader()
                try:
                    program["source"], errors = _upgrade(upgrader, program["source"])
                except Exception as error:  # tf_upgrade_v2 crashed on it
                    results[program["id"]] = _failed(program, error)
                    continue
                results[program["id"]] = {"upgrade_errors": errors}
        programs = [p for p in programs if "ok" not in results.get(p["id"], {})]
        batches = [("eager", [p for p in programs if not needs_graph(p.get("source", ""))]),
                   ("graph", [p for p in programs if needs_graph(p.get("source", ""))])]
    switches = dict((name, getattr(v1, name)) for name in GRAPH_SWITCHES)
    for mode, batch in batches:
        if mode == "eager":  # one program turning eager off would change every program after it

            def refuse(*args, **kwargs):
                raise RuntimeError("turns eager execution off in an eager batch")

            for name in GRAPH_SWITCHES:
                setattr(v1, name, refuse)
        elif mode == "graph" and batch:
            for name, switch in switches.items():
                setattr(v1, name, switch)
            v1.disable_v2_behavior()
        for program in batch:
            result = results.setdefault(program["id"], {})
            try:
                if "signatures" in program:
                    result["signatures"] = _signatures(tf, program["signatures"])
                else:
                    result["values"] = _run(tf, mode, program)
                result["ok"] = True
            except BaseException as error:  # the program's own failure is the result
                result.update(_failed(program, error))
            result.update(id=program["id"], source=program.get("source"))
    with open(request["out"], "w") as f:
        json.dump(list(results.values()), f)


def _failed(program, error):
    text = str(error).splitlines()[0] if str(error) else ""
    return {"id": program["id"], "source": program.get("source"), "ok": False,
            "error": "%s: %s" % (type(error).__name__, text)}


if __name__ == "__main__":
    main()
