"""Atomic saving: real checkpoints, real processes killed with SIGKILL at every step of a save."""
import doctest
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import tf1init
from tf1init.checkpoints import _atomic, saving

ATOMIC = pathlib.Path(_atomic.__file__)
QUIET = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def leftovers(folder) -> list:
    return sorted(name for name in os.listdir(folder) if name.startswith(".tf1init-"))


class Model:
    """A small TF1 graph with an AtomicSaver, whose variables we set and read back exactly."""

    def __init__(self, tf, v1, max_to_keep=2):
        self.graph = tf.Graph()
        with self.graph.as_default():
            self.w = v1.get_variable("w", [8, 4], tf.float32)
            self.step = v1.get_variable("step", [], tf.int64, initializer=v1.zeros_initializer())
            self.w_in = v1.placeholder(tf.float32, [8, 4])
            self.step_in = v1.placeholder(tf.int64, [])
            self.assign = [self.w.assign(self.w_in), self.step.assign(self.step_in)]
            # fsync makes saves durable across a power cut, not a kill; skipping it keeps tests fast
            self.saver = tf1init.AtomicSaver(max_to_keep=max_to_keep, durable=False)
        self.session = tf1init.fast_session(graph=self.graph)
        tf1init.initialize_all(self.session)

    def set(self, step: int) -> None:
        self.session.run(self.assign, {self.w_in: self.values(step), self.step_in: step})

    @staticmethod
    def values(step: int) -> np.ndarray:
        return np.arange(32, dtype=np.float32).reshape(8, 4) * 0.1 + step

    def restored_step(self, prefix: str) -> int:
        """Restore ``prefix`` and return its step, after checking every value is exactly that step's."""
        self.session.run(self.assign, {self.w_in: np.zeros([8, 4], np.float32), self.step_in: -1})
        self.saver.restore(self.session, prefix)
        w, step = self.session.run([self.w, self.step])
        assert w.tobytes() == self.values(int(step)).tobytes()
        return int(step)


@pytest.fixture(scope="module")
def model(tf, v1):
    return Model(tf, v1)


def test_docstring_examples():
    result = doctest.testmod(saving, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_saves_keep_max_to_keep_and_state_names_the_newest(model, v1, tmp_path):
    prefixes = []
    for step in range(4):
        model.set(step)
        prefixes.append(model.saver.save(model.session, str(tmp_path), global_step=step))
    assert prefixes[-1] == str(tmp_path / "model.ckpt-3")
    assert v1.train.latest_checkpoint(str(tmp_path)) == prefixes[-1]
    state = v1.train.get_checkpoint_state(str(tmp_path))
    assert list(state.all_model_checkpoint_paths) == prefixes[-2:]
    # the state file holds relative paths, so the folder can be moved
    assert (tmp_path / "checkpoint").read_text() == (
        'model_checkpoint_path: "model.ckpt-3"\n'
        'all_model_checkpoint_paths: "model.ckpt-2"\n'
        'all_model_checkpoint_paths: "model.ckpt-3"\n'
    )
    assert sorted(os.listdir(tmp_path)) == [_atomic.LOCK, "checkpoint"] + [
        f"model.ckpt-{step}.{ext}" for step in (2, 3) for ext in ("data-00000-of-00001", "index", "meta")
    ]
    assert model.restored_step(prefixes[-1]) == 3
    assert model.restored_step(prefixes[-2]) == 2


def test_global_step_as_a_variable_or_numpy_integer(model, v1, tmp_path):
    with model.graph.as_default():
        step = v1.train.get_or_create_global_step()
        model.session.run(step.assign(41))
    assert model.saver.save(model.session, str(tmp_path), global_step=step) == str(tmp_path / "model.ckpt-41")
    assert model.saver.save(model.session, str(tmp_path), global_step=np.int64(42)) == str(tmp_path / "model.ckpt-42")


def test_prefix_spellings(model, tmp_path):
    model.set(1)
    assert model.saver.save(model.session, str(tmp_path)) == str(tmp_path / "model.ckpt")
    assert model.saver.save(model.session, str(tmp_path / "new" / "sub") + "/") == str(tmp_path / "new/sub/model.ckpt")
    assert model.saver.save(model.session, tmp_path / "other" / "weights") == str(tmp_path / "other/weights")
    assert (tmp_path / "other" / "weights.index").is_file()
    assert (tmp_path / "other" / "checkpoint").read_text().startswith('model_checkpoint_path: "weights"\n')


def test_overwriting_one_prefix_replaces_it_and_leaves_nothing_behind(model, v1, tmp_path):
    for step in (5, 6):
        model.set(step)
        prefix = model.saver.save(model.session, str(tmp_path / "model"))
        # shards of an older layout (saved on two devices) go when the prefix is overwritten
        (tmp_path / "model.data-00001-of-00002").write_bytes(b"old shard")
    model.set(6)
    model.saver.save(model.session, prefix)
    assert v1.train.latest_checkpoint(str(tmp_path)) == prefix
    assert model.restored_step(prefix) == 6
    assert sorted(os.listdir(tmp_path)) == [
        _atomic.LOCK, "checkpoint", "model.data-00000-of-00001", "model.index", "model.meta"]


def test_state_file_text_reads_back_in_tensorflow(v1, tmp_path):
    names = ['plain', 'with "quotes"', "back\\slash", "tab\there", "ünïcode ñame", "new\nline"]
    for name in names:
        (tmp_path / f"{name}.index").write_bytes(b"")
    _atomic.write_state(str(tmp_path), str(tmp_path / names[-1]), [str(tmp_path / n) for n in names])
    state = v1.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == str(tmp_path / names[-1])
    assert list(state.all_model_checkpoint_paths) == [str(tmp_path / n) for n in names]
    assert _atomic.read_state(str(tmp_path)) == (str(tmp_path / names[-1]), [str(tmp_path / n) for n in names])


def test_checkpoints_listed_by_an_earlier_raw_saver_count_towards_max_to_keep(model, v1, tmp_path):
    with model.graph.as_default():
        raw = v1.train.Saver()
        for step in (1, 2):
            model.set(step)
            raw.save(model.session, str(tmp_path / "model.ckpt"), global_step=step)  # absolute paths
    model.set(3)
    model.saver.save(model.session, str(tmp_path), global_step=3)
    state = v1.train.get_checkpoint_state(str(tmp_path))
    assert list(state.all_model_checkpoint_paths) == [str(tmp_path / f"model.ckpt-{s}") for s in (2, 3)]
    assert not any(name.startswith("model.ckpt-1.") for name in os.listdir(tmp_path))


def test_a_failing_save_changes_nothing(tf, v1, tmp_path):
    model = Model(tf, v1)  # its own graph: this test adds a variable
    model.set(7)
    before = model.saver.save(model.session, str(tmp_path), global_step=7)
    files = {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)}
    with model.graph.as_default():
        extra = v1.get_variable("never_initialized", [3])
        saver = tf1init.AtomicSaver()
    with pytest.raises(tf.errors.FailedPreconditionError, match="never_initialized"):
        saver.save(model.session, str(tmp_path), global_step=8)
    assert {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)} == files
    assert v1.train.latest_checkpoint(str(tmp_path)) == before
    del extra


def test_bad_arguments(model, tmp_path):
    with pytest.raises(ValueError, match="max_to_keep"):
        tf1init.AtomicSaver(max_to_keep=-1)
    with pytest.raises(ValueError, match="latest_filename"):
        tf1init.AtomicSaver(latest_filename="sub/checkpoint")
    (tmp_path / "a_file").write_text("x")
    with pytest.raises(OSError):
        model.saver.save(model.session, str(tmp_path / "a_file" / "model"))
    assert (tmp_path / "a_file").read_text() == "x"


def test_leftovers_of_killed_saves_are_removed_but_a_folder_the_state_names_is_kept(model, v1, tmp_path):
    pid = dead_pid()
    junk = tmp_path / f"{_atomic.STAGING}{pid}-abc"
    junk.mkdir()
    (junk / "model.ckpt-1.data-00000-of-00001.tempstate123").write_bytes(b"partial")
    (tmp_path / f"{_atomic.STATE_TEMP}{pid}-0a0b").write_text("half")
    mine = tmp_path / f"{_atomic.STAGING}{os.getpid()}-busy"  # a live process's save in progress
    mine.mkdir()
    model.set(1)
    model.saver.save(model.session, str(tmp_path), global_step=1)
    assert leftovers(tmp_path) == [mine.name]

    # A save killed mid-overwrite leaves the state naming hard links in a backup folder: keep it.
    backup = tmp_path / f"{_atomic.PREVIOUS}{pid}-xyz"
    backup.mkdir()
    for name in os.listdir(tmp_path):
        if name.startswith("model.ckpt-1."):
            os.link(tmp_path / name, backup / name)
    _atomic.write_state(str(tmp_path), str(backup / "model.ckpt-1"), [str(backup / "model.ckpt-1")])
    assert _atomic.remove_leftovers(str(tmp_path)) == []
    model.set(2)
    model.saver.save(model.session, str(tmp_path / "other"), global_step=2)  # another folder
    assert backup.is_dir()
    model.saver.save(model.session, str(tmp_path / "model.ckpt"), global_step=9)
    assert leftovers(tmp_path) == [mine.name]  # gone once the state names the new checkpoint
    assert model.restored_step(v1.train.latest_checkpoint(str(tmp_path))) == 2


def test_function_form_builds_its_saver_once(model, v1, tmp_path):
    model.set(4)
    tf1init.save_checkpoint(model.session, str(tmp_path), global_step=1)
    ops = len(model.graph.get_operations())
    for step in (2, 3):
        prefix = tf1init.save_checkpoint(model.session, str(tmp_path), global_step=step, max_to_keep=2)
    assert len(model.graph.get_operations()) == ops
    assert list(v1.train.get_checkpoint_state(str(tmp_path)).all_model_checkpoint_paths) == [
        str(tmp_path / "model.ckpt-2"), prefix]
    only_w = tf1init.save_checkpoint(model.session, str(tmp_path / "w"), var_list=["w"])
    reader = v1.train.load_checkpoint(only_w)
    assert sorted(reader.get_variable_to_shape_map()) == ["w"]
    assert reader.get_tensor("w").tobytes() == Model.values(4).tobytes()


def test_eager_variables(tf, tmp_path):
    variable = tf.Variable(np.array([1.5, 2.5], np.float32), name="eager_v")
    saver = tf1init.AtomicSaver([variable])
    prefix = saver.save(None, str(tmp_path), global_step=1)
    variable.assign([0.0, 0.0])
    saver.restore(None, prefix)
    assert variable.numpy().tolist() == [1.5, 2.5]


# --- killing a process before every file operation of the commit ---------------------------------

KILL_AT = textwrap.dedent(
    """
    import importlib.util, os, signal, sys
    spec = importlib.util.spec_from_file_location("_atomic", sys.argv[1])
    atomic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(atomic)
    staged, final, keep, kill_at = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    count = 0

    def counted(name):
        real = getattr(os, name)

        def operation(*args, **kwargs):
            global count
            # every operation that changes the folder (opening for reading and fsync do not)
            if name != "open" or args[1] & os.O_CREAT:
                count += 1
                if count == kill_at:
                    os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)

        setattr(os, name, operation)

    for name in ("open", "mkdir", "link", "replace", "rename", "unlink", "remove", "rmdir"):
        counted(name)
    if keep < 0:
        atomic.place(staged, final)  # no state file: what convert_to_object_checkpoint uses
    else:
        atomic.commit(staged, final, max_to_keep=keep)
    print(count)
    """
)


def make_template(model, folder, scenario) -> tuple:
    """A folder holding old checkpoints, and a new one staged as a save leaves it before the commit."""
    if scenario == "new step":
        for step in (1, 2):
            model.set(step)
            model.saver.save(model.session, str(folder), global_step=step)
        final, old_steps, new_step = folder / "model.ckpt-3", {2}, 3
    else:
        model.set(1)
        model.saver.save(model.session, str(folder / "model.ckpt"))
        final, old_steps, new_step = folder / "model.ckpt", {1}, 5
    staging = folder / f"{_atomic.STAGING}{dead_pid()}-staged"
    staging.mkdir()
    model.set(new_step)
    with model.graph.as_default():
        model.saver.saver.save(model.session, str(staging / final.name), write_state=False)
    return staging / final.name, final, old_steps, new_step


@pytest.mark.parametrize("scenario", ["new step", "overwrite"])
def test_killed_at_any_file_operation_the_latest_checkpoint_restores(model, v1, tmp_path, scenario):
    template = tmp_path / "template"
    template.mkdir()
    staged, final, old_steps, new_step = make_template(model, template, scenario)
    seen = set()
    for kill_at in range(1, 200):
        folder = tmp_path / f"run{kill_at}"
        shutil.copytree(template, folder)
        moved = [str(folder / p.relative_to(template)) for p in (staged, final)]
        run = subprocess.run([sys.executable, "-c", KILL_AT, str(ATOMIC), *moved, "2", str(kill_at)],
                             capture_output=True, text=True)
        finished = run.returncode == 0
        assert finished or run.returncode == -signal.SIGKILL, run.stderr
        latest = v1.train.latest_checkpoint(str(folder))
        assert latest is not None and os.path.isfile(latest + ".meta")
        state = v1.train.get_checkpoint_state(str(folder))
        assert all(os.path.isfile(p + ".index") for p in state.all_model_checkpoint_paths)
        step = model.restored_step(latest)
        seen.add(step)
        assert step in old_steps | {new_step}, (kill_at, step)
        if finished:
            assert step == new_step and latest == str(folder / final.name)
        # The next saves clean up after the killed one. A backup the state names stays a listed
        # checkpoint until max_to_keep (2) evicts it.
        for recovery_step in (98, 99):
            model.set(recovery_step)
            model.saver.save(model.session, str(folder), global_step=recovery_step)
            named = {os.path.dirname(p) for p in v1.train.get_checkpoint_state(str(folder)).all_model_checkpoint_paths}
            assert all(str(folder / name) in named for name in leftovers(folder))
        assert leftovers(folder) == []
        assert model.restored_step(v1.train.latest_checkpoint(str(folder))) == 99
        shutil.rmtree(folder)
        if finished:
            break
    assert finished and kill_at > 5
    print(f"{scenario}: killed at each of {kill_at - 1} file operations")
    assert seen == old_steps | {new_step}


def test_placing_without_state_killed_anywhere_leaves_no_checkpoint_or_the_new_one(model, tmp_path):
    template = tmp_path / "template"
    template.mkdir()
    staged, final, old_steps, new_step = make_template(model, template, "overwrite")
    outcomes = []
    for kill_at in range(1, 100):
        folder = tmp_path / f"run{kill_at}"
        shutil.copytree(template, folder)
        moved = [str(folder / p.relative_to(template)) for p in (staged, final)]
        run = subprocess.run([sys.executable, "-c", KILL_AT, str(ATOMIC), *moved, "-1", str(kill_at)],
                             capture_output=True, text=True)
        assert run.returncode in (0, -signal.SIGKILL), run.stderr
        prefix = str(folder / final.name)
        outcomes.append(model.restored_step(prefix) if os.path.isfile(prefix + ".index") else None)
        shutil.rmtree(folder)
        if run.returncode == 0:
            break
    assert outcomes[-1] == new_step and set(outcomes) == {None, old_steps.pop(), new_step}


# --- a whole TF process killed mid-save: ours versus a raw Saver -----------------------------

SAVE_TWICE = textwrap.dedent(
    """
    import sys
    import numpy as np
    from tf1init._tf import tf, v1
    import tf1init
    mode, folder, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    graph = tf.Graph()
    with graph.as_default():
        # a large constant initial value: the meta graph takes a while to write, as real ones do
        big = v1.Variable(np.full([n], 1.0, np.float32), name="big")
        grow = big.assign(tf.fill([n], 2.0))
        saver = v1.train.Saver() if mode == "raw" else tf1init.AtomicSaver()
        session = v1.Session(graph=graph)
        session.run(big.initializer)
        saver.save(session, folder + "/model.ckpt", global_step=1)
        session.run(grow)
        print("ready", flush=True)
        sys.stdin.readline()
        saver.save(session, folder + "/model.ckpt", global_step=2)
        print("saved", flush=True)
    """
)


def start_saving(mode, folder, n=4_000_000):
    return subprocess.Popen([sys.executable, "-c", SAVE_TWICE, mode, str(folder), str(n)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=QUIET, cwd="/")


def kill_when(process, condition, timeout=120.0):
    """Let the child start its second save, and SIGKILL it as soon as ``condition()`` holds."""
    process.stdin.write("go\n")
    process.stdin.flush()
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, "the save finished before the kill point was seen"
        assert time.monotonic() < deadline
        time.sleep(0.0002)
    process.send_signal(signal.SIGKILL)
    process.wait()


@pytest.fixture(scope="module")
def killed_saves(tmp_path_factory):
    """Both children start together (TensorFlow's import dominates); each is killed mid-save."""
    ours, raw = tmp_path_factory.mktemp("ours"), tmp_path_factory.mktemp("raw")
    processes = {"ours": start_saving("atomic", ours), "raw": start_saving("raw", raw)}
    for process in processes.values():
        line = process.stdout.readline()
        assert line == "ready\n", line + process.stderr.read()

    def ours_writing():  # TensorFlow is writing the new files into our staging folder
        return any(name.startswith(_atomic.STAGING) and os.listdir(ours / name) for name in os.listdir(ours))

    def raw_state_updated():
        try:
            return "model.ckpt-2" in (raw / "checkpoint").read_text()
        except FileNotFoundError:
            return False

    kill_when(processes["ours"], ours_writing)
    kill_when(processes["raw"], raw_state_updated)
    return ours, raw


def test_our_save_killed_mid_write_keeps_the_previous_checkpoint(killed_saves, tf, v1):
    ours, _ = killed_saves
    latest = v1.train.latest_checkpoint(str(ours))
    assert latest == str(ours / "model.ckpt-1")
    assert np.all(tf.train.load_checkpoint(latest).get_tensor("big") == 1.0)
    with tf.Graph().as_default():
        restorer = v1.train.import_meta_graph(latest + ".meta")
        with v1.Session() as session:
            restorer.restore(session, latest)
            assert session.run(v1.global_variables()[0])[:3].tolist() == [1.0, 1.0, 1.0]
    assert not any(name.startswith("model.ckpt-2") for name in os.listdir(ours))


def test_raw_saver_killed_mid_save_leaves_a_latest_without_its_meta_graph(killed_saves, tf, v1):
    """TF's Saver names the new checkpoint in the state file before it writes the .meta file."""
    _, raw = killed_saves
    latest = v1.train.latest_checkpoint(str(raw))
    assert latest == str(raw / "model.ckpt-2")
    assert not os.path.exists(latest + ".meta")
    with tf.Graph().as_default():
        with pytest.raises(OSError):
            v1.train.import_meta_graph(latest + ".meta")
