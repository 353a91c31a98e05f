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


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports_of(path: pathlib.Path, modules) -> set:
    """The tf1init modules ``path`` imports anywhere in its code (lazy imports included)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(inner) for node in ast.walk(tree)
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                       for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t in modules and t != name)
    return found


def test_the_package_has_no_import_cycles():
    """Dependencies point down the tree: a cycle means two modules that cannot be read alone."""
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges = {name: _imports_of(path, paths) for name, path in paths.items()}
    # A package's __init__ importing its own submodules is the facade, not a cycle.
    for name in edges:
        edges[name] = {t for t in edges[name] if not t.startswith(name + ".")} if paths[name].name == "__init__.py" else edges[name]
    state, cycles = {}, []

    def visit(node, path):
        state[node] = "open"
        for target in sorted(edges[node]):
            if state.get(target) == "open":
                cycles.append(" -> ".join(path[path.index(target):] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[node] = "done"

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])
    assert cycles == []


PRIVATE_TF = re.compile(
    r"\._(set_attr|create_op_internal|unsafe_unfinalize|closed|tf_sess|sess|id|c_graph|"
    r"get_operation_by_name|as_graph_element|graph_element|is_initialized_op|variable)\b"
)


def test_private_tensorflow_attributes_only_in_one_module():
    """One TensorFlow release that renames a private attribute must break one small module."""
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "_tf_private.py" and "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PRIVATE_TF.search(line) or "SLF001" in line or "tensorflow.python" in line
    ]
    assert offenders == []
