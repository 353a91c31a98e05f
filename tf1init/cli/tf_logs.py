"""Keep TensorFlow's own log lines out of the commands' output, unless asked for.

Measured on TensorFlow 2.21 (CPU wheel, no GPU): ``import tensorflow`` prints six lines (twice
``WARNING: All log messages before absl::InitializeLog() is called are written to STDERR``, a
oneDNN notice and ``Could not find cuda drivers``) whatever ``TF_CPP_MIN_LOG_LEVEL`` says,
because absl writes everything to stderr before TensorFlow reads that variable; the first
device set-up then logs ``failed call to cuInit: INTERNAL: CUDA error`` at ERROR level (hidden
only by ``TF_CPP_MIN_LOG_LEVEL=3``), and the Python side logs deprecation warnings
(``WARNING:tensorflow:``) and Keras notices (``WARNING:absl:``).

So a quiet run sets ``TF_CPP_MIN_LOG_LEVEL=3``, raises the ``tensorflow`` and ``absl`` Python
loggers to ERROR, and points file descriptor 2 at a temporary file while TensorFlow's shared
libraries load (whoever imports it first: tf1init, a user's entry point, Keras), then writes
back every line except absl's INFO and WARNING lines. Nothing else changes: the oneDNN setting
(``TF_ENABLE_ONEDNN_OPTS``, which changes numerics) is left as it is. A user who sets
``TF_CPP_MIN_LOG_LEVEL`` or passes ``--verbose`` gets TensorFlow's own behaviour.
"""
import contextlib
import importlib.util
import os
import re
import sys

LEVEL = "TF_CPP_MIN_LOG_LEVEL"
# absl's format: severity, MMDD, time, thread, file:line]. Only INFO and WARNING lines are
# dropped: an ERROR or FATAL line printed while TensorFlow loads is kept.
DROPPED = re.compile(r"[IW]\d{4} [\d:.]+\s+\d+ [\w.\-/]+:\d+\] "
                     r"|WARNING: All log messages before absl::InitializeLog\(\) is called")
PYTHON_LOGGERS = ("tensorflow", "absl")


def is_tensorflow_log(line: str) -> bool:
    """Is ``line`` one that a quiet run drops (absl's INFO/WARNING lines and start-up notice)?"""
    return DROPPED.match(line) is not None


@contextlib.contextmanager
def _descriptor_2_filtered():
    """Send what is written to fd 2 meanwhile to a file; then write back the lines we keep."""
    import tempfile

    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no fd 2 (or no stderr): nothing to filter
        yield
        return
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                sys.stderr.flush()  # Python's own writes to fd 2 belong in the capture too
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            text = capture.read().decode("utf-8", "replace")
            kept = "".join(line for line in text.splitlines(keepends=True) if not is_tensorflow_log(line))
            if kept:
                sys.stderr.write(kept)
                sys.stderr.flush()


class _QuietLoader:
    """TensorFlow's own loader, run with fd 2 filtered."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        module.__loader__ = module.__spec__.loader = self.loader  # TensorFlow sees its own loader
        with _descriptor_2_filtered():
            self.loader.exec_module(module)


class _QuietFinder:
    """Finds ``tensorflow`` the usual way, once, and wraps its loader."""

    def __init__(self, module: str = "tensorflow"):
        self.module = module

    def find_spec(self, name, path=None, target=None):
        if name != self.module:
            return None
        _remove(self)
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


def _remove(finder) -> None:
    with contextlib.suppress(ValueError):
        sys.meta_path.remove(finder)


@contextlib.contextmanager
def tensorflow_logs(verbose: bool = False):
    """Within this block TensorFlow is quiet (see the module's docstring), unless ``verbose`` or
    the user has set ``TF_CPP_MIN_LOG_LEVEL``; afterwards everything is as it was.

    ``verbose`` with no ``TF_CPP_MIN_LOG_LEVEL`` set shows every line (level 0), including the
    INFO lines that ``tf1init``'s own default (level 2, for library use) would hide.
    """
    if LEVEL in os.environ:
        yield  # the user's choice
        return
    import logging

    loggers = [logging.getLogger(name) for name in PYTHON_LOGGERS]
    levels = [logger.level for logger in loggers]
    finder = None
    os.environ[LEVEL] = "0" if verbose else "3"
    if not verbose:
        for logger in loggers:
            logger.setLevel(logging.ERROR)
        if "tensorflow" not in sys.modules:
            finder = _QuietFinder()
            sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        if finder is not None:
            _remove(finder)
        os.environ.pop(LEVEL, None)
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)
