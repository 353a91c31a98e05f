"""The TF1 corpus (tests/tf1_corpus/): each program prints its golden output under real TF 1.15, and
its migration by `tf1init migrate --write` runs on today's TensorFlow and prints the same numbers.

Every program is a real process; they run in parallel in one pool that the module's tests share.
Migrations that are not there yet are strict xfails, listed in the manifest's NOT_YET_MIGRATABLE.
"""
import concurrent.futures
import dataclasses
import importlib.util
import json
import math
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

import tf1init
from eager_check import graph_mode_names
from tf1_reference import tf1_env, tf1_python

CORPUS = pathlib.Path(__file__).resolve().parents[1] / "tf1_corpus"
_spec = importlib.util.spec_from_file_location("tf1_corpus_manifest", CORPUS / "manifest.py")
manifest = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = manifest  # dataclasses look their module up while the class is built
_spec.loader.exec_module(manifest)

TIMEOUT_S = 120
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?\b(?:nan|inf)\b")


@dataclasses.dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str

    def explain(self) -> str:
        return f"exit status {self.returncode}; stderr ends:\n{self.stderr[-3000:]}\nstdout:\n{self.stdout}"


def run_program(program, python, root: pathlib.Path, scratch: pathlib.Path) -> Run:
    """``python entry args`` from the entry's folder, as a user starts it; {tmpdir} is ``scratch``."""
    script = root / program.entry
    scratch.mkdir(parents=True)
    args = [str(scratch) if arg == manifest.TMPDIR else arg for arg in program.args]
    if python == sys.executable:
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", TF_CPP_MIN_LOG_LEVEL="2")
        # A migrated program may import tf1init: the one under test, wherever it was imported from.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(pathlib.Path(tf1init.__file__).parents[1]),
                                                          os.environ.get("PYTHONPATH")]))
    else:
        env = tf1_env(PYTHONDONTWRITEBYTECODE="1", TF_CPP_MIN_LOG_LEVEL="2")
    try:
        done = subprocess.run([python, script.name, *args], cwd=script.parent, env=env,
                              capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired as timeout:
        return Run(-1, timeout.stdout or "", f"killed after {TIMEOUT_S} s")
    return Run(done.returncode, done.stdout, done.stderr)


def records(text: str) -> list:
    """Printed lines, each with the lines after it that start with a space (a wrapped numpy array)."""
    out = []
    for line in text.splitlines():
        if line.startswith(" ") and out:
            out[-1] += "\n" + line
        else:
            out.append(line)
    return out


def differences(program, expected: str, printed: str) -> list:
    """What in ``printed`` does not match the golden ``expected`` under the program's rules."""
    want, got = records(expected), records(printed)
    problems = [] if len(want) == len(got) else [f"{len(got)} records printed, {len(want)} expected"]
    for number, (w, g) in enumerate(zip(want, got), 1):
        where = f"record {number}:\n  expected {w!r}\n  printed  {g!r}"
        if w.startswith(program.exact):
            if w != g:
                problems.append(f"{where}\n  (initial values: must be identical)")
        elif re.sub(r"\s", "", NUMBER.sub("#", w)) != re.sub(r"\s", "", NUMBER.sub("#", g)):
            problems.append(f"{where}\n  (the words differ)")
        else:
            pairs = zip(map(float, NUMBER.findall(w)), map(float, NUMBER.findall(g)))
            off = [(a, b) for a, b in pairs
                   if not (math.isclose(a, b, rel_tol=program.rtol, abs_tol=program.atol)
                           or (math.isnan(a) and math.isnan(b)))]
            if off:
                problems.append(f"{where}\n  ({off[0][1]} vs {off[0][0]}: beyond rtol={program.rtol} "
                                f"atol={program.atol})")
    return problems


@dataclasses.dataclass
class Corpus:
    originals: dict  # name -> Future[Run] under TF 1.15
    migrated: dict  # name -> Future[Run] of the migrated copy under this interpreter
    migrate: subprocess.CompletedProcess = None
    report: dict = None
    folder: pathlib.Path = None


def selected(request) -> set:
    """(test function, program name) for each of this module's tests that this session runs."""
    pairs = set()
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        if item.module is request.module and callspec and "program" in callspec.params:
            pairs.add((item.originalname, callspec.params["program"].name))
        elif item.module is request.module and callspec and "name" in callspec.params:  # the lifted ones
            pairs.add((item.originalname, callspec.params["name"]))
    return pairs


@pytest.fixture(scope="module")
def corpus(request, tmp_path_factory):
    """Starts, in one pool, only the runs that the selected tests of this module will read."""
    wanted = selected(request)
    tmp = tmp_path_factory.mktemp("tf1_corpus")
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2)
    result = Corpus({}, {})
    python = tf1_python()
    if python:
        result.originals = {p.name: pool.submit(run_program, p, python, CORPUS, tmp / "tf1" / p.name)
                            for p in manifest.PROGRAMS if ("test_original_prints_the_golden_output", p.name) in wanted}
    if any(test in ("test_migration_prints_the_golden_output", "test_lifted_programs_are_eager_tf2",
                    "test_lifted_programs_pass_verify") for test, _ in wanted):
        result.folder = tmp / "migrated"
        shutil.copytree(CORPUS, result.folder, ignore=shutil.ignore_patterns(
            "expected", "manifest.py", "regenerate.py", "__pycache__"))
        report = tmp / "report.json"
        result.migrate = subprocess.run(
            [sys.executable, "-m", "tf1init", "migrate", "--write", "-q", "--report", str(report),
             str(result.folder)],
            capture_output=True, text=True, timeout=TIMEOUT_S,
            env=dict(os.environ, TF1INIT_CACHE_DIR=str(tmp / "cache")))
        result.report = json.loads(report.read_text()) if report.exists() else {"findings": [], "files": []}
        result.migrated = {p.name: pool.submit(run_program, p, sys.executable, result.folder, tmp / "tf2" / p.name)
                           for p in manifest.PROGRAMS
                           if not p.blockers and ("test_migration_prints_the_golden_output", p.name) in wanted}
    yield result
    pool.shutdown(cancel_futures=True)


def golden(program) -> str:
    return (CORPUS / "expected" / f"{program.name}.txt").read_text(encoding="utf-8")


def not_yet(program):
    reason = "its migration does not reproduce it yet (manifest.NOT_YET_MIGRATABLE)"
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if program.name in manifest.NOT_YET_MIGRATABLE else []
    return pytest.param(program, id=program.name, marks=marks)


@pytest.mark.parametrize("program", manifest.PROGRAMS, ids=lambda p: p.name)
def test_original_prints_the_golden_output(corpus, program):
    if not tf1_python():
        pytest.skip("no TF 1.15 interpreter: set TF1INIT_TF1_PYTHON (.ci/run makes one)")
    run = corpus.originals[program.name].result()
    assert run.returncode == 0, f"{program.entry} failed under TF 1.15: {run.explain()}"
    assert run.stdout == golden(program), (
        f"{program.entry} no longer prints expected/{program.name}.txt under TF 1.15 "
        "(if the program changed on purpose: python tests/tf1_corpus/regenerate.py, and review the diff)")


@pytest.mark.parametrize("program", [not_yet(p) for p in manifest.PROGRAMS])
def test_migration_prints_the_golden_output(corpus, program):
    """A migrated program prints what TF 1.15 printed; one with blockers stays as it was and the
    report names each blocker at file:line:col."""
    assert corpus.migrate.returncode in (0, 1), f"tf1init migrate failed:\n{corpus.migrate.stderr}"
    if program.blockers:
        for path in {path for path, _, _ in program.blockers}:
            assert (corpus.folder / path).read_bytes() == (CORPUS / path).read_bytes(), (
                f"{path} has blockers but was changed: a half-converted file")
        reported = {(pathlib.Path(f["file"]).resolve(), f["line"], f["column"])
                    for f in corpus.report["findings"] if f["kind"] == "manual"}
        missing = [f"{path}:{line}:{column}" for path, line, column in program.blockers
                   if ((corpus.folder / path).resolve(), line, column) not in reported]
        assert not missing, f"blockers not reported: {', '.join(missing)}"
        return
    run = corpus.migrated[program.name].result()
    assert run.returncode == 0, f"migrated {program.entry} failed: {run.explain()}"
    problems = differences(program, golden(program), run.stdout)
    more = [f"... and {len(problems) - 4} more"] if len(problems) > 4 else []
    assert not problems, f"migrated {program.entry} prints other numbers:\n" + "\n".join(problems[:4] + more)


@pytest.mark.parametrize("name", sorted(manifest.EAGER))
def test_lifted_programs_are_eager_tf2(corpus, name):
    """The session programs of manifest.EAGER come out as eager TF2 (rule TFI109), and the report
    says so at their session."""
    program = next(p for p in manifest.PROGRAMS if p.name == name)
    text = (corpus.folder / program.entry).read_text(encoding="utf-8")
    left = graph_mode_names(text)
    assert not left, f"migrated {program.entry} still holds {left}:\n{text}"
    assert "@tf.function" in text and "tf.GradientTape()" in text
    lifted = [f for f in corpus.report["findings"] if f["rule"] == "TFI109"
              and pathlib.Path(f["file"]).resolve() == (corpus.folder / program.entry).resolve()]
    assert [f["kind"] for f in lifted] == ["fixed"], lifted


@pytest.fixture(scope="module")
def verified(corpus, request):
    """``tf1init verify --strict`` on each lifted program and its original (TF 1.15), two at once."""
    python = tf1_python()
    if not python:
        pytest.skip("no TF 1.15 interpreter: set TF1INIT_TF1_PYTHON (.ci/run makes one)")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=os.pathsep.join(filter(None, [
        str(pathlib.Path(tf1init.__file__).parents[1]), os.environ.get("PYTHONPATH")])))

    def verify(program):
        return subprocess.run(
            [sys.executable, "-m", "tf1init", "verify", str(CORPUS / program.entry), str(corpus.folder / program.entry),
             "--tf1-python", python, "--strict", "--rtol", str(program.rtol), "--atol", str(program.atol), "-q"],
            capture_output=True, text=True, timeout=TIMEOUT_S * 2, env=env)

    programs = [p for p in manifest.PROGRAMS if p.name in manifest.EAGER]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip((p.name for p in programs), pool.map(verify, programs)))


@pytest.mark.parametrize("name", sorted(manifest.EAGER))
def test_lifted_programs_pass_verify(verified, name):
    """`tf1init verify --strict`: every variable of the lifted program starts bit-identical to TF
    1.15's (optimizer state aside), and every printed number is within the manifest's tolerance."""
    done = verified[name]
    assert done.returncode == 0, f"tf1init verify {name}: exit {done.returncode}\n{done.stdout[-4000:]}\n{done.stderr[-2000:]}"


GOLDEN = "initial W: [ 0.15111303 -0.7233987\n  0.4218123 ]\nstep 0 loss 0.88840234\nAccuracy: 1.0\n"


@pytest.mark.parametrize("printed, problem", [
    (GOLDEN, None),
    ("initial W: [ 0.15111303 -0.7233987\n  0.4218123 ]\nstep 0 loss 0.8884031\nAccuracy: 1.0\n", None),
    ("initial W: [ 0.15111303 -0.7233987  0.4218123 ]\nstep 0 loss 0.88840234\nAccuracy: 1.0\n",
     "must be identical"),
    ("initial W: [ 0.15111304 -0.7233987\n  0.4218123 ]\nstep 0 loss 0.88840234\nAccuracy: 1.0\n",
     "must be identical"),
    ("initial W: [ 0.15111303 -0.7233987\n  0.4218123 ]\nstep 0 loss 0.8895\nAccuracy: 1.0\n", "beyond rtol"),
    ("initial W: [ 0.15111303 -0.7233987\n  0.4218123 ]\nstep 0 cost 0.88840234\nAccuracy: 1.0\n",
     "the words differ"),
    ("initial W: [ 0.15111303 -0.7233987\n  0.4218123 ]\nstep 0 loss 0.88840234\n", "2 records printed, 3"),
])
def test_comparison_rules(printed, problem):
    """Initial values to the digit, wrapped arrays as one record, the rest within tolerance."""
    program = manifest.Program("example", "example.py", "rules")
    found = differences(program, GOLDEN, printed)
    assert (problem is None and found == []) or (problem and any(problem in p for p in found)), found
