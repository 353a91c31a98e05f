"""The initialization protocol on a real loopback cluster: 1 ps + 2 workers, separate processes.

One cluster serves the tests of this module, in order (each step builds on the last): the chief
restores a checkpoint written here while a worker waits; the worker is SIGKILLed and started
again; the chief is SIGKILLed and started again; the parameter server is SIGKILLed and started
again. Every process is killed in the module fixture's finally.
"""
import numpy as np
import pytest

from cluster.cluster_processes import Task, free_ports

VARIABLES = ("w", "b", "global_step")


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory, tf, v1):
    """A checkpoint of w, b and global_step with known values (head is not in it)."""
    folder = tmp_path_factory.mktemp("ckpt")
    from tf1init.checkpoints.saving import save_checkpoint

    values = {"w": np.random.default_rng(7).standard_normal([4, 3]).astype(np.float32),
              "b": np.array([0.5, -1.25, 3.0], np.float32), "global_step": np.int64(40)}
    graph = tf.Graph()
    with graph.as_default():
        variables = [v1.Variable(values[n], name=n) for n in VARIABLES]
        session = v1.Session(graph=graph)
        session.run(v1.global_variables_initializer())
    save_checkpoint(session, str(folder), var_list=variables, global_step=40)
    return folder, {n: np.asarray(values[n]).tobytes().hex() for n in VARIABLES}


@pytest.fixture(scope="module")
def cluster(checkpoint, tmp_path_factory):
    folder, _ = checkpoint
    logs = tmp_path_factory.mktemp("logs")
    ports = ",".join(map(str, free_ports(3)))
    tasks = {}
    start = lambda name, *args: tasks.__setitem__(name, Task(*args, log_dir=logs))  # noqa: E731
    try:
        # The worker starts first: it must wait for the parameter server and the chief.
        start("worker", "worker", ports, 1, folder)
        start("ps", "ps", ports)
        start("chief", "worker", ports, 0, folder)
        yield tasks, start, ports, folder
    finally:
        for task in tasks.values():
            task.kill()


def test_chief_restores_and_worker_sees_the_values_bit_for_bit(cluster, checkpoint):
    tasks, _, _, _ = cluster
    _, saved = checkpoint
    chief = tasks["chief"].expect("ready", timeout=60)
    worker = tasks["worker"].expect("ready", timeout=30)
    assert chief["restored"] == ["b", "global_step", "w"]
    assert chief["initialized"] == ["head"]
    assert chief["checkpoint"].endswith("model.ckpt-40")
    for name in VARIABLES:
        assert worker["values"][name] == saved[name] == chief["values"][name], name
    assert worker["values"]["head"] == np.ones(2, np.float32).tobytes().hex()
    assert worker["generation"] == chief["generation"] != 0
    assert chief["local"] == ["seen"] and worker["local"] == ["seen"]  # one per task


def test_restarted_worker_reattaches_without_touching_variables(cluster):
    tasks, start, ports, folder = cluster
    trained = tasks["chief"].send("train 3", "trained")
    assert trained["seen"] == 3.0
    before = tasks["worker"].send("train 2", "trained")
    assert before["seen"] == 2.0  # the worker's own counter, not the chief's
    tasks["worker"].kill()
    start("worker", "worker", ports, 1, folder)
    again = tasks["worker"].expect("ready", timeout=30)
    assert again["values"] == before["values"]  # nothing re-initialized or restored
    assert again["local"] == ["seen"]
    assert tasks["chief"].send("values", "values")["values"] == before["values"]


def test_restarted_chief_restores_the_latest_checkpoint_and_keeps_trained_values(cluster):
    tasks, start, ports, folder = cluster
    saved = tasks["chief"].send("save", "saved")
    assert saved["prefix"].endswith("model.ckpt-45")  # 40 restored + 5 steps
    after = tasks["chief"].send("train 2", "trained")  # not saved: rolled back by the restore
    tasks["chief"].kill()
    start("chief", "worker", ports, 0, folder)
    chief = tasks["chief"].expect("ready", timeout=30)
    assert chief["checkpoint"] == saved["prefix"]
    assert chief["restored"] == ["b", "global_step", "w"] and chief["initialized"] == []
    assert chief["kept"] == ["head"]  # not in the checkpoint, trained on the ps: kept, not reset
    for name in VARIABLES:
        assert chief["values"][name] == saved["values"][name], name
    assert chief["values"]["head"] == after["values"]["head"]
    assert tasks["worker"].send("values", "values")["values"] == chief["values"]


def test_parameter_server_restart_is_detected_and_recovered_from_the_checkpoint(cluster):
    tasks, start, ports, folder = cluster
    saved = tasks["chief"].send("save", "saved")
    tasks["ps"].kill()
    start("ps", "ps", ports)
    tasks["ps"].expect("listening", timeout=30)
    check = tasks["chief"].send("check", "check")
    assert check == {"event": "check", "ready": False, "chief": "session lost", "restarted": True}
    recovered = tasks["chief"].send("recover", "recovered")
    assert recovered["restored"] == ["b", "global_step", "w"]
    for name in VARIABLES:
        assert recovered["values"][name] == saved["values"][name], name
    assert recovered["values"]["head"] == np.ones(2, np.float32).tobytes().hex()  # lost with the ps


def test_worker_without_chief_times_out_naming_what_is_missing(tmp_path):
    alone, ports = (",".join(map(str, free_ports(3))) for _ in range(2))
    tasks = []
    try:  # all at once: a worker whose parameter server never starts, and one whose chief never does
        tasks.append(Task("worker", alone, 1, tmp_path, 1.0, log_dir=tmp_path))
        tasks.append(Task("ps", ports, log_dir=tmp_path))
        tasks.append(Task("worker", ports, 1, tmp_path, 3.0, log_dir=tmp_path))
        gone = tasks[0].expect("not_ready", timeout=30)
        assert gone["unreachable"] == ["/job:ps/task:0"] and "parameter servers not answering" in gone["message"]
        waited = tasks[-1].expect("not_ready", timeout=30)
        assert waited["chief"] == "not started" and not waited["unreachable"]
        assert waited["not_ready"] == ["w", "b", "head", "global_step"]
        assert "4 global variables hold no value: w, b, head, global_step" in waited["message"]
    finally:
        for task in tasks:
            task.kill()


def test_a_mismatched_checkpoint_stops_the_chief_and_workers_never_start(tmp_path, tf, v1):
    """restore_or_initialize's safe default: w [5, 3] in the checkpoint, [4, 3] in the model
    raises before any variable changes; the marker stays at 'preparing', so workers wait."""
    from tf1init.checkpoints.saving import save_checkpoint

    graph = tf.Graph()
    with graph.as_default():
        variables = [v1.Variable(np.zeros([5, 3], np.float32), name="w"), v1.Variable(np.zeros([3], np.float32), name="b")]
        session = v1.Session(graph=graph)
        session.run(v1.global_variables_initializer())
    save_checkpoint(session, str(tmp_path), var_list=variables, global_step=1)
    ports = ",".join(map(str, free_ports(3)))
    tasks = []
    try:
        tasks.append(Task("ps", ports, log_dir=tmp_path))
        tasks.append(Task("worker", ports, 0, tmp_path, log_dir=tmp_path))
        tasks.append(Task("worker", ports, 1, tmp_path, 10.0, log_dir=tmp_path))
        failed = tasks[1].expect("failed", timeout=30)
        assert failed["error"] == "CheckpointMismatchError"
        assert "'w'" in failed["message"] and "[4, 3]" in failed["message"] and "[5, 3]" in failed["message"]
        waited = tasks[2].expect("not_ready", timeout=30)
        assert waited["chief"] == "preparing" and waited["not_ready"] == ["w", "b", "head", "global_step"]
    finally:
        for task in tasks:
            task.kill()


@pytest.mark.parametrize("arguments, message", [
    ({"job": "trainer"}, "job 'trainer' is not in the cluster; its jobs are ['ps', 'worker']"),
    ({"task": 5}, "task 5 of job 'worker' is not in the cluster; it has tasks [0, 1]"),
    ({"ps_job": "params"}, "no parameter-server job 'params' in the cluster (jobs: ['ps', 'worker'])"),
])
def test_a_task_outside_the_cluster_is_refused_naming_the_cluster(tf, v1, arguments, message):
    from tf1init.cluster import ClusterInitializer

    spec = {"ps": ["127.0.0.1:1"], "worker": ["127.0.0.1:2", "127.0.0.1:3"]}
    with tf.Graph().as_default():
        with pytest.raises(ValueError) as error:
            ClusterInitializer(spec, **arguments)
    assert str(error.value) == message
