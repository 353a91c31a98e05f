"""Examples 1 and 2: variables in a TF1 session, and the same program migrated to TF2 eager code.

Each example runs once per module (module-scoped fixtures); the tests assert its key numbers.
Example 2 is `tf1init migrate --ignore TFI107` run on example 1, with what migrate reported
finished by hand in marked regions (and its docstring rewritten in one marked region).
"""
import ast
import json
import pathlib
import re
import runpy
import shutil
import subprocess
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"
TF1 = EXAMPLES / "variables_in_session.py"
TF2 = EXAMPLES / "variables_in_session_tf2.py"
# A region finished by hand (it quotes what migrate reported there) or changed by hand (only the
# docstring may be: it says what the file is).
HAND = re.compile(
    r"^(?P<indent>[ \t]*)# --- (?:finished by hand: tf1init migrate reported (?P<rule>TFI\d+): (?P<reason>[^\n]*)"
    r"|changed by hand: (?P<why>[^\n]*)) ---\n"
    r"(?P<body>.*?)"
    r"^(?P=indent)# --- end (?:finished|changed) by hand ---\n",
    re.M | re.S,
)
MIGRATE_AS = ["--ignore", "TFI107"]  # TF2 code rather than graph mode kept through tf.compat.v1


@pytest.fixture(scope="module")
def variables_example():
    return runpy.run_path(str(TF1), run_name="example")


@pytest.fixture(scope="module")
def tf1_run(variables_example, tmp_path_factory):
    out = tmp_path_factory.mktemp("tf1")
    return variables_example["run"](out=out), out


@pytest.fixture(scope="module")
def tf2_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("tf2")
    return runpy.run_path(str(TF2), run_name="example")["run"](out=out), out


def test_variables_in_session_fits_the_least_squares_line(tf1_run):
    report, out = tf1_run
    assert report["selective"] == ["weights", "custom_variable"]
    assert report["left_after_selective"] == ["biases", "projection", "WeightsNew"]
    assert len(report["global"]) == 5
    assert report["weights_new_equals_weights"] is True
    assert report["custom"] == [[0.5, 0.5], [0.5, 0.5]]
    assert report["projection_max_abs"] <= report["projection_limit"]
    assert report["least_squares_slope"] == pytest.approx(2.0526, abs=1e-3)
    assert report["slope"] == pytest.approx(report["least_squares_slope"], abs=1e-4)
    assert report["intercept"] == pytest.approx(report["least_squares_intercept"], abs=1e-3)
    assert (out / "regression.png").stat().st_size > 10_000
    assert json.loads((out / "summary.json").read_text()) == report


def test_global_initialization_draws_the_seeded_weights_again(tf1_run):
    report, _ = tf1_run
    assert report["weights_trained_from"] != report["weights_initial"]


def test_missing_or_malformed_spreadsheets_are_named(variables_example, tmp_path):
    DataError = variables_example["DataError"]
    with pytest.raises(DataError, match=r"nope\.xls: no such file"):
        variables_example["read_points"](tmp_path / "nope.xls")
    broken = tmp_path / "broken.xls"
    broken.write_bytes(b"this is not a workbook")
    with pytest.raises(DataError, match=r"broken\.xls: not a readable \.xls workbook"):
        variables_example["read_points"](broken)
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("data")
    for row, (x, y) in enumerate([("x", "y"), (1.0, 2.0), (2.0, "n/a")]):
        sheet.write(row, 0, x)
        sheet.write(row, 1, y)
    bad_row = tmp_path / "bad_row.xls"
    book.save(str(bad_row))
    with pytest.raises(DataError, match=r"bad_row\.xls, sheet 'data', row 3: expected two numbers"):
        variables_example["read_points"](bad_row)


def test_the_command_line_reports_a_bad_spreadsheet_without_a_traceback(variables_example, tmp_path, capsys):
    assert variables_example["main"](["--data", str(tmp_path / "missing.xls"), "--out", str(tmp_path)]) == 2
    assert "missing.xls: no such file" in capsys.readouterr().err


# ---- example 2: the same program in TF2 eager code ---------------------------------------------


def test_tf2_version_computes_the_same_numbers(tf1_run, tf2_run):
    tf1, _ = tf1_run
    tf2, out = tf2_run
    # graph seed + op seed in a TF1 graph and global seed + op seed in eager: the same first draw
    assert tf2["weights_initial"] == tf1["weights_initial"]
    assert tf2["weights_trained_from"] == tf2["weights_initial"]  # eager variables draw once
    assert tf2["custom"] == tf1["custom"]
    assert tf2["weights_new_equals_weights"] is True
    assert tf2["variables"] == ["weights", "biases", "custom_variable", "projection", "WeightsNew"]
    # Glorot: a Keras 3 initializer in eager code, a TF1 op in the graph; equal in law only
    assert tf2["projection_max_abs"] <= tf2["projection_limit"] == tf1["projection_limit"]
    assert tf2["slope"] == pytest.approx(tf1["slope"], rel=1e-6)
    assert tf2["intercept"] == pytest.approx(tf1["intercept"], rel=1e-5)
    assert tf2["loss"] == pytest.approx(tf1["loss"], rel=1e-5)
    assert tf2["trained_in"] == "TF2 eager code"
    assert (out / "regression.png").stat().st_size > 10_000


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """Run the real `tf1init migrate --write --ignore TFI107` on a copy of example 1: (input, output, findings)."""
    work = tmp_path_factory.mktemp("migrate")
    copy = work / TF2.name
    shutil.copy(TF1, copy)
    report = work / "report.json"
    done = subprocess.run(
        [sys.executable, "-m", "tf1init", "migrate", "--write", "--quiet", *MIGRATE_AS, "--report", str(report),
         "--no-cache", str(copy)],
        capture_output=True, text=True, cwd=work,
    )
    assert done.returncode == 1, done.stderr  # 1: the file changed
    return TF1.read_text(), copy.read_text(), json.loads(report.read_text())["findings"]


def _regions(committed: str):
    """The committed file as a regex over migrate's output: each finished-by-hand region
    matches whatever migrate left there; the text around the regions must match exactly."""
    pattern, regions, last = [], [], 0
    for match in HAND.finditer(committed):
        pattern.append(re.escape(committed[last:match.start()]))
        pattern.append("(.*?)")
        regions.append(match)
        last = match.end()
    pattern.append(re.escape(committed[last:]))
    return re.compile("".join(pattern), re.S), regions


def test_migrate_output_is_the_committed_file_outside_the_hand_regions(migrated):
    source, output, findings = migrated
    committed = TF2.read_text()
    pattern, regions = _regions(committed)
    finished = [region for region in regions if region["rule"]]
    changed = [region for region in regions if region["why"]]
    assert len(finished) == 2 and len(changed) == 1
    found = pattern.fullmatch(output)
    assert found, "examples/variables_in_session_tf2.py differs from `tf1init migrate` output outside its regions"
    # The one region changed without a finding holds the module docstring and nothing else.
    docstring = ast.parse(changed[0]["body"]).body
    assert len(docstring) == 1 and isinstance(docstring[0].value, ast.Constant), changed[0]["body"]
    assert committed.startswith(changed[0].group(0))
    assert "TF2 eager code" in ast.get_docstring(ast.parse(committed)).splitlines()[0]
    # The renames migrate fixed itself are in the committed file, outside the regions.
    fixed = [f for f in findings if f["kind"] == "fixed"]
    assert [f["message"] for f in fixed] == ["tf.compat.v1.truncated_normal -> tf.random.truncated_normal"]
    assert "tf.random.truncated_normal([1, 1], stddev=0.1, seed=1)" in pattern.pattern.replace("\\", "")
    # Every construct migrate left for a person is inside a region, and every region names one
    # of them with migrate's own words.
    assert output.count("\n") == source.count("\n")  # renames keep lines: finding lines hold
    manual = [f for f in findings if f["kind"] == "manual"]
    assert len(manual) == 3
    spans = []
    for index, region in enumerate(regions, start=1):
        if not region["rule"]:
            continue
        first = output.count("\n", 0, found.start(index)) + 1
        last = output.count("\n", 0, found.end(index))
        inside = [f for f in manual if first <= f["line"] <= last]
        assert any(f["rule"] == region["rule"] and f["message"] == region["reason"] for f in inside), region.group(0)
        spans.append((first, last))
    assert all(any(a <= f["line"] <= b for a, b in spans) for f in manual)


@pytest.mark.parametrize("options", [[], MIGRATE_AS], ids=["default rules", "as it was made"])
def test_migrate_leaves_the_tf2_version_unchanged(tmp_path, options):
    # Run outside the repository: its source folder would shadow the installed tf1init.migrations.
    report = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "tf1init", "migrate", "--check", "--quiet", "--no-cache",
                           "--report", str(report), *options, str(TF2)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    if options:  # the rules it was made with have nothing left to say about it
        assert json.loads(report.read_text())["findings"] == []
