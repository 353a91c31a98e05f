"""Every example answers --help, and refuses bad arguments, before it imports TensorFlow.

Each example runs as a user runs it (``python examples/NAME.py --help``), in its own process,
all of them at once; ``-X importtime`` makes Python list every module a process imported, so
the test sees whether TensorFlow (about 5 s to import) was loaded. The bound on the time is
generous (a loaded 2-core CI machine): without TensorFlow an answer takes well under a second.
"""
import concurrent.futures
import pathlib
import re
import runpy
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLES = {path.stem: path for path in sorted((ROOT / "examples").glob("*.py"))}
SECONDS = 5.0
HEAVY = ("tensorflow", "keras", "tf_keras")  # modules that --help must not import
# (example, arguments, exit status, what stderr must say): argument errors, found before any work
REFUSED = [
    ("variables_in_session", ["--data", "missing.xls"], 2, "missing.xls: no such file"),
    ("variables_in_session", ["--steps", "0"], 2, "--steps: needs at least 1"),
    ("variables_in_session_tf2", ["--data", "missing.xls"], 2, "missing.xls: no such file"),
    ("initializer_comparison", ["--epochs", "0"], 2, "--epochs: needs at least 1"),
    ("deep_network_stability", ["--seed", "x"], 2, "invalid int value: 'x'"),
    ("custom_initializers", ["--out"], 2, "expected one argument"),
    ("transfer_learning", ["--seeds", "0"], 2, "--seeds: needs at least 1"),
]


def run_example(name, arguments, cwd):
    """(exit status, stdout, stderr, seconds, imported modules) of one example's process."""
    command = [sys.executable, "-X", "importtime", str(EXAMPLES[name]), *arguments]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=120)
    seconds = time.perf_counter() - start
    # -X importtime lines: "import time: <self us> | <cumulative us> | <indent><module>"
    imported = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:") and line.count("|") == 2}
    errors = "\n".join(line for line in done.stderr.splitlines() if not line.startswith("import time:"))
    return done.returncode, done.stdout, errors, seconds, imported


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    """Every example's --help and every REFUSED case, run in parallel processes."""
    cwd = tmp_path_factory.mktemp("help")
    cases = [(name, ("--help",)) for name in EXAMPLES] + [(name, tuple(args)) for name, args, _, _ in REFUSED]
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        futures = {case: pool.submit(run_example, case[0], case[1], cwd) for case in cases}
        return {case: future.result() for case, future in futures.items()}


def heavy_imports(imported):
    return sorted(m for m in imported if m.split(".")[0] in HEAVY)


def test_every_example_is_checked():
    assert sorted(EXAMPLES) == ["cluster_job", "custom_initializers", "deep_network_stability",
                                "initializer_comparison", "transfer_learning", "variables_in_session",
                                "variables_in_session_tf2"]


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_help_answers_at_once_without_tensorflow(answers, name):
    status, out, errors, seconds, imported = answers[name, ("--help",)]
    assert status == 0, errors
    assert errors == ""
    assert out.startswith(f"usage: {name}.py ")
    assert "numpy" in imported  # the import list is real: the examples import numpy at the top
    assert heavy_imports(imported) == []
    assert seconds < SECONDS


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_help_says_what_the_example_does_in_complete_sentences(answers, name):
    out = answers[name, ("--help",)][1]
    module = runpy.run_path(str(EXAMPLES[name]), run_name="example")
    summary = " ".join(module["__doc__"].split("\n\n")[0].split())
    # The description is the docstring's whole first paragraph: complete sentences, not a cut line.
    assert summary[0].isupper() and summary.endswith("."), summary
    description = " ".join(out.split("\n\n")[1].split())
    assert description == summary
    # Every option says what it is for: in the options section, each entry has text after its
    # invocation (on the same line, or on the next, indented, when the invocation is long).
    options = out.split("\noptions:\n", 1)[1].split("\n\n")[0]
    entries = re.split(r"\n(?=  -)", options)
    assert len(entries) >= 2  # -h and --out at least
    for entry in entries:
        invocation, _, help_text = entry.strip().partition("  ")
        assert help_text.strip(), f"{name}: {invocation} has no help text"
    epilog = " ".join(out.split("\n\n")[-1].split())
    assert epilog.startswith("Writes ") and epilog.endswith(" to --out."), epilog
    assert "--out OUT" in out and "(default: out)" in " ".join(out.split())


@pytest.mark.parametrize("name, arguments, status, message", REFUSED,
                         ids=[f"{name} {' '.join(args)}" for name, args, _, _ in REFUSED])
def test_bad_arguments_are_refused_before_tensorflow_loads(answers, name, arguments, status, message):
    got, _, errors, seconds, imported = answers[name, tuple(arguments)]
    assert got == status, errors
    assert message in errors
    assert "Traceback" not in errors
    assert heavy_imports(imported) == []
    assert seconds < SECONDS


def test_examples_name_only_files_that_exist():
    """Every repository path an example mentions (docstrings, messages, comments) is there."""
    mentioned = re.compile(r"(?<![\w/.])((?:examples|tests|docs|tf1init)/[\w./-]*\w)")
    for path in EXAMPLES.values():
        for found in mentioned.findall(path.read_text()):
            assert (ROOT / found).exists(), f"{path.name} mentions {found}, which is not in the repository"
        assert "../" not in path.read_text(), f"{path.name} points outside the repository"
