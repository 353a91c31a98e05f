"""The progress line of the long commands (``migrate``, ``doctor``, ``stats``, ``ckpt diff``).

Drawn on stderr, in place, only when stderr is a terminal: output that is piped, redirected or
read by CI gets no carriage returns, only the command's results and its one-line summary. Each
command decides what counts as long work (``migrate``: 50 files; ``ckpt diff``: 256 MiB to
compare); a stage that always takes seconds (importing TensorFlow) is shown as it starts.
"""
import sys
import time

WIDTH = 30  # characters of the bar


def human_bytes(count: int) -> str:
    """1536 -> '1.5 KiB'."""
    if count < 1024:
        return f"{count} B"
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        count /= 1024
        if count < 1024 or unit == "TiB":
            return f"{count:.1f} {unit}"


def bytes_of(verb: str):
    """A ``describe`` for byte counts: ``1.5 MiB of 3.0 MiB read``."""
    return lambda done, total: f"{human_bytes(done)} of {human_bytes(total)} {verb}"


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class Progress:
    """``[#########.....................] 12/40 files`` or ``importing TensorFlow ...``.

    ``total`` and ``unit`` word the count (``describe(done, total)`` replaces that wording, e.g.
    for bytes); ``enabled`` is the command's own test for long work (and not ``--quiet``).
    ``clear()`` erases the line before a message is printed; ``close()`` (or leaving a ``with``
    block) erases it for good. Redraws are at most ten a second.
    """

    def __init__(self, total: int = 0, unit: str = "", *, enabled: bool = True, describe=None,
                 stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(enabled) and _is_terminal(self.stream)
        self.total, self.done, self.unit = total, 0, unit
        self.describe = describe or (lambda done, total: f"{done}/{total}{' ' + unit if unit else ''}")
        self._shown = 0  # characters now on the line
        self._last = 0.0

    def stage(self, text: str) -> None:
        """Say what is being done now (a step with no count), at once."""
        if self.enabled:
            self._draw(f"{text} ...")

    def advance(self, amount: int = 1) -> None:
        """Count ``amount`` more of ``total`` done; redraw the bar if 0.1 s have passed."""
        self.done += amount
        now = time.monotonic()
        if self.enabled and (now - self._last > 0.1 or self.done >= self.total):
            self._last = now
            self._draw(self.bar())

    __call__ = advance  # a progress callback: compare.diff_checkpoints(..., progress=bar)

    def bar(self) -> str:
        filled = WIDTH * min(self.done, self.total) // max(self.total, 1)
        return f"[{'#' * filled}{'.' * (WIDTH - filled)}] {self.describe(self.done, self.total)}"

    def _draw(self, text: str) -> None:
        self.stream.write("\r" + text.ljust(self._shown))
        self.stream.flush()
        self._shown = len(text)

    def clear(self) -> None:
        """Erase the line, e.g. before printing a message (the next ``advance`` redraws it)."""
        if self.enabled and self._shown:
            self.stream.write("\r" + " " * self._shown + "\r")
            self.stream.flush()
            self._shown = 0
            self._last = 0.0

    close = clear  # at the end nothing is left behind: the command's summary follows

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
