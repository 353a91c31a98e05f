"""Run one program as ``__main__`` and record every variable it creates: the child side of verify.

This file runs in its own interpreter, often a TF 1.15 one (Python 3.7) where tf1init is not
installed, so it is passed by path and uses only the standard library, numpy and TensorFlow, in
Python 3.7 syntax. ``tf1init verify`` never imports TensorFlow itself.

    python harness.py OUT_DIR MODE PROGRAM [ARGS...]

MODE is ``plain`` (the program imports whatever TensorFlow is installed) or ``shim`` (``import
tensorflow`` gives ``tensorflow.compat.v1`` with v2 behaviour off: a TF1 stand-in on TF 2.x).
Writes OUT_DIR/variables.json (names, shapes, dtypes, where each value was read) and
OUT_DIR/values.npz, even when the program fails; exits with the program's status.

How values are read without changing what the program draws:
- graph mode: ``Session.run`` is wrapped. After a run that executed a variable's assign op (an
  initializer, a restore), the variable is read by fetching tensors already in the graph (a ref
  variable's own output, a resource variable's existing ReadVariableOp). No op is ever added to
  the program's graph: TF 1.x derives op seeds from the graph's op count, so one extra op would
  change every later random draw. Nothing random is executed.
- eager mode (TF2 programs): a variable creator scope reads each variable's value when it is
  created (Keras 3 layers' variables included: they are ``tf.Variable`` underneath).
"""
import functools
import importlib
import json
import os
import runpy
import sys
import threading
import time
import traceback
import types
import weakref

# `python harness.py` puts this file's folder first on sys.path: the program must not see it.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]

import numpy as np  # noqa: E402

VARIABLE_OPS = ("VariableV2", "Variable", "VarHandleOp")
ASSIGN_OPS = ("Assign", "AssignVariableOp")
STORABLE_KINDS = "biufc"


class _ShimModule(types.ModuleType):
    """``tensorflow`` as a TF1 program expects it: compat.v1 names first, then TF 2's own."""

    def __init__(self, real, v1):
        types.ModuleType.__init__(self, "tensorflow", real.__doc__)
        self.__dict__["_real"] = real
        self.__dict__["_v1"] = v1
        self.__path__ = list(getattr(real, "__path__", []))
        self.__file__ = getattr(real, "__file__", None)

    def __getattr__(self, name):
        try:
            return getattr(self.__dict__["_v1"], name)
        except AttributeError:
            return getattr(self.__dict__["_real"], name)

    def __dir__(self):
        return sorted(set(dir(self.__dict__["_v1"])) | set(dir(self.__dict__["_real"])))


def import_tensorflow(mode):
    """The TensorFlow module the recorder uses (the real one), after installing the shim if asked."""
    # importlib by name: this file is a child-process script, never imported by tf1init itself.
    tf = importlib.import_module("tensorflow")
    if mode == "shim":
        v1 = tf.compat.v1
        v1.disable_v2_behavior()
        sys.modules["tensorflow"] = _ShimModule(tf, v1)
    return tf


class _GraphState(object):
    """What is known about one graph: its variable ops in creation order, which are read."""

    def __init__(self, index):
        self.index = index
        self.version = -1
        self.seen_ops = 0
        self.pending = {}  # variable op name -> record, not read yet
        self.assigned = {}  # fetched op names -> variable op names their run assigns
        self.assigned_version = -1


class Recorder(object):
    """Collects each variable's name, shape, dtype and first readable value."""

    def __init__(self, tf):
        self.tf = tf
        self.records = []
        self.values = {}
        self.lock = threading.RLock()
        self.graphs = weakref.WeakKeyDictionary()  # a program may build and drop many graphs
        self.graph_count = 0
        self.names = set()
        self.eager_names = {}
        self.lifted = []  # (record, variable) created inside a tf.function: read at exit
        self.original_run = None
        self.errors = []

    # -- records -------------------------------------------------------------------------------
    def _new_record(self, name, shape, dtype, kind, graph, read_at):
        if name in self.names:
            name = "%s (graph %d)" % (name, graph) if graph is not None else name + " (again)"
        self.names.add(name)
        record = {
            "name": name, "shape": shape, "dtype": dtype, "kind": kind, "order": len(self.records),
            "graph": graph, "initialized": False, "read_at": read_at, "value": None, "note": None,
        }
        self.records.append(record)
        return record

    def _store(self, record, value):
        value = np.asarray(value)
        if value.dtype.kind not in STORABLE_KINDS:
            try:
                value = value.astype(np.float32)
                record["note"] = "stored as float32 (numpy cannot save its dtype)"
            except (TypeError, ValueError):
                record["note"] = "values of dtype %s are not compared" % value.dtype
                record["initialized"] = True
                return
        key = "v%d" % record["order"]
        self.values[key] = value
        record["value"] = key
        record["initialized"] = True
        record["shape"] = list(value.shape)

    # -- graph mode ----------------------------------------------------------------------------
    def _state(self, graph):
        state = self.graphs.get(graph)
        if state is None:
            self.graph_count += 1
            state = _GraphState(self.graph_count)
            self.graphs[graph] = state
        return state

    def _discover(self, graph, state):
        """Register variable ops created since the last look, in creation order."""
        if graph.version == state.version:
            return
        ops = graph.get_operations()
        for op in ops[state.seen_ops:]:
            if op.type not in VARIABLE_OPS:
                continue
            try:
                shape = self.tf.TensorShape(op.get_attr("shape")).as_list()
            except Exception:  # an op without a static shape attribute
                shape = None
            dtype = self.tf.as_dtype(op.get_attr("dtype")).name
            kind = "resource" if op.type == "VarHandleOp" else "ref"
            record = self._new_record(op.name + ":0", shape, dtype, kind, state.index,
                                      "after the first Session.run that assigned it")
            record["_op"] = op
            state.pending[op.name] = record
        state.seen_ops = len(ops)
        state.version = graph.version

    def _fetched_ops(self, graph, fetches):
        ops, stack = [], [fetches]
        while stack:
            item = stack.pop()
            if item is None:
                continue
            if isinstance(item, dict):
                stack.extend(item.values())
                continue
            if isinstance(item, (list, tuple)):
                stack.extend(item)
                continue
            try:
                element = graph.as_graph_element(item, allow_tensor=True, allow_operation=True)
            except Exception:  # not a graph element (TF raised its own error to the program)
                continue
            ops.append(getattr(element, "op", element))
        return ops

    def _assigned_by(self, graph, state, fetches):
        """Names of the variable ops whose assign ops the run of ``fetches`` executed."""
        roots = self._fetched_ops(graph, fetches)
        key = tuple(sorted(op.name for op in roots))
        if state.assigned_version != graph.version:  # ops were added: the closures may have grown
            state.assigned, state.assigned_version = {}, graph.version
        found = state.assigned.get(key)
        if found is not None:
            return found
        found, seen, stack = set(), set(), list(roots)
        while stack:
            op = stack.pop()
            if op.name in seen:
                continue
            seen.add(op.name)
            if op.type in ASSIGN_OPS and op.inputs:
                target = op.inputs[0].op
                if target.type in VARIABLE_OPS:
                    found.add(target.name)
            stack.extend(tensor.op for tensor in op.inputs)
            stack.extend(op.control_inputs)
        found = frozenset(found)
        state.assigned[key] = found
        return found

    def _read_tensor(self, record):
        op = record["_op"]
        if record["kind"] == "ref":
            return op.outputs[0]
        reads = [c for c in op.outputs[0].consumers() if c.type == "ReadVariableOp"]
        own = [c for c in reads if c.name == op.name + "/Read/ReadVariableOp"]
        for candidate in own + reads:
            return candidate.outputs[0]
        return None

    def _read(self, session, records):
        """Fetch the records' values in one run; split the batch when one of them cannot be read."""
        errors = self.tf.errors
        tensors = [self._read_tensor(r) for r in records]
        readable = [(r, t) for r, t in zip(records, tensors) if t is not None]
        for r, t in zip(records, tensors):
            if t is None:
                r["note"] = "resource variable without a ReadVariableOp in the graph: not read"
        if not readable:
            return
        try:
            values = self.original_run(session, [t for _, t in readable])
        except errors.OpError as error:
            if len(readable) == 1:
                if not isinstance(error, errors.FailedPreconditionError):
                    readable[0][0]["note"] = "not read: %s" % type(error).__name__
                return
            half = len(readable) // 2
            self._read(session, [r for r, _ in readable[:half]])
            self._read(session, [r for r, _ in readable[half:]])
            return
        for (record, _), value in zip(readable, values):
            self._store(record, value)

    def after_run(self, session, fetches):
        graph = session.graph
        with self.lock:
            state = self._state(graph)
            self._discover(graph, state)
            if not state.pending:
                return
            assigned = self._assigned_by(graph, state, fetches)
            todo = [state.pending[name] for name in assigned if name in state.pending]
            if not todo:
                return
            todo.sort(key=lambda r: r["order"])
            self._read(session, todo)
            for record in todo:
                if record["initialized"]:
                    del state.pending[record["_op"].name]

    def wrap_session_run(self):
        base = [c for c in self.tf.compat.v1.Session.__mro__ if "run" in vars(c)][0]
        original = base.run
        self.original_run = original
        recorder = self

        def run(session, fetches, *args, **kwargs):
            result = original(session, fetches, *args, **kwargs)
            try:
                recorder.after_run(session, fetches)
            except Exception as error:  # recording must never change what the program does
                recorder.errors.append("after Session.run: %r" % (error,))
            return result

        run.__doc__ = original.__doc__
        base.run = run

    # -- eager mode ----------------------------------------------------------------------------
    def _eager_name(self, name):
        """TF1-style unique names: eager mode does not uniquify ``Variable:0``."""
        base = name[:-2] if name.endswith(":0") else name
        count = self.eager_names.get(base, 0)
        self.eager_names[base] = count + 1
        return name if count == 0 else "%s_%d:0" % (base, count)

    def _inside_function(self):
        return getattr(self.tf, "inside_function", lambda: False)()

    def on_created(self, variable, initial_values):
        tf = self.tf
        if tf.executing_eagerly():
            with self.lock:
                record = self._new_record(self._eager_name(variable.name), variable.shape.as_list(),
                                          variable.dtype.base_dtype.name, "eager", None, "creation")
                self._store(record, variable.numpy())
        elif self._inside_function():
            # Created while a tf.function is traced (Keras 3 builds optimizer slots so): its value
            # exists only once the function runs. A constant initial value (zeros) is known now
            # without running anything; otherwise the value is read when the program ends.
            constant = tf.get_static_value(initial_values[0]) if initial_values else None
            with self.lock:
                read_at = ("creation (constant initial value in a tf.function)" if constant is not None
                           else "program exit (created inside a tf.function)")
                record = self._new_record(self._eager_name(variable.name), variable.shape.as_list(),
                                          variable.dtype.base_dtype.name, "eager", None, read_at)
                if constant is not None:
                    self._store(record, np.broadcast_to(constant, variable.shape.as_list()))
                else:
                    self.lifted.append((record, variable))
        # else: a graph-mode variable, read by the Session.run wrapper.

    def creator_scope(self):
        recorder = self

        def creator(next_creator, **kwargs):
            captured = []
            initial = kwargs.get("initial_value")
            if recorder._inside_function() and not recorder.tf.executing_eagerly():
                if isinstance(initial, (types.FunctionType, functools.partial)):
                    # Called once by TensorFlow as before; the wrapper only keeps its result.
                    def initial_value():
                        value = initial()
                        captured.append(value)
                        return value

                    kwargs["initial_value"] = initial_value
                elif initial is not None and not callable(initial):
                    captured.append(initial)
            variable = next_creator(**kwargs)
            try:
                recorder.on_created(variable, captured)
            except Exception as error:
                recorder.errors.append("at variable creation: %r" % (error,))
            return variable

        scope = getattr(self.tf, "variable_creator_scope", None) or getattr(
            self.tf.compat.v1, "variable_creator_scope")
        return scope(creator)

    def finish(self):
        for record, variable in self.lifted:
            try:
                self._store(record, variable.numpy())
            except Exception as error:
                record["note"] = "not read at exit: %s" % type(error).__name__

    def write(self, folder, info):
        records = []
        for record in self.records:
            record = dict(record)
            record.pop("_op", None)
            records.append(record)
        info = dict(info, variables=records, recorder_errors=self.errors)
        np.savez(os.path.join(folder, "values.npz"), **self.values)
        with open(os.path.join(folder, "variables.json"), "w") as handle:
            json.dump(info, handle)


class _NoScope(object):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def run_program(path, args):
    """Run ``path`` as __main__ the way ``python path args`` would; (status, code, error text)."""
    folder = os.path.dirname(path)
    sys.argv = [path] + list(args)
    sys.path.insert(0, folder)
    os.chdir(folder)
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as exit_:
        code = exit_.code
        if code is None or code == 0:
            return "ok", 0, None
        if isinstance(code, int):
            return "exit", code, "sys.exit(%d)" % code
        sys.stderr.write("%s\n" % (code,))
        return "exit", 1, "sys.exit(%r)" % (code,)
    except BaseException as error:
        sys.stderr.write(traceback.format_exc())
        lines = str(error).strip().splitlines()
        return "exception", 1, "%s: %s" % (type(error).__name__, lines[0] if lines else "")
    return "ok", 0, None


def main(argv):
    if len(argv) < 3 or argv[1] not in ("plain", "shim"):
        sys.stderr.write("usage: harness.py OUT_DIR {plain,shim} PROGRAM [ARGS...]\n")
        return 2
    out, mode, program, args = os.path.abspath(argv[0]), argv[1], os.path.abspath(argv[2]), argv[3:]
    info = {"program": program, "mode": mode, "python": sys.version.split()[0],
            "executable": sys.executable, "tensorflow": None}
    start = time.time()
    try:
        with open(program, "rb") as handle:
            compile(handle.read(), program, "exec")  # a syntax error needs no TensorFlow import
    except (OSError, SyntaxError):
        sys.stderr.write(traceback.format_exc())
        info.update(status="exception", code=1, error=traceback.format_exc().strip().splitlines()[-1])
        Recorder(None).write(out, info)
        return 1
    tf = import_tensorflow(mode)
    info["tensorflow"] = tf.__version__
    info["import_seconds"] = time.time() - start
    recorder = Recorder(tf)
    recorder.wrap_session_run()
    start = time.time()
    # Eager programs only: graph-mode variables are read after Session.run, and a creator scope
    # entered in graph mode would sit on one graph's creator stack for the whole program.
    scope = recorder.creator_scope() if tf.executing_eagerly() else _NoScope()
    try:
        with scope:
            status, code, error = run_program(program, args)
        recorder.finish()
    finally:
        sys.stdout.flush()
    info.update(status=status, code=code, error=error, run_seconds=time.time() - start)
    recorder.write(out, info)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
