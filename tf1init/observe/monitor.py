"""Record weight statistics while a model trains: a Keras callback and a TF1 session hook.

Both keep a :class:`StatsHistory`: the statistics of :func:`tf1init.weight_stats` at the start
(epoch / step 0, right after initialization) and then per epoch (callback) or every N steps
(hook), and can draw how each layer's std, mean, largest magnitude and zero fraction evolve.
A layer whose std collapses towards 0, or whose zeros climb (dead ReLUs), shows here first.

    >>> import numpy as np, tf1init
    >>> import tensorflow as tf
    >>> glorot = tf.keras.initializers.GlorotUniform(seed=1)  # seeded: the same run every time
    >>> model = tf.keras.Sequential([tf.keras.Input((3,)),
    ...                              tf.keras.layers.Dense(2, kernel_initializer=glorot, name="dense")],
    ...                             name="net")
    >>> model.compile("sgd", "mse")
    >>> callback = tf1init.WeightStatsCallback()
    >>> _ = model.fit(np.ones((8, 3)), np.ones((8, 2)), epochs=2, verbose=0, callbacks=[callback])
    >>> callback.history.steps
    [0, 1, 2]
    >>> xs, means = callback.history.series("net/dense/kernel", "mean")
    >>> means[2] > means[0]          # SGD towards targets of 1 raises the weights
    True
"""
import json
from typing import List, Optional, Tuple

from tf1init._tf import tf, v1
from tf1init.observe.stats import WeightReport, weight_stats


class StatsHistory:
    """Weight statistics recorded at several points of training, in order.

    ``points`` is a list of (epoch or step, :class:`tf1init.observe.stats.WeightReport`); ``unit`` is
    "epoch" or "step" (the x axis of :meth:`plot`).
    """

    def __init__(self, unit: str):
        self.unit = unit
        self.points: List[Tuple[int, WeightReport]] = []

    def record(self, x: int, report: WeightReport) -> None:
        self.points.append((int(x), report))

    @property
    def steps(self) -> List[int]:
        return [x for x, _ in self.points]

    def series(self, name: str, stat: str) -> Tuple[List[int], List[Optional[float]]]:
        """(x values, values of ``stat``) of one variable, e.g. ``series("dense/kernel", "std")``."""
        xs, ys = [], []
        for x, report in self.points:
            if name in report.names:
                xs.append(x)
                ys.append(getattr(report[name], stat))
        if not xs:
            known = sorted({n for _, r in self.points for n in r.names})
            raise KeyError(f"no variable {name!r} was recorded; recorded: {known}")
        return xs, ys

    def to_dict(self) -> dict:
        return {"unit": self.unit,
                "points": [{self.unit: x, **report.to_dict()} for x, report in self.points]}

    def to_json(self, indent: Optional[int] = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    def plot(self, path, **kwargs):
        """Draw the history as a PNG (see :func:`tf1init.observe.plots.plot_history`)."""
        from tf1init.observe.plots import plot_history

        return plot_history(self, path, **kwargs)


class WeightStatsCallback(tf.keras.callbacks.Callback):
    """A Keras callback: weight statistics before training (epoch 0) and after every epoch.

    ``selection`` picks variables as in :func:`tf1init.weight_stats` (scope prefix, regex,
    names); ``every`` records every N-th epoch (the last epoch is always recorded); ``path``,
    if given, is where the evolution figure is written when training ends.
    """

    def __init__(self, selection=None, *, every: int = 1, path=None):
        super().__init__()
        if int(every) < 1:
            raise ValueError(f"every={every!r}: record at least every 1 epoch")
        self.selection = selection
        self.every = int(every)
        self.path = path
        self.history = StatsHistory("epoch")
        self.plot_file = None
        self._last_epoch = None

    def _record(self, epoch: int) -> None:
        self.history.record(epoch, weight_stats(self.model, self.selection))

    def on_train_begin(self, logs=None):
        if not self.history.points:
            self._record(0)

    def on_epoch_end(self, epoch, logs=None):
        self._last_epoch = epoch + 1
        if (epoch + 1) % self.every == 0:
            self._record(epoch + 1)

    def on_train_end(self, logs=None):
        if self._last_epoch is not None and self.history.steps[-1] != self._last_epoch:
            self._record(self._last_epoch)
        if self.path is not None:
            self.plot_file = self.history.plot(self.path)


class WeightStatsHook(v1.train.SessionRunHook):
    """A ``tf.compat.v1.train.SessionRunHook``: weight statistics every ``every_n_steps`` steps.

    For ``MonitoredSession`` / ``MonitoredTrainingSession``. Steps are the graph's global step
    when it has one, else the number of ``run`` calls. Records once after the session is
    created (initial values), every N steps after that, and at the end; the values are read in
    one extra ``session.run`` of the existing variable reads (no op is added after the graph
    is finalized). ``path``, if given, is where the evolution figure is written at the end.
    """

    def __init__(self, every_n_steps: int = 100, selection=None, *, path=None):
        if int(every_n_steps) < 1:
            raise ValueError(f"every_n_steps={every_n_steps!r}: record at least every 1 step")
        self.every_n_steps = int(every_n_steps)
        self.selection = selection
        self.path = path
        self.history = StatsHistory("step")
        self.plot_file = None
        self._global_step = None
        self._runs = 0
        self._last = None

    def begin(self):
        self._global_step = v1.train.get_global_step()
        self._runs = 0

    def _record(self, session, step: int) -> None:
        self.history.record(step, weight_stats(session, self.selection))
        self._last = step

    def after_create_session(self, session, coord):
        step = session.run(self._global_step) if self._global_step is not None else 0
        self._record(session, int(step))

    def before_run(self, run_context):
        if self._global_step is not None:
            return v1.train.SessionRunArgs(self._global_step)
        return None

    def after_run(self, run_context, run_values):
        self._runs += 1
        if self._global_step is None:
            step = self._runs
        else:
            # The step fetched with the run may be read before or after this run's increment;
            # +1 is the likely value, and a due record reads the exact one.
            step = int(run_values.results) + 1
        if self._last is None or step - self._last >= self.every_n_steps:
            if self._global_step is not None:
                step = int(run_context.session.run(self._global_step))
            if self._last is None or step - self._last >= self.every_n_steps:
                self._record(run_context.session, step)

    def end(self, session):
        step = int(session.run(self._global_step)) if self._global_step is not None else self._runs
        if step != self._last:
            self._record(session, step)
        if self.path is not None:
            self.plot_file = self.history.plot(self.path)
