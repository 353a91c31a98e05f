"""examples/cluster_job.py as a user runs it: 1 ps + 2 workers train, are killed, and resume."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_job_is_killed_and_resumes_from_its_latest_checkpoint(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "cluster_job.py"), "--steps", "60", "--kill-after", "20",
         "--save-every", "10", "--dir", str(tmp_path / "ckpt"), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, env=env, timeout=150)
    assert done.returncode == 0, done.stdout + done.stderr
    summary = json.loads((tmp_path / "out" / "cluster_job.json").read_text())
    before, after = summary["saved_before_kill"], summary["saved_after_restart"]
    assert before and before[-1] >= 20 and summary["resumed_from"] == before[-1]
    assert after and min(after) > before[-1]  # training went on from the checkpoint, not from 0
    second = [m["text"] for m in summary["messages"]["run 2"] if m["task"] == 0]
    assert any(f"model.ckpt-{before[-1]}: 3 restored, 0 initialized" in text for text in second), second
    starts = [m["text"] for m in summary["messages"]["run 2"] if m["text"].startswith("starting at global step")]
    assert all(int(text.rsplit(" ", 1)[1]) >= before[-1] for text in starts), starts
