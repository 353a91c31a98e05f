"""Run in a fresh process per TF1 mode (see conftest.mode_results): pitfall 1, and 8 (tf_keras).

argv: MODE (disable_v2_behavior | disable_eager_execution), CONTROL_FLOW (v1 | v2), SESSIONS.
Prints one JSON line. Process-wide switches cannot be undone, hence one process per combination;
each graph is built once and run in SESSIONS fresh sessions.
"""
import json
import os
import sys
import time

import numpy as np
import tensorflow as tf

v1 = tf.compat.v1
MODE, CONTROL_FLOW, SESSIONS = sys.argv[1], sys.argv[2], int(sys.argv[3])
getattr(v1, MODE)()
(v1.enable_control_flow_v2 if CONTROL_FLOW == "v2" else v1.disable_control_flow_v2)()

import tf1init  # noqa: E402  (after the mode switch, as user code does)

CONFIGS = {"default": None, "grappler_off": tf1init.session_config()}
PATTERNS = ("a*2", "initialized_value()", "initial_value")


def derived(pattern, a, ours):
    if pattern == "a*2":
        return a * 2
    if pattern == "initialized_value()":
        return (tf1init.initialized_value(a) if ours else a.initialized_value()) * 2
    return a.initial_value * 2


def raw_counts(pattern):
    """Fresh sessions running global_variables_initializer(): [errors, wrong values] per config.

    Grappler off first: there a racing pattern fails in (nearly) every session. Only a pattern
    that races there is also run with the default config, where it fails in a few percent."""
    graph = tf.Graph()
    with graph.as_default():
        a = v1.Variable(v1.random_normal([1000]), name="a")
        try:
            b = v1.Variable(derived(pattern, a, ours=False), name="b")
        except NotImplementedError:
            return "NotImplementedError"
        init = v1.global_variables_initializer()
    counts = {}
    for config in ("grappler_off", "default"):
        if config == "default" and not counts["grappler_off"][0]:
            break
        errors = wrong = 0
        for _ in range(SESSIONS):
            with v1.Session(graph=graph, config=CONFIGS[config]) as session:
                try:
                    session.run(init)
                except tf.errors.FailedPreconditionError:
                    errors += 1
                    continue
                va, vb = session.run([a, b])
                wrong += not np.array_equal(vb, 2 * va)
        counts[config] = [errors, wrong]
    return counts


def raw_initial_value_resamples():
    """Initializers run one at a time (as selective code does): b re-draws a's initial value."""
    graph = tf.Graph()
    with graph.as_default():
        a = v1.Variable(v1.random_normal([1000]), name="a")
        b = v1.Variable(a.initial_value * 2, name="b")
    with v1.Session(graph=graph) as session:
        session.run(a.initializer)
        session.run(b.initializer)
        va, vb = session.run([a, b])
    return bool(np.array_equal(vb, 2 * va))


def ours():
    """One graph with all three patterns; fresh sessions, global and selective calls."""
    graph = tf.Graph()
    with graph.as_default():
        pairs = []
        for i, pattern in enumerate(PATTERNS):
            a = v1.Variable(v1.random_normal([1000]), name=f"a{i}")
            pairs.append((a, v1.Variable(derived(pattern, a, ours=True), name=f"b{i}")))
        sources = [a for a, _ in pairs]
        targets = [b for _, b in pairs]
        zero = [v1.assign(a, tf.zeros([1000])) for a in sources]
    result = {}
    for config in CONFIGS:
        failures = 0
        for n in range(SESSIONS):
            with v1.Session(graph=graph, config=CONFIGS[config]) as session:
                try:
                    if n % 2:
                        tf1init.initialize(session, targets[::-1] + sources)  # any order
                    else:
                        tf1init.initialize_all(session)
                except tf1init.Tf1initError:
                    failures += 1
                    continue
                values = session.run(pairs)
                failures += not all(np.array_equal(vb, 2 * va) for va, vb in values)
        result[config] = failures
    # Separate calls: the sources first, then reassigned, then the derived variables.
    with v1.Session(graph=graph) as session:
        tf1init.initialize(session, sources)
        drawn = session.run(sources)
        session.run(zero)
        tf1init.initialize(session, targets)
        later = session.run(targets)
    result["later_call"] = [
        "2*current" if not later[i].any() else "2*drawn" if np.array_equal(later[i], 2 * drawn[i])
        else "other" for i in range(len(PATTERNS))
    ]
    return result


def tf_keras_layers_seed():
    """tf.compat.v1.layers.dense under tf_keras: graph seed alone, then tf1init's seeds."""
    def kernel(how):
        graph = tf.Graph()
        with graph.as_default():
            v1.set_random_seed(1)
            if how == "seed_everything":
                tf1init.seed_everything(1, graph=graph)
            x = v1.placeholder(tf.float32, [None, 3])
            v1.layers.dense(x, 4, name="dense")
            variable = graph.get_collection("variables")[0]
            stateless = any(op.type.startswith("Stateless") for op in graph.get_operations())
            if how == "raw":
                init = v1.global_variables_initializer()
        with v1.Session(graph=graph) as session:
            if how == "raw":
                session.run(init)
            elif how == "seed_everything":
                tf1init.initialize_all(session)
            else:
                tf1init.initialize_all(session, seed=1)
            return session.run(variable), stateless

    out = {"keras": tf.keras.__name__.split(".")[0]}
    for how in ("raw", "seed_everything", "initialize_all(seed=1)"):
        (first, stateless), (second, _) = kernel(how), kernel(how)
        out[how] = bool(np.array_equal(first, second))
        out["stateless"] = stateless
    return out


with tf.Graph().as_default():
    kind = type(v1.Variable(0.0)).__name__
report = {"mode": MODE, "control_flow": CONTROL_FLOW, "kind": kind, "raw": {}, "seconds": {}}
clock = time.perf_counter()
for pattern in PATTERNS:
    report["raw"][pattern] = raw_counts(pattern)
    report["seconds"][pattern] = round(time.perf_counter() - clock, 2)
    clock = time.perf_counter()
report["raw_initial_value_separate_runs_equal"] = raw_initial_value_resamples()
report["ours"] = ours()
report["seconds"]["ours"] = round(time.perf_counter() - clock, 2)
if os.environ.get("TF_USE_LEGACY_KERAS") == "1":
    report["tf_keras"] = tf_keras_layers_seed()
print(json.dumps(report))
