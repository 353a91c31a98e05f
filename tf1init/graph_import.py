"""Add ops to a graph from a GraphDef, at half the cost of ``tf.import_graph_def``.

The C import of 10,000 ops takes about 0.1 s; ``import_graph_def`` then spends 0.4 s more in
Python, per op, applying device functions, colocation, control dependencies and control-flow checks.
For the ops tf1init adds (built in a clean context, no colocation attributes) all of that
changes nothing, so this keeps only what every op needs: its Python twin (``tf.Operation``)
registered in the graph, so that ``get_operations()``, ``consumers()`` and name lookups work
as for any other op.
"""
from typing import Dict

from tf1init._tf import c_api, c_api_util, framework_ops, importer, tf


def import_c_ops(graph, graph_def, input_map: Dict, prefix: str) -> str:
    """Import ``graph_def`` under a new unique name scope ``prefix``, and return that scope
    (``input_map``: ``"name:index"`` in graph_def -> existing tensor; the graph must not be
    finalized). The ops exist in the C graph (a session can run them, by name) but have no
    Python twins until ``add_python_twins(graph)``, which must follow before anything else
    uses the graph."""
    graph._check_not_finalized()  # noqa: SLF001
    # A clean context: no control dependencies, control-flow context, device or name scope.
    with graph.as_default(), graph.control_dependencies(None), graph.name_scope(None), graph.device(None):
        scope = graph.unique_name(prefix)
    options = c_api_util.ScopedTFImportGraphDefOptions()
    importer._PopulateTFImportGraphDefOptions(options.options, scope, input_map, [], True, False)  # noqa: SLF001
    buffer = c_api.TF_NewBufferFromString(graph_def.SerializeToString())
    try:
        with graph._c_graph.get() as c_graph:  # noqa: SLF001
            results = c_api.TF_GraphImportGraphDefWithResults(c_graph, buffer, options.options)
        c_api_util.ScopedTFImportGraphDefResults(results)  # frees them
    except tf.errors.InvalidArgumentError as error:
        raise ValueError(str(error)) from error
    finally:
        c_api.TF_DeleteBuffer(buffer)
    return scope


def add_python_twins(graph) -> None:
    """A registered ``tf.Operation`` for every op of the C graph that has none. Nothing of
    ``_create_op_helper`` is needed for ops without colocation, made in a clean context: the
    device is the NodeDef's, and there is no control-flow context or dependency to add."""
    with graph.as_default(), graph.control_dependencies(None):  # the twins' control-flow context
        in_use = graph._names_in_use  # noqa: SLF001
        for c_op in graph.new_operations():
            op = framework_ops.Operation._from_c_op(c_op, graph)  # noqa: SLF001 - registers it
            in_use.setdefault(op.name.lower(), 1)
