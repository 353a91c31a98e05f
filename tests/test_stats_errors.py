"""`tf1init stats` and `tf1init.weight_stats` on missing and damaged checkpoints: the same one-line
errors as `tf1init ckpt`, exit 2, no traceback, and no TensorFlow import for what needs none."""
import json
import os
import pathlib
import shutil
import subprocess
import sys

import numpy as np
import pytest

import tf1init
from tf1init.cli import main
from tf1init.errors import CheckpointNotFoundError, CorruptCheckpointError

ROOT = str(pathlib.Path(tf1init.__file__).resolve().parent.parent)

# Runs the command line in a fresh interpreter: the real exit status and stderr, and whether the
# call imported TensorFlow (it should not, for input that can be checked without it).
PROBE = (
    "import sys\n"
    "from tf1init.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print('tensorflow' in sys.modules)\n"
    "sys.exit(code)\n"
)


@pytest.fixture(scope="module")
def damaged(tmp_path_factory, tf, v1):
    """A good checkpoint and damaged copies of it: name -> path to pass, file the error names."""
    root = tmp_path_factory.mktemp("damaged")
    graph = tf.Graph()
    with graph.as_default():
        v1.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="layer/w")
        v1.Variable(np.zeros(3, np.float32), name="layer/b")
        saver = v1.train.Saver()
    with v1.Session(graph=graph) as session:
        session.run(v1.global_variables_initializer())
        good = saver.save(session, str(root / "good" / "model.ckpt"), global_step=3)

    def copy(name: str) -> str:
        shutil.copytree(root / "good", root / name)
        return str(root / name / os.path.basename(good))

    truncated = copy("truncated")
    os.truncate(truncated + ".data-00000-of-00001", os.path.getsize(truncated + ".data-00000-of-00001") - 4)
    garbage = copy("garbage")
    with open(garbage + ".index", "wb") as handle:
        handle.write(bytes(range(256)) * 2)
    stale = copy("stale")  # the state file still names a checkpoint someone deleted
    for name in os.listdir(root / "stale"):
        os.remove(root / "stale" / name)
    (root / "stale" / "checkpoint").write_text(
        f'model_checkpoint_path: "{os.path.basename(stale)}"\n'
        f'all_model_checkpoint_paths: "{os.path.basename(stale)}"\n')
    flipped = copy("flipped")  # same length, bytes changed: only the tensor's CRC can tell
    with open(flipped + ".data-00000-of-00001", "r+b") as handle:
        handle.write(b"\xff\xff\xff\xff")
    (root / "empty").mkdir()
    return {
        "good": (good, None),
        "truncated": (truncated, truncated + ".data-00000-of-00001"),
        "garbage": (garbage, garbage + ".index"),
        "stale": (str(root / "stale"), str(root / "stale" / "checkpoint")),
        "empty": (str(root / "empty"), str(root / "empty")),
        "missing": (str(root / "nowhere" / "model.ckpt"), str(root / "nowhere" / "model.ckpt")),
        "flipped": (flipped, flipped),
    }


def run_probes(*argvs):
    """Each argv in its own interpreter, all at once: [(exit status, stdout, stderr)]."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])))
    processes = [subprocess.Popen([sys.executable, "-c", PROBE, *argv], cwd="/", env=env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for argv in argvs]
    return [(p.wait(), *p.communicate()) for p in processes]


FAST = ("truncated", "garbage", "stale", "empty", "missing")


def test_command_line_errors_are_one_line_exit_2_and_need_no_tensorflow(damaged):
    argvs = [["stats", damaged[case][0]] for case in FAST] + [["ckpt", "ls", damaged[case][0]] for case in FAST]
    results = dict(zip([("stats", c) for c in FAST] + [("ckpt", c) for c in FAST], run_probes(*argvs)))
    for case in FAST:
        code, out, err = results["stats", case]
        named = damaged[case][1]
        assert (code, out) == (2, "False\n"), (case, err)  # exit 2, TensorFlow never imported
        assert "Traceback" not in err and err.count("\n") == 1, err
        assert err.startswith("tf1init stats: error: ") and (repr(named) in err or f"{named}:" in err), err
        if case != "missing":  # the same words as `tf1init ckpt ls` on the same file
            ckpt_code, _, ckpt_err = results["ckpt", case]
            assert ckpt_code == 2
            assert err.split("error: ", 1)[1] == ckpt_err.split("error: ", 1)[1]
    messages = {case: results["stats", case][2] for case in FAST}
    assert "is truncated" in messages["truncated"] and "restore an older checkpoint" in messages["truncated"]
    assert "is damaged" in messages["garbage"]
    assert "does not exist" in messages["stale"] and "state file" in messages["stale"]
    assert "holds no checkpoint" in messages["empty"]
    assert "no such file or folder (the folder" in messages["missing"]
    assert "a Keras model file (.keras, .h5), a TF1 meta graph (.meta)" in messages["missing"]


def test_other_missing_targets_fail_fast(tmp_path):
    (tmp_path / "notes.txt").write_text("not a model")
    cases = {
        str(tmp_path / "graph.meta"): f"{tmp_path / 'graph.meta'}: no such file",
        str(tmp_path / "model.keras"): f"{tmp_path / 'model.keras'}: no such file",
        f"{tmp_path / 'build.py'}:make": f"no such file {str(tmp_path / 'build.py')!r}",
        str(tmp_path / "notes.txt"): "notes.txt: unknown kind of file",
    }
    for (code, out, err), expected in zip(run_probes(*[["stats", t] for t in cases]), cases.values()):
        assert (code, out) == (2, "False\n") and expected in err and "Traceback" not in err, err


def test_a_tensor_failing_its_checksum(damaged, capsys):
    path, _ = damaged["flipped"]
    assert main(["stats", path]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith(f"tf1init stats: error: cannot read 'layer/b' from checkpoint {path!r}")
    assert main(["ckpt", "diff", damaged["good"][0], path]) == 2
    assert capsys.readouterr().err.split("error: ", 1)[1] == err.split("error: ", 1)[1]


@pytest.mark.parametrize("case, error, words", [
    ("truncated", CorruptCheckpointError, "is truncated"),
    ("garbage", CorruptCheckpointError, "is damaged"),
    ("stale", CheckpointNotFoundError, "does not exist"),
    ("empty", CheckpointNotFoundError, "holds no checkpoint"),
    ("missing", CheckpointNotFoundError, "no checkpoint at"),
    ("flipped", CorruptCheckpointError, "cannot read 'layer/b'"),
])
def test_python_api_raises_the_checkpoint_errors(damaged, case, error, words):
    path, named = damaged[case]
    for call in (tf1init.weight_stats, tf1init.weight_values):
        with pytest.raises(error) as caught:
            call(path)
        assert words in str(caught.value) and repr(named) in str(caught.value)


def test_the_good_checkpoint_still_reads(damaged, capsys):
    path, _ = damaged["good"]
    assert tf1init.weight_stats(path).names == ("layer/b", "layer/w")
    assert main(["stats", "--json", os.path.dirname(path)]) == 0
    assert [v["name"] for v in json.loads(capsys.readouterr().out)["variables"]] == ["layer/b", "layer/w"]
