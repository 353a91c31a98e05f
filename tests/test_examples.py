"""The bundled examples run end to end on bundled data, with their key numbers asserted."""
import pathlib
import runpy

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def variables_example():
    return runpy.run_path(str(EXAMPLES / "variables_in_session.py"), run_name="example")


def test_variables_in_session_fits_the_least_squares_line(variables_example, tmp_path):
    report = variables_example["run"](out=tmp_path)
    assert report["selective"] == ["weights", "custom_variable"]
    assert report["left_after_selective"] == ["biases", "projection", "WeightsNew"]
    assert len(report["global"]) == 5
    assert report["weights_new_equals_weights"] is True
    assert report["custom"] == [[0.5, 0.5], [0.5, 0.5]]
    assert report["projection_max_abs"] <= report["projection_limit"]
    assert report["least_squares_slope"] == pytest.approx(2.0526, abs=1e-3)
    assert report["slope"] == pytest.approx(report["least_squares_slope"], abs=1e-4)
    assert report["intercept"] == pytest.approx(report["least_squares_intercept"], abs=1e-3)
    assert (tmp_path / "regression.png").stat().st_size > 10_000
    assert (tmp_path / "summary.json").is_file()


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
