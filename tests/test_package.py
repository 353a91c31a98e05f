"""The package promises that every other part builds on: layout, lazy TensorFlow, command line."""
import ast
import os
import pathlib
import re
import subprocess
import sys

import tf1init

PACKAGE = pathlib.Path(tf1init.__file__).parent
REPO = pathlib.Path(__file__).resolve().parents[1]


def run_python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/"
    )
    return result.stdout.strip()


def test_import_does_not_load_tensorflow():
    out = run_python("import sys, tf1init, tf1init.errors, tf1init.cli; print('tensorflow' in sys.modules)")
    assert out == "False"


def test_codemod_package_imports_without_tensorflow():
    out = run_python(
        "import sys, pkgutil, importlib, tf1init.migrations as m\n"
        "for info in pkgutil.walk_packages(m.__path__, 'tf1init.migrations.'):\n"
        "    importlib.import_module(info.name)\n"
        "print('tensorflow' in sys.modules)"
    )
    assert out == "False"


def test_help_runs_without_tensorflow():
    out = run_python(
        "import sys, contextlib, io\n"
        "from tf1init.cli import main\n"
        "buf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf):\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit as e:\n"
        "        code = e.code\n"
        "print(code, 'tensorflow' in sys.modules, 'usage: tf1init' in buf.getvalue())"
    )
    assert out == "0 False True"


def test_console_script_and_module_entry_points():
    for argv in (["tf1init", "--version"], [sys.executable, "-m", "tf1init", "--version"]):
        if argv[0] == "tf1init":
            argv[0] = str(pathlib.Path(sys.executable).with_name("tf1init"))
        result = subprocess.run(argv, capture_output=True, text=True, cwd="/")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"tf1init {tf1init.__version__}"


def imported_top_modules(path: pathlib.Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0], node.lineno


def test_only_one_module_imports_tensorflow():
    offenders = [
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "_tf.py"
        for module, line in imported_top_modules(path)
        if module in ("tensorflow", "keras", "tf_keras")
    ]
    assert offenders == [], "import TensorFlow through tf1init._tf only"


def test_no_top_level_migrations_package_is_installed():
    out = run_python("import importlib.util; print(importlib.util.find_spec('migrations'))")
    assert out == "None"


def test_readme_test_command_is_what_ci_runs():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    test_line = [line for line in readme.splitlines() if "pytest" in line and not line.startswith("#")][0]
    assert test_line.strip() in ci
