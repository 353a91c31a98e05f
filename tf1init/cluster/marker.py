"""The ready marker: one int64 variable on a parameter server that says the chief is done.

"Every global variable holds a value" is not enough for a worker to start: a restarted chief
restores a checkpoint into variables that already hold values, and a worker that looked then
would train on a half-restored model. So the chief first sets the marker to 0 ("preparing"),
restores or initializes, and only then writes its generation (a number new at each chief
start). The marker is in no collection: no Saver saves it, no initializer resets it. A
parameter server that restarts loses it with the variables, which is how a restart is seen.
"""
import time

from tf1init._tf import tf, v1

NAME = "tf1init_cluster_ready"


class ReadyMarker:
    """The marker's variable and the ops that read and write it, built once in the graph."""

    def __init__(self, graph, device: str):
        with graph.as_default(), graph.name_scope(None), graph.control_dependencies(None), v1.device(device):
            self.variable = v1.Variable(
                tf.constant(0, tf.int64), trainable=False, collections=[], name=NAME, use_resource=True
            )
            self.is_set = v1.is_variable_initialized(self.variable)
            self.value = self.variable.read_value()
            self._generation = v1.placeholder(tf.int64, [], name=NAME + "_generation")
            self._publish = self.variable.assign(self._generation).op
        self.device = device

    def mark_preparing(self, session) -> None:
        """0: the chief is restoring or initializing; workers keep waiting."""
        session.run(self.variable.initializer)

    def publish(self, session) -> int:
        """Write a new generation: the model is ready. Returns it."""
        generation = time.time_ns() // 1000  # microseconds: new at each chief start, never 0
        session.run(self._publish, {self._generation: generation})
        return generation


__all__ = ["ReadyMarker", "NAME"]
