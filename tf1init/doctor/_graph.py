"""The layers of a TF1 graph: kernels, their fans, their initial laws, activations and parents.

A kernel is a variable of rank >= 2 read by a MatMul or a convolution in the forward pass
(ops under a ``gradients`` scope are the backward pass and are skipped). Its activation is the
first activation op reached from the layer's output through bias adds, reshapes and batch
norms; its parent is the nearest layer op upstream of its data input.
"""
import math
from typing import Dict, List, Optional, Tuple

import numpy as np

from tf1init._tf import tf, v1
from tf1init.catalogue.dispatch import _OP_TO_LAYER
from tf1init.catalogue.fans import compute_fans
from tf1init.graph.analysis import initial_value_op
from tf1init.doctor._initial_value import from_values, read_initial_law
from tf1init.doctor._model import FROM_INITIALIZER, FROM_SAMPLE, UNKNOWN, Layer
from tf1init.errors import FanError
from tf1init.graph.selection import graph_variables, variable_name

_READS = frozenset({"Identity", "ReadVariableOp", "Cast", "Enter"})
_CONV_FILTER_INPUT = 1
_ACTIVATIONS = {
    "Relu": "relu", "Relu6": "relu6", "Elu": "elu", "Selu": "selu", "LeakyRelu": "leaky_relu",
    "Tanh": "tanh", "Sigmoid": "sigmoid", "Softmax": "softmax", "Softplus": "softplus",
    "Gelu": "gelu",
}
_THROUGH = frozenset({"BiasAdd", "Add", "AddV2", "Identity", "Reshape", "Squeeze"})
_NORMS = frozenset({"FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"})
_SEARCH_LIMIT = 400


def _is_backward(op) -> bool:
    return any(part == "gradients" or part.startswith("gradients_") for part in op.name.split("/"))


def _layer_uses(variable, order: Dict[str, int]) -> List[Tuple[object, int]]:
    """(op, input index) of each forward layer op that reads ``variable`` as its weights."""
    uses, frontier, seen = [], [variable.op], set()
    while frontier:
        op = frontier.pop()
        for out in op.outputs:
            for consumer in out.consumers():
                if consumer.name in seen or _is_backward(consumer):
                    continue
                seen.add(consumer.name)
                if consumer.type in _OP_TO_LAYER:
                    index = [i for i, t in enumerate(consumer.inputs) if t.name == out.name][0]
                    if consumer.type.startswith(("MatMul", "BatchMatMul")) or index == _CONV_FILTER_INPUT:
                        uses.append((consumer, index))
                elif consumer.type in _READS:
                    frontier.append(consumer)
    return sorted(uses, key=lambda use: order.get(use[0].name, math.inf))


def _fans(op, index: int, shape: Tuple[int, ...]) -> Tuple[int, int]:
    if op.type == "MatMul" or op.type.startswith("BatchMatMul"):
        first, second = ("transpose_a", "transpose_b") if op.type == "MatMul" else ("adj_x", "adj_y")
        rows, cols = shape[-2], shape[-1]
        if index == 1:  # x @ W: W's rows are contracted unless W is transposed
            return (cols, rows) if op.get_attr(second) else (rows, cols)
        return (rows, cols) if op.get_attr(first) else (cols, rows)
    if op.type == "DepthwiseConv2dNative":  # each output channel sees one input channel
        field = int(np.prod(shape[:-2]))
        return field, field * shape[-1]
    return compute_fans(shape)


def _activation(op) -> Tuple[str, Optional[float], bool]:
    """(activation, negative slope, normalized) following a layer op's output."""
    frontier, seen, normalized = [op], set(), False
    for _ in range(8):
        following = []
        for node in frontier:
            for consumer in node.outputs[0].consumers() if node.outputs else ():
                if consumer.name in seen or _is_backward(consumer):
                    continue
                seen.add(consumer.name)
                if consumer.type in _ACTIVATIONS:
                    slope = None
                    if consumer.type == "LeakyRelu":  # a float32 attribute: 0.1 reads 0.10000000149
                        slope = float(f"{consumer.get_attr('alpha'):.7g}")
                    return _ACTIVATIONS[consumer.type], slope, normalized
                if consumer.type in _NORMS:
                    normalized = True
                    following.append(consumer)
                elif consumer.type in _THROUGH:
                    following.append(consumer)
        if not following:
            break
        frontier = following
    return "linear", None, normalized


def _parent(op, weight_index: int, layer_ops: Dict[str, str]) -> Optional[str]:
    """The kernel of the nearest layer op upstream of ``op``'s data input."""
    frontier = [t.op for i, t in enumerate(op.inputs) if i != weight_index]
    seen = set()
    while frontier and len(seen) < _SEARCH_LIMIT:
        node = frontier.pop(0)
        if node.name in seen:
            continue
        seen.add(node.name)
        if node.name in layer_ops:
            return layer_ops[node.name]
        frontier.extend(t.op for t in node.inputs)
    return None


def _sample_initial_values(graph, variables) -> Dict[str, np.ndarray]:
    """One sample of each variable's initial value, in one run of a throw-away session.

    Initial values that read other variables are sampled after initializing everything.
    """
    from tf1init.session.initialization import initialize_all
    from tf1init.session.sessions import session_config

    if not variables:
        return {}
    with graph.as_default():
        tensors = [initial_value_op(v).outputs[0] for v in variables]
    with v1.Session(graph=graph, config=session_config()) as session:
        try:
            values = session.run(tensors)
        except tf.errors.OpError:
            try:
                initialize_all(session)
                values = session.run(variables)
            except (tf.errors.OpError, ValueError):
                return {}
    return {variable_name(v): np.asarray(a) for v, a in zip(variables, values)}


def graph_layers(graph) -> Tuple[List[Layer], List[str]]:
    """(layers in forward order, notes) of a TF1 graph."""
    order = {op.name: i for i, op in enumerate(graph.get_operations())}
    found = []
    for variable in graph_variables(graph):
        shape = variable.shape
        if shape.rank is None or shape.rank < 2 or not shape.is_fully_defined():
            continue
        uses = _layer_uses(variable, order)
        if uses:
            found.append((variable, uses))
    found.sort(key=lambda item: order.get(item[1][0][0].name, math.inf))
    layer_ops = {uses[0][0].name: variable_name(var) for var, uses in found}
    notes, rows, pending = [], [], []
    for variable, uses in found:
        op, index = uses[0]
        name = variable_name(variable)
        shape = tuple(variable.shape.as_list())
        try:
            fan_in, fan_out = _fans(op, index, shape)
        except FanError as error:
            notes.append(f"{name}: skipped, {error}")
            continue
        activation, slope, normalized = _activation(op)
        with graph.as_default():
            law = read_initial_law(initial_value_op(variable).outputs[0], shape)
        note = f"shared by {len(uses)} ops" if len(uses) > 1 else ""
        row = dict(name=name.rpartition("/")[0] or name, kernel=name,
                   layer_type=_OP_TO_LAYER[op.type], shape=shape, fan_in=int(fan_in),
                   fan_out=int(fan_out), activation=activation, negative_slope=slope,
                   normalized=normalized, parent=_parent(op, index, layer_ops), note=note)
        if law is not None:
            row.update(initializer=law.description, variance=law.variance,
                       source=FROM_INITIALIZER, constant=law.constant)
        else:
            pending.append((variable, row))
        rows.append(row)
    samples = _sample_initial_values(graph, [v for v, _ in pending])
    for variable, row in pending:
        values = samples.get(variable_name(variable))
        if values is None:
            row.update(initializer=f"unreadable ({initial_value_op(variable).type})", variance=None,
                       source=UNKNOWN, constant=None)
            notes.append(f"{row['kernel']}: its initial value could not be read from the graph "
                         "nor sampled (does it need a feed?): no variance")
            continue
        law = from_values(values, f"sampled (std {float(np.std(values)):.3g})")
        row.update(initializer=law.description, variance=law.variance, source=FROM_SAMPLE,
                   constant=law.constant)
    scopes = [row["name"] for row in rows]
    for row in rows:
        if scopes.count(row["name"]) > 1:  # two kernels in one scope: name them by variable
            row["name"] = row["kernel"]
    return [Layer(**row) for row in rows], notes
