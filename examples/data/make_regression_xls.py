"""Write examples/data/regression.xls, the points example 1 fits a line to (done once; committed).

n = 50, x = 0..49, y = randint(-20, 20) + 2x with scikit-learn's check_random_state(0): the
synthetic data of the classic TF1 linear-regression tutorial. Kept beside the .xls so anyone
can regenerate it (needs xlwt: pip install xlwt).
"""
import pathlib

import numpy as np
import xlwt
from sklearn.utils import check_random_state


def main(path=pathlib.Path(__file__).with_name("regression.xls")):
    n = 50
    xs = np.arange(n)
    rs = check_random_state(0)
    ys = rs.randint(-20, 20, size=(n,)) + 2.0 * xs
    book = xlwt.Workbook()
    sheet = book.add_sheet("data")
    sheet.write(0, 0, "x")
    sheet.write(0, 1, "y")
    for row, (x, y) in enumerate(zip(xs, ys), start=1):
        sheet.write(row, 0, float(x))
        sheet.write(row, 1, float(y))
    book.save(str(path))
    print(f"wrote {path} ({n} rows)")


if __name__ == "__main__":
    main()
