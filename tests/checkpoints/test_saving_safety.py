"""Saving where real training jobs save: two processes in one folder, a copied folder, a
MonitoredTrainingSession killed mid-save. Real checkpoints, real processes, SIGKILL."""
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

import tf1init
from tf1init.checkpoints import _atomic, _lock
from tf1init.checkpoints.reader import verify_checkpoint
from tf1init.errors import CorruptCheckpointError

QUIET = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
OURS = re.compile(r"model\.ckpt-(-?[0-9]+)\.index\Z")


def steps_on_disk(folder) -> list:
    return sorted(int(m.group(1)) for m in map(OURS.match, os.listdir(folder)) if m)


def listed_steps(folder) -> tuple:
    latest, listed = _atomic.read_state(str(folder))
    step = lambda prefix: int(prefix.rsplit("-", 1)[1])  # noqa: E731
    return (step(latest) if latest else None), [step(p) for p in listed]


def temp_files(folder) -> list:
    """What a save in progress (ours or TensorFlow's) leaves: staging, backups, temp state, TF temps."""
    return sorted(name for name in os.listdir(folder)
                  if (name.startswith(".tf1init-") and name != _atomic.LOCK) or "_temp" in name or "tempstate" in name)


def assert_consistent(folder, max_to_keep):
    """The state names only complete checkpoints, and lists every checkpoint on disk."""
    latest, listed = _atomic.read_state(str(folder))
    for prefix in listed:
        verify_checkpoint(prefix)  # index readable, every data shard there and long enough
        assert os.path.isfile(prefix + ".meta"), prefix
    assert latest in listed
    assert [os.path.dirname(p) for p in listed] == [str(folder)] * len(listed)
    assert sorted(listed_steps(folder)[1]) == steps_on_disk(folder)
    assert len(listed) <= max_to_keep


class Small:
    """A one-variable graph with a raw Saver and an AtomicSaver; w holds its step in every entry."""

    def __init__(self, tf, v1, max_to_keep=2):
        self.graph = tf.Graph()
        with self.graph.as_default():
            self.w = v1.get_variable("w", [4], tf.float32)
            self.value = v1.placeholder(tf.float32, [4])
            self.assign = self.w.assign(self.value)
            self.raw = v1.train.Saver(max_to_keep=None)
            self.saver = tf1init.AtomicSaver(max_to_keep=max_to_keep, durable=False)
        self.session = tf1init.fast_session(graph=self.graph)
        tf1init.initialize_all(self.session)

    def save(self, folder, step, raw=False):
        self.session.run(self.assign, {self.value: np.full([4], step, np.float32)})
        if raw:
            with self.graph.as_default():
                return self.raw.save(self.session, os.path.join(folder, "model.ckpt"), global_step=step)
        return self.saver.save(self.session, str(folder), global_step=step)

    def step_of(self, prefix) -> int:
        self.saver.restore(self.session, prefix)
        values = self.session.run(self.w)
        assert len(set(values.tolist())) == 1
        return int(values[0])


@pytest.fixture(scope="module")
def small(tf, v1):
    return Small(tf, v1)


# --- two processes saving into one folder ---------------------------------------------------------

WORKER = textwrap.dedent(
    """
    import sys
    import numpy as np
    from tf1init._tf import tf, v1
    import tf1init
    folder, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    graph = tf.Graph()
    with graph.as_default():
        w = v1.get_variable("w", [64, 64], tf.float32)
        saver = tf1init.AtomicSaver(max_to_keep=3, durable=False)
        session = v1.Session(graph=graph)
        session.run(w.initializer)
    print("ready", flush=True)
    sys.stdin.readline()
    import time
    started = time.perf_counter()
    for step in range(first, first + count):
        saver.save(session, folder, global_step=step)
    print(f"{count} saves in {time.perf_counter() - started:.2f} s", flush=True)
    """
)


def start(program: str, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", program, *map(str, args)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=QUIET, cwd="/")


@pytest.fixture(scope="module")
def children(tmp_path_factory):
    """The TensorFlow processes of this file, started together: importing TensorFlow dominates."""
    shared, trainer = tmp_path_factory.mktemp("shared"), tmp_path_factory.mktemp("trainer")
    workers = [start(WORKER, shared, first, 30) for first in (1000, 2000)]
    training = start(TRAIN, trainer, BIG)
    yield {"shared": (shared, workers), "trainer": (trainer, training)}
    for process in [*workers, training]:
        if process.poll() is None:
            process.kill()
        process.wait()


def test_two_processes_saving_into_one_folder_keep_it_consistent(children):
    """An old job and its restarted copy save 30 times each, at the same time, with max_to_keep=3.
    While they run, this process checks the folder under the same lock, again and again."""
    tmp_path, workers = children["shared"]
    for worker in workers:
        line = worker.stdout.readline()
        assert line == "ready\n", line + worker.stderr.read()
    finished = []  # each worker's last line, read as it comes
    readers = [threading.Thread(target=lambda w=worker: finished.append(w.stdout.readline())) for worker in workers]
    for worker, reader in zip(workers, readers):
        reader.start()
        worker.stdin.write("go\n")
        worker.stdin.flush()
    checks, started = 0, time.monotonic()
    while len(finished) < len(workers):
        with _atomic.folder_locked(str(tmp_path)):
            if os.path.exists(tmp_path / "checkpoint"):
                assert_consistent(tmp_path, 3)
                checks += 1
        time.sleep(0.005)
    elapsed = time.monotonic() - started
    for worker, line in zip(workers, finished):
        assert "saves in" in line, line + worker.stderr.read()
    print(f"{checks} consistent looks while both saved for {elapsed:.2f} s ({' and '.join(line.strip() for line in finished)})")
    assert_consistent(tmp_path, 3)
    assert len(steps_on_disk(tmp_path)) == 3 and temp_files(tmp_path) == []
    assert listed_steps(tmp_path)[0] in (1029, 2029)
    assert checks > 5


def test_threads_saving_into_one_folder_keep_it_consistent(small, tmp_path):
    errors = []

    def save_many(first):
        try:
            for step in range(first, first + 10):
                small.saver.save(small.session, str(tmp_path), global_step=step)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=save_many, args=(first,)) for first in (100, 200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert_consistent(tmp_path, 2)
    assert len(steps_on_disk(tmp_path)) == 2 and temp_files(tmp_path) == []


HOLD = "import sys, time; from tf1init.checkpoints import _atomic\n" \
       "with _atomic.folder_locked(sys.argv[1]):\n    print('held', flush=True); time.sleep(60)\n"


def test_the_lock_waits_for_its_holder_and_a_killed_holder_frees_it(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    fd = os.open(tmp_path / _atomic.LOCK, os.O_RDWR)
    try:
        assert _lock.try_lock(fd, str(tmp_path / _atomic.LOCK)) is False
    finally:
        os.close(fd)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    started = time.monotonic()
    with _atomic.folder_locked(str(tmp_path)):
        assert time.monotonic() - started < 1.0


def test_a_live_save_from_another_machine_is_not_taken_for_a_leftover(small, tmp_path):
    """Its pid means nothing here (another host, another pid namespace): its lock says it lives."""
    small.save(tmp_path, 1)
    elsewhere = tmp_path / f"{_atomic.STAGING}{_dead_pid()}-remote"
    elsewhere.mkdir()
    (elsewhere / "model.ckpt-9.data-00000-of-00001").write_bytes(b"being written")
    fd = os.open(elsewhere / _atomic.OWNER, os.O_RDWR | os.O_CREAT)
    try:
        assert _lock.try_lock(fd, str(elsewhere / _atomic.OWNER))
        small.save(tmp_path, 2)
        assert elsewhere.is_dir()
    finally:
        os.close(fd)  # that save ended (or its process died)
    small.save(tmp_path, 3)
    assert not elsewhere.exists() and temp_files(tmp_path) == []


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


# --- orphans: checkpoints that no state file lists ------------------------------------------------


@pytest.mark.parametrize("state", ["copied", "not copied"])
def test_resuming_in_a_copied_folder_evicts_the_copies_never_the_originals(small, tmp_path, state):
    original, copy = tmp_path / "run", tmp_path / "copy"
    original.mkdir()
    for step in (1, 2, 3, 4):
        small.save(str(original), step, raw=True)  # TF's Saver: absolute paths in the state file
    shutil.copytree(original, copy, ignore=None if state == "copied" else shutil.ignore_patterns("checkpoint"))
    before = {name: (original / name).read_bytes() for name in os.listdir(original)}
    for step in (5, 6):
        small.save(copy, step)
    assert {name: (original / name).read_bytes() for name in os.listdir(original)} == before
    assert steps_on_disk(copy) == [5, 6]
    assert listed_steps(copy) == (6, [5, 6])
    assert_consistent(copy, 2)


def test_orphans_of_our_naming_are_listed_or_evicted_and_nothing_else_is_touched(small, tmp_path):
    for step in (1, 2, 3):
        small.save(tmp_path, step, raw=True)
    os.remove(tmp_path / "checkpoint")  # checkpoints 1-3 are now listed nowhere
    # another saver's state file lists checkpoint 1: it is not an orphan
    _atomic.write_state(str(tmp_path), str(tmp_path / "model.ckpt-1"), [str(tmp_path / "model.ckpt-1")],
                        "checkpoint_best")
    # a save killed while placing its files (no .index: nothing can restore it)
    (tmp_path / "model.ckpt-7.data-00000-of-00001").write_bytes(b"half")
    (tmp_path / "model.ckpt-7.meta").write_bytes(b"half")
    theirs = {"model.ckpt-best.index": b"x", "model.ckpt-2.txt": b"notes", "other.ckpt-1.index": b"x",
              "model.ckpt-3-old.index": b"x", "model.ckpt-1.5.index": b"x", "notes": b"n"}
    for name, data in theirs.items():
        (tmp_path / name).write_bytes(data)
    small.save(tmp_path, 10)  # max_to_keep=2: orphans 2 and 3 are listed again, oldest first, and 2 goes
    assert steps_on_disk(tmp_path) == [1, 3, 10]
    assert listed_steps(tmp_path) == (10, [3, 10])
    assert not any(name.startswith("model.ckpt-7.") for name in os.listdir(tmp_path))
    assert {name: (tmp_path / name).read_bytes() for name in theirs} == theirs
    assert small.step_of(str(tmp_path / "model.ckpt-1")) == 1


def test_an_orphan_is_listed_again_while_max_to_keep_has_room(tf, v1, tmp_path):
    model = Small(tf, v1, max_to_keep=4)
    for step in (1, 2):
        model.save(tmp_path, step)
    model.save(f"{tmp_path}/elsewhere/", 3)
    for name in os.listdir(tmp_path / "elsewhere"):  # a save killed after placing, before listing
        if name.startswith("model.ckpt-3."):
            os.replace(tmp_path / "elsewhere" / name, tmp_path / name)
    model.save(tmp_path, 4)
    assert listed_steps(tmp_path) == (4, [3, 1, 2, 4])
    assert steps_on_disk(tmp_path) == [1, 2, 3, 4]
    assert model.step_of(str(tmp_path / "model.ckpt-3")) == 3


def test_a_damaged_state_file_stops_the_save_before_it_writes(small, tmp_path):
    small.save(tmp_path, 1)
    (tmp_path / "checkpoint").write_bytes(b'model_checkpoint_path: "model.ckpt-\xe91"\n')
    files = {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)}
    with pytest.raises(CorruptCheckpointError, match="is not UTF-8: byte 0xe9 at line 1"):
        small.save(tmp_path, 2)
    assert {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)} == files


# --- MonitoredTrainingSession: the scaffold's saver is atomic ------------------------------------

TRAIN = textwrap.dedent(
    """
    import sys
    from tf1init._tf import tf, v1
    from tf1init.checkpoints.scaffold import RestoreOrInitializeScaffold
    folder, n = sys.argv[1], int(sys.argv[2])
    with tf.Graph().as_default():
        big = v1.get_variable("big", [n], initializer=v1.zeros_initializer())
        step = v1.train.get_or_create_global_step()
        train = tf.group(big.assign_add(tf.ones([n])), step.assign_add(1))
        with v1.train.MonitoredTrainingSession(
                checkpoint_dir=folder, scaffold=RestoreOrInitializeScaffold(), save_checkpoint_steps=1,
                save_summaries_steps=None, save_summaries_secs=None, log_step_count_steps=None) as session:
            session.run(train)  # saved at step 0 (when the session was made) and step 1
            print("ready", flush=True)
            sys.stdin.readline()
            while True:
                session.run(train)  # a 64 MB checkpoint at every step
    """
)
BIG = 16_000_000


def build_trainer(tf, v1, n):
    graph = tf.Graph()
    with graph.as_default():
        big = v1.get_variable("big", [n], initializer=v1.zeros_initializer())
        step = v1.train.get_or_create_global_step()
        train = tf.group(big.assign_add(tf.ones([n])), step.assign_add(1))
        head = big[:3]
    return graph, head, step, train


def saving_now(folder) -> bool:
    """A save has started writing: our staging folder has files, or TF's own temp files exist."""
    for name in os.listdir(folder):
        if "_temp" in name or "tempstate" in name:
            return True
        if name.startswith(_atomic.STAGING):
            try:
                if set(os.listdir(os.path.join(folder, name))) - {_atomic.OWNER}:
                    return True
            except FileNotFoundError:
                pass
    return False


def test_monitored_training_session_killed_mid_save_leaves_no_partial_checkpoint(tf, v1, children):
    tmp_path, process = children["trainer"]
    line = process.stdout.readline()
    assert line == "ready\n", line + process.stderr.read()
    assert not saving_now(tmp_path)
    process.stdin.write("go\n")
    process.stdin.flush()
    deadline = time.monotonic() + 60
    while not saving_now(tmp_path):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.0002)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert temp_files(tmp_path) != []  # killed mid-save indeed
    latest, _ = _atomic.read_state(str(tmp_path))
    assert_consistent(tmp_path, 5)

    # The next start restores the latest complete checkpoint, saves, and cleans up.
    graph, head, step, train = build_trainer(tf, v1, BIG)
    with graph.as_default():
        with v1.train.MonitoredTrainingSession(
                checkpoint_dir=str(tmp_path), scaffold=tf1init.RestoreOrInitializeScaffold(),
                save_checkpoint_steps=1, save_summaries_steps=None, save_summaries_secs=None,
                log_step_count_steps=None) as session:
            restored = session.run(step)
            assert restored == int(latest.rsplit("-", 1)[1]) >= 1
            assert session.run(head).tolist() == [restored] * 3
    assert temp_files(tmp_path) == []
    assert_consistent(tmp_path, 5)


def test_scaffold_saver_keeps_max_to_keep_and_last_checkpoints(tf, v1, tmp_path):
    graph, _, step, train = build_trainer(tf, v1, 4)
    with graph.as_default():
        scaffold = tf1init.RestoreOrInitializeScaffold(saver_kwargs={"max_to_keep": 2, "durable": False})
        with v1.train.MonitoredTrainingSession(
                checkpoint_dir=str(tmp_path), scaffold=scaffold, save_checkpoint_steps=1,
                save_summaries_steps=None, save_summaries_secs=None, log_step_count_steps=None) as session:
            for _ in range(4):
                session.run(train)
    assert listed_steps(tmp_path) == (4, [3, 4])
    assert steps_on_disk(tmp_path) == [3, 4]
    assert scaffold.saver.last_checkpoints == [str(tmp_path / "model.ckpt-3"), str(tmp_path / "model.ckpt-4")]
    assert isinstance(scaffold.saver, v1.train.Saver)


def test_options_the_atomic_save_cannot_honour_are_refused(v1):
    with pytest.raises(ValueError, match="keep_checkpoint_every_n_hours=1 is not supported by the atomic save"):
        tf1init.RestoreOrInitializeScaffold(saver_kwargs={"keep_checkpoint_every_n_hours": 1})
    with pytest.raises(ValueError, match="keep_checkpoint_every_n_hours=0.5"):
        tf1init.AtomicSaver(keep_checkpoint_every_n_hours=0.5)
