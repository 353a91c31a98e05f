"""Start the tasks of a loopback cluster as real processes, talk to them, kill them by signal."""
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from tf1init.cluster.localhost import free_ports

JOB = Path(__file__).with_name("job.py")
ROOT = Path(__file__).resolve().parents[2]


class Task:
    """One process; its JSON lines arrive on a queue (a reader thread), stderr goes to a file."""

    def __init__(self, *args, log_dir):
        env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="2")
        self.name = "-".join(str(a) for a in args[:1] + args[2:3])
        self.stderr = open(Path(log_dir) / f"{self.name}-{time.monotonic_ns()}.log", "w")
        self.process = subprocess.Popen([sys.executable, str(JOB), *map(str, args)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self.stderr, text=True, env=env)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            if line.startswith("{"):
                self.lines.put(json.loads(line))
        self.lines.put(None)

    def expect(self, event, timeout=30.0):
        try:
            message = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"{self.name}: no {event!r} within {timeout} s; see {self.stderr.name}") from None
        if message is None:
            raise AssertionError(f"{self.name} exited ({self.process.wait()}) before {event!r}; "
                                 f"stderr: {Path(self.stderr.name).read_text()[-2000:]}")
        assert message["event"] == event, message
        return message

    def send(self, command, event, timeout=30.0):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.expect(event, timeout)

    def kill(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.stderr.close()
