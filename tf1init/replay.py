"""Compute initial values outside the session, bit for bit, so that one small run assigns them.

A session's first run of an op costs graph set-up (placement, XLA and oneDNN passes, kernel
creation) far above its arithmetic, and a TF1 initial value is several ops per variable: a
seeded random op and a little arithmetic on constants. The k-th run of a stateful random op
with seeds (s, s2) draws the Philox stream that its stateless V2 twin draws with key s and
counter (k * n * 256, s2) (n elements; 256 is TF's reserve multiplier), so we draw with that
twin in eager mode (the same CPU kernels, even where eager execution is disabled), do exact
IEEE arithmetic (+, -, *) in numpy, and run anything else from a short list of stateless ops
eagerly. Initial values that read a variable, take a feed, or use any other op run in the
session as before.
"""
import math
import secrets
import weakref
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from tf1init._graph_state import state_of
from tf1init._tf import eager_context, framework_ops, pywrap_tfe, tf
from tf1init.dependencies import node

_CPU = "/job:localhost/replica:0/task:0/device:CPU:0"
_MASK64 = (1 << 64) - 1
_PHILOX = np.int32(1)  # the Philox algorithm id of the stateless V2 ops

# Stateful random op -> its stateless twin (same kernel template, same distribution).
STATELESS_TWIN = {
    "RandomStandardNormal": "StatelessRandomNormalV2",
    "TruncatedNormal": "StatelessTruncatedNormalV2",
    "RandomUniform": "StatelessRandomUniformV2",
    "RandomUniformInt": "StatelessRandomUniformIntV2",
}
# Elementwise ops numpy computes with the same single IEEE rounding as TF's kernels.
_NUMPY_BINARY = {"Mul": np.multiply, "AddV2": np.add, "Add": np.add, "Sub": np.subtract}
_NUMPY_FLOATS = frozenset({np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)})
_NUMPY_OPS = frozenset(_NUMPY_BINARY) | {"Identity", "Neg", "Fill", "Reshape", "Const"}
# Stateless ops seen in TF1 and Keras initializers, run eagerly with the session's kernels.
# Left out on purpose: reductions and matmuls (their float sums may split by thread count).
EAGER_OPS = frozenset({
    "Cast", "FloorMod", "Sign", "Abs", "Sqrt", "Rsqrt", "Square", "RealDiv", "Div", "Maximum",
    "Minimum", "Floor", "Ceil", "DiagPart", "MatrixDiag", "MatrixDiagV3", "MatrixDiagPartV3",
    "Qr", "Transpose", "ExpandDims", "Squeeze", "Tile", "Pack", "ConcatV2", "StridedSlice",
    "Slice", "ZerosLike", "OnesLike", "Range", "Shape",
    "StatelessRandomGetKeyCounter", "StatelessRandomNormalV2", "StatelessTruncatedNormalV2",
    "StatelessRandomUniformV2", "StatelessRandomUniformIntV2", "StatelessRandomUniformFullIntV2",
    "StatelessRandomNormal", "StatelessTruncatedNormal", "StatelessRandomUniform",
    "StatelessRandomUniformInt",
})
REPLAYABLE_OPS = frozenset(STATELESS_TWIN) | _NUMPY_OPS | EAGER_OPS
# Ops that Replay.values computes for many same-form plans at once.
_BATCHED = frozenset(STATELESS_TWIN) | frozenset(_NUMPY_BINARY) | {"Identity", "Neg"}
_FLOAT_ENUMS = frozenset({1, 2, 19})  # DataType enums of float32, float64, float16
# session -> whether replayed values equal what the session would compute
_ALLOWED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


class NotReplayable(Exception):
    """An op the replay cannot reproduce exactly; the variable runs in the session instead."""


class Plan:
    """The output ``root`` (op name, index) to compute, made only of replayable ops."""

    __slots__ = ("root",)

    def __init__(self, root: Tuple[str, int]):
        self.root = root


def plan_for(graph, root: Tuple[str, int], op_names) -> Optional[Plan]:
    """A Plan if every op in ``op_names`` (the initial value's ops) can be replayed."""
    nodes = state_of(graph).nodes
    for name in op_names:
        found = node(graph, name, nodes)
        if found.type not in REPLAYABLE_OPS or found.controls:
            return None
    return Plan(root)


def replay_allowed(session) -> bool:
    """Replay only where the session computes on this process's CPU (GPU kernels may round
    differently, a remote session may run another build) and no GPU is visible (starting
    eager mode there would reserve GPU memory the session needs)."""
    allowed = _ALLOWED.get(session)
    if allowed is None:
        allowed = (
            not session.sess_str
            and all(d.device_type == "CPU" for d in session.list_devices())
            and not tf.config.list_physical_devices("GPU")
        )
        _ALLOWED[session] = allowed
    return allowed


class Replay:
    """One call's computation: shared ops (a source and what derives from it) draw once."""

    def __init__(self, session, preset: Optional[Dict[Tuple[str, int], np.ndarray]] = None):
        self.graph = session.graph
        self.state = state_of(self.graph)
        self.nodes = self.state.nodes
        self.counts = self.state.draws.setdefault(session, {})
        self.pending: Dict[str, int] = {}
        self.memo: Dict[Tuple[str, int], np.ndarray] = dict(preset or {})
        eager_context.context().ensure_initialized()
        self.handle = eager_context.context()._handle  # noqa: SLF001 - the eager C context
        self.philox = framework_ops.EagerTensor(_PHILOX, _CPU)
        self.shapes: Dict[tuple, object] = {}  # shape arrays -> eager tensors, shared

    def value(self, plan: Plan) -> np.ndarray:
        """The initial value ``plan`` describes; raises NotReplayable."""
        with np.errstate(all="ignore"):  # overflow to inf is what TF computes too
            return self._output(plan.root)

    def values(self, plans: Sequence[Plan]) -> List[np.ndarray]:
        """``value`` of each plan; plans of the same form (a model's layers: the same ops and
        constants, other seeds) are computed together, one numpy op per op of the form over
        all of their draws stacked, bit for bit what ``value`` computes for each alone (the
        same elementwise IEEE operations). Raises NotReplayable."""
        forms: Dict[tuple, List[int]] = {}
        for index, plan in enumerate(plans):
            forms.setdefault(self._form(plan.root), []).append(index)
        results: List[Optional[np.ndarray]] = [None] * len(plans)
        with np.errstate(all="ignore"):  # overflow to inf is what TF computes too
            for form, indexes in forms.items():
                if form is None or len(indexes) == 1:
                    for i in indexes:
                        results[i] = self._output(plans[i].root)
                    continue
                stacked, value = self._together([plans[i].root for i in indexes], {})
                for row, i in enumerate(indexes):
                    results[i] = value[row] if stacked else value
        return results

    def _form(self, ref: Tuple[str, int]):
        """A hashable description of the computation of ``ref`` without its op names and
        seeds, or None if it has an op that ``_together`` does not batch."""
        found = self.nodes.get(ref[0]) or node(self.graph, ref[0], self.nodes)
        op_type = found.type
        if op_type == "Const":
            if found.attrs is None:
                return None
            return ("Const", found.attrs["value"].SerializeToString(deterministic=True))
        if op_type not in _BATCHED:
            return None
        inputs = tuple(self._form(r) for r in found.inputs)
        if None in inputs or found.controls:
            return None
        attrs = found.attrs
        if op_type in STATELESS_TWIN:
            kind = (attrs["dtype"].type, attrs["T"].type, attrs["Tout"].type if op_type == "RandomUniformInt" else 0,
                    (attrs["seed"].i, attrs["seed2"].i) == (0, 0))
        elif "T" in attrs and attrs["T"].type in _FLOAT_ENUMS:  # numpy's IEEE arithmetic is TF's
            kind = attrs["T"].type
        else:
            return None
        return (op_type, ref[1], kind, inputs)

    def _together(self, refs: List[Tuple[str, int]], done: Dict) -> Tuple[bool, np.ndarray]:
        """(stacked, value) of the same-form outputs ``refs``: one value shared by all (no
        draw below it), or their values stacked on a new first axis."""
        key = refs[0]
        if key in done:
            return done[key]
        first = self.nodes[key[0]]
        if first.type == "Const" or not self._draws_below(key):
            result = (False, self._output(key))
        elif first.type in STATELESS_TWIN:
            others = [self._output(r) for r in first.inputs]  # constants: the same for all
            rows = []
            for ref in refs:
                drawn = self.memo.get(ref)
                if drawn is None:
                    drawn = self.memo[ref] = self._draw(self.nodes[ref[0]], others)[0]
                rows.append(drawn)
            result = (True, np.stack(rows))
        else:
            inputs = [self._together([self.nodes[r[0]].inputs[position] for r in refs], done)
                      for position in range(len(first.inputs))]
            rank = max(value.ndim - stacked for stacked, value in inputs)
            # Stacked operands get the batch axis in front of their own shape broadcast to
            # the op's rank; shared ones broadcast as they would alone.
            arrays = [value.reshape(value.shape[:1] + (1,) * (rank - value.ndim + 1) + value.shape[1:])
                      if stacked else value for stacked, value in inputs]
            if first.type == "Identity":
                out = arrays[0]
            elif first.type == "Neg":
                out = np.negative(arrays[0])
            else:
                out = _NUMPY_BINARY[first.type](arrays[0], arrays[1])
            result = (True, out)
        done[key] = result
        return result

    def _draws_below(self, ref) -> bool:
        found = self.nodes[ref[0]]
        return found.type in STATELESS_TWIN or any(self._draws_below(r) for r in found.inputs)

    def commit(self) -> None:
        """Count the draws once the session has assigned them."""
        self.counts.update(self.pending)
        self.pending.clear()

    def _output(self, ref: Tuple[str, int]) -> np.ndarray:
        found = self.memo.get(ref)
        if found is None:
            found_node = self.nodes.get(ref[0]) or node(self.graph, ref[0], self.nodes)
            inputs = [self._output(r) for r in found_node.inputs]
            outputs = self._compute(found_node, inputs)
            for index, out in enumerate(outputs):
                self.memo[(ref[0], index)] = out
            found = outputs[ref[1]]
        return found

    def _compute(self, found, inputs: List[np.ndarray]) -> Sequence[np.ndarray]:
        op_type = found.type
        if op_type == "Const":
            if found.attrs is None:  # a big array: read it from the graph each time
                return [tf.make_ndarray(self.graph.get_operation_by_name(found.name).get_attr("value"))]
            if found.value is None:  # small: decode once, share (read-only) between calls
                found.value = _const(found.attrs["value"].tensor)
                found.value.flags.writeable = False
            return [found.value]
        if op_type == "Identity":
            return inputs
        if op_type in _NUMPY_BINARY and _floats(inputs):
            return [_NUMPY_BINARY[op_type](inputs[0], inputs[1])]
        if op_type == "Neg" and _floats(inputs):
            return [np.negative(inputs[0])]
        if op_type == "Fill":
            return [np.full(tuple(int(d) for d in inputs[0]), inputs[1], dtype=inputs[1].dtype)]
        if op_type == "Reshape":
            return [np.reshape(inputs[0], tuple(int(d) for d in inputs[1]))]
        if op_type in STATELESS_TWIN:
            return self._draw(found, inputs)
        if op_type in _NUMPY_OPS or op_type in EAGER_OPS:
            num_outputs = len(self.graph.get_operation_by_name(found.name).outputs)
            return self._eager(op_type, inputs, _eager_attrs(found.attrs), num_outputs)
        raise NotReplayable(op_type)

    def _draw(self, found, inputs):
        attrs = found.attrs
        seed, seed2 = attrs["seed"].i, attrs["seed2"].i
        if seed == 0 and seed2 == 0:  # TF draws fresh random seeds: so do we
            seed, seed2, draw = secrets.randbits(64), secrets.randbits(64), 0
        else:
            draw = self.counts.get(found.name, 0)
            self.pending[found.name] = draw + 1
        size = math.prod(int(d) for d in inputs[0].reshape(-1))
        counter = ((seed2 & _MASK64) << 64) + draw * size * 256
        shape = self.shapes.get((inputs[0].dtype, inputs[0].tobytes()))
        if shape is None:
            shape = self.shapes[(inputs[0].dtype, inputs[0].tobytes())] = framework_ops.EagerTensor(inputs[0], _CPU)
        arguments = [
            shape,
            np.array([seed & _MASK64], np.uint64),
            np.array([counter & _MASK64, (counter >> 64) & _MASK64], np.uint64),
            self.philox,
        ] + inputs[1:]
        dtype = attrs["Tout"].type if found.type == "RandomUniformInt" else attrs["dtype"].type
        twin_attrs = ("dtype", dtype, "Tshape", attrs["T"].type)
        return self._eager(STATELESS_TWIN[found.type], arguments, twin_attrs, 1)

    def _eager(self, op_type, inputs, attrs, num_outputs):
        tensors = [
            x if isinstance(x, framework_ops.EagerTensor) else framework_ops.EagerTensor(np.asarray(x), _CPU)
            for x in inputs
        ]
        try:
            outputs = pywrap_tfe.TFE_Py_Execute(self.handle, _CPU, op_type, tensors, attrs, num_outputs)
        except Exception as error:  # an op this build cannot run eagerly: run it in the session
            raise NotReplayable(f"{op_type}: {error}") from None
        return [out.numpy() for out in outputs]


def _floats(inputs) -> bool:
    dtype = inputs[0].dtype
    return dtype in _NUMPY_FLOATS and all(x.dtype == dtype for x in inputs)


_FAST_CONST = {1: ("float_val", np.float32), 2: ("double_val", np.float64), 3: ("int_val", np.int32), 9: ("int64_val", np.int64)}


def _const(proto) -> np.ndarray:
    """A Const op's value; the common small cases without ``tf.make_ndarray``'s overhead."""
    fast = _FAST_CONST.get(proto.dtype)
    if fast is not None:
        shape = tuple(d.size for d in proto.tensor_shape.dim)
        field, dtype = fast
        if proto.tensor_content:
            return np.frombuffer(proto.tensor_content, dtype).reshape(shape).copy()
        values = getattr(proto, field)
        if len(values) == 1:
            return np.full(shape, values[0], dtype)
    return tf.make_ndarray(proto)


def _eager_attrs(attr_map) -> tuple:
    """A NodeDef's attributes as the flat (name, value, ...) tuple eager execution takes."""
    flat = []
    for key in attr_map:
        if key.startswith("_"):
            continue
        value = attr_map[key]
        kind = value.WhichOneof("value")
        if kind == "type":
            flat += [key, value.type]
        elif kind in ("i", "f", "b", "s"):
            flat += [key, getattr(value, kind)]
        elif kind == "shape":
            flat += [key, None if value.shape.unknown_rank else [d.size for d in value.shape.dim]]
        elif kind == "list" and not value.list.shape and not value.list.tensor and not value.list.func:
            items = value.list
            flat += [key, list(items.type) or list(items.i) or list(items.f) or list(items.b) or list(items.s)]
        else:
            raise NotReplayable(f"attribute {key} ({kind})")
    return tuple(flat)

