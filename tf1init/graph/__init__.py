"""Reading a TF1 graph, without a session: which variables a selection names, what kind they
are, what each initial value reads, draws and needs fed, dependency layers, seeds, and the
graph-building helpers (``initialized_value``, variables fed from arrays)."""
