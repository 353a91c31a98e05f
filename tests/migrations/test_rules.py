"""Every rule example is a test: the output, the findings, a parse of the output, and a second
run that changes nothing. Generated from the rules' own data (Fixit-style)."""
import ast
import re

import pytest

from tf1init.migrations import CHANGED, UNCHANGED, all_rules, migrate_source

CASES = [(rule, example) for rule in all_rules() for example in rule.examples]


def test_rules_are_found_and_well_formed():
    from tf1init.migrations import _registry

    rules = all_rules()
    assert [r.code for r in rules] == ["TFI101", "TFI102", "TFI103", "TFI104", "TFI105", "TFI106", "TFI107", "TFI108",
                                         "TFI109"]
    assert _registry.codes() == tuple(r.code for r in rules)  # known without importing a rule
    for rule in rules:
        assert re.fullmatch(r"TFI\d{3}", rule.code) and re.fullmatch(r"[a-z][a-z-]+", rule.name)
        assert rule.summary and rule.why and rule.fix_safety.split(":")[0] in ("safe", "review")
        assert any(e.after is not None for e in rule.examples), f"{rule.code} has no rewrite example"
        assert any(e.after is None for e in rule.examples), f"{rule.code} has no unchanged example"
        assert len({e.id for e in rule.examples}) == len(rule.examples)


@pytest.mark.parametrize("rule,example", CASES, ids=[f"{r.code}-{e.id}" for r, e in CASES])
def test_example(rule, example):
    result = migrate_source(example.before, "example.py")
    expected = example.before if example.after is None else example.after
    assert result.error is None
    assert result.new_source == expected
    assert result.status == (UNCHANGED if example.after is None else CHANGED)
    got = [f"{f.line}:{f.col} {f.kind}: {f.message}" for f in result.findings]
    for wanted in example.findings:
        assert any(g.startswith(wanted) for g in got), f"{wanted!r} not in {got}"
    if example.after is not None:  # in a graph-mode file the compat route (TFI107) does the work
        assert any(f.rule in (rule.code, "TFI107") for f in result.findings), "the rule itself reported nothing"
    ast.parse(result.new_source)
    again = migrate_source(result.new_source, "example.py")
    assert again.new_source == result.new_source, "a second run changed the output"


def test_select_limits_the_rules():
    from tf1init.migrations import select

    source = "import tensorflow as tf\nw = tf.Variable(tf.random_normal([3]))\ni = tf.zeros_initializer()\n"
    only_random = migrate_source(source, "x.py", select(["TFI101"]))
    assert only_random.new_source == source.replace("tf.random_normal", "tf.random.normal")
    nothing = migrate_source(source, "x.py", select(ignore=["TFI10"]))
    assert nothing.new_source == source
    with pytest.raises(ValueError, match="known codes: TFI101"):
        select(["XYZ9"])


@pytest.mark.parametrize("source", [
    "print 'python 2'\nimport tensorflow as tf\nsess = tf.Session()\n",
    "import tensorflow as tf\ndef f(:\n    tf.random_normal([1])\n",
])
def test_unparsable_is_reported_and_untouched(source):
    result = migrate_source(source, "bad.py")
    assert result.status == "failed" and result.new_source == source
    assert result.error.startswith("bad.py:") and "does not parse" in result.error


def test_mixed_file_is_never_half_converted():
    source = (
        "import tensorflow as tf\n"
        "w = tf.get_variable('w', [3], initializer=tf.zeros_initializer())\n"
        "x = tf.placeholder(tf.float32, [3])\n"
        "tf.add_to_collection('inputs', x)\n"
        "with tf.Session() as sess:\n"
        "    sess.run(tf.global_variables_initializer())\n"
        "    print(sess.run(w))\n"
    )
    result = migrate_source(source, "mixed.py")  # graph-mode: nothing turned eager, all of it compat
    assert result.new_source == source.replace(
        "import tensorflow as tf\n", "import tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()\n")
    assert [(f.rule, f.kind) for f in result.findings] == [("TFI107", "fixed"), ("TFI109", "warning")]
    gone = "h = tf.contrib.layers.fully_connected(x, 2)\n"
    blocked = migrate_source(source + gone, "mixed.py")  # one gone name: nothing changes
    assert blocked.new_source == source + gone
    assert [(f.rule, f.kind, f.line) for f in blocked.findings] == [("TFI109", "warning", 4), ("TFI107", "manual", 8)]


def test_crlf_and_comments_survive():
    source = "import tensorflow as tf\r\n# keep me\r\nx = tf.random_uniform([2])  # and me\r\n"
    result = migrate_source(source, "crlf.py")
    assert result.new_source == source.replace("random_uniform", "random.uniform")


def test_untouched_statements_come_back_verbatim():
    source = (
        "import tensorflow as tf\r\n"
        "@decorator(\r\n    'x')\r\n"
        "def f(a,   b):  # odd spacing\r\n    return \"\"\"multi\r\nline\"\"\"\r\n"
        "\r\n"
        "x = tf.random_normal([1]); y = 2\r\n"
        "class C:\r\n    z = tf.nn.relu\r\n"
    )
    result = migrate_source(source, "keep.py")
    assert result.new_source == source.replace("tf.random_normal", "tf.random.normal")


def test_prefilter_lets_through_every_example_with_work():
    from tf1init.migrations._prefilter import candidate, mentions

    for rule, example in CASES:
        if example.after is not None or example.findings:
            assert mentions(example.before) and candidate(example.before.encode()), f"{rule.code} {example.id}"
    assert not mentions("import numpy as np\nx = np.random.normal(size=[2])\n")


@pytest.mark.parametrize("source,expected", [
    (  # a block left with only comments gets a pass after them
        "import tensorflow as tf\n"
        "w = tf.Variable(tf.zeros([2]), name='w')\n"
        "if ready:\n"
        "    with tf.Session() as sess:\n"
        "        # initialize\n"
        "        sess.run(tf.global_variables_initializer())\n",
        "import tensorflow as tf\n"
        "w = tf.Variable(tf.zeros([2]), name='w')\n"
        "if ready:\n"
        "    # initialize\n"
        "    pass\n",
    ),
    (  # comments inside a removed statement's brackets, and at the end of the file
        "import tensorflow as tf\n"
        "w = tf.Variable(tf.zeros([2]), name='w')\n"
        "init = tf.variables_initializer([  # only w\n"
        "    w,  # the weights\n"
        "])\n"
        "with tf.Session() as sess:\n"
        "    sess.run(init)\n"
        "    # the end\n",
        "import tensorflow as tf\n"
        "w = tf.Variable(tf.zeros([2]), name='w')\n"
        "# only w\n"
        "# the weights\n"
        "# the end\n",
    ),
    (  # a file ending inside an indented block: every trailing comment line stays
        "import tensorflow as tf\n"
        "x = tf.random_normal([2])\n"
        "\n\n"
        "def f():\n"
        "    if True:\n"
        "        y = 1\n"
        "        # trailing one\n"
        "        # trailing two\n"
        "        # trailing three\n",
        "import tensorflow as tf\n"
        "x = tf.random.normal([2])\n"
        "\n\n"
        "def f():\n"
        "    if True:\n"
        "        y = 1\n"
        "        # trailing one\n"
        "        # trailing two\n"
        "        # trailing three\n",
    ),
    (  # a from-import that the rewrite leaves unused goes, its comment stays
        "from tensorflow import random_normal  # TF1 name\n"
        "x = random_normal([2])\n",
        "# TF1 name\n"
        "import tensorflow as tf\n"
        "x = tf.random.normal([2])\n",
    ),
    (  # blank lines of a removed statement go with it when it has no comment
        "import tensorflow as tf\n"
        "w = tf.Variable(tf.zeros([2]), name='w')\n"
        "\n"
        "init = tf.global_variables_initializer()\n"
        "\n"
        "with tf.Session() as sess:\n"
        "    sess.run(init)\n"
        "    print(sess.run(w))\n",
        "import tensorflow as tf\n"
        "w = tf.Variable(tf.zeros([2]), name='w')\n"
        "\n"
        "print(w.numpy())\n",
    ),
    (  # a session block that only initialized goes with its blank lines
        "import tensorflow as tf\n"
        "x = 1\n"
        "\n"
        "with tf.Session() as sess:\n"
        "    sess.run(tf.global_variables_initializer())\n"
        "\n"
        "y = 2\n",
        "import tensorflow as tf\n"
        "x = 1\n"
        "\n"
        "y = 2\n",
    ),
], ids=["only-comments-left", "inner-and-final-comments", "trailing-comments-at-file-end", "dropped-from-import", "blank-lines", "empty-block"])
def test_removed_statements_keep_their_comments(source, expected):
    result = migrate_source(source, "c.py")
    assert result.new_source == expected
    assert migrate_source(expected, "c.py").new_source == expected


def _commented(source: str, trailing: bool) -> str:
    """Every line of ``source`` with a numbered comment line above it (and one at its end)."""
    out = []
    for number, line in enumerate(source.splitlines(keepends=True)):
        if line.strip():
            out.append(f"{re.match(r'[ ]*', line).group(0)}# c{number}\n")
            if trailing:
                line = line.rstrip("\n") + f"  # t{number}\n"
        out.append(line)
    return "".join(out)


REWRITES = [(rule, example, trailing) for rule, example in CASES if example.after is not None
            for trailing in (False, True)]


@pytest.mark.parametrize("rule,example,trailing", REWRITES,
                         ids=[f"{r.code}-{e.id}-{'trailing' if t else 'above'}" for r, e, t in REWRITES])
def test_no_rewrite_drops_a_comment(rule, example, trailing):
    source = _commented(example.before, trailing)
    result = migrate_source(source, "example.py")
    assert result.status == CHANGED
    ast.parse(result.new_source)
    assert migrate_source(result.new_source, "example.py").new_source == result.new_source
    assert set(re.findall(r"# [ct]\d+", result.new_source)) == set(re.findall(r"# [ct]\d+", source))


def test_comments_in_a_rebuilt_call_go_above_its_statement():
    source = ("import tensorflow as tf\n"
              "init = tf.random_normal_initializer(\n"
              "    stddev=0.1,  # small\n"
              "    seed=1,  # fixed\n"
              ")\n")
    assert migrate_source(source, "c.py").new_source == (
        "import tensorflow as tf\n"
        "# small\n"
        "# fixed\n"
        "init = tf.keras.initializers.RandomNormal(mean=0.0, stddev=0.1, seed=1)\n")


def test_findings_quote_the_code_as_written():
    from tf1init.migrations import select

    graph = "import tensorflow as tf\nx = tf.placeholder(tf.float32)\nw = tf.compat.v1.get_variable('w', [3])\n"
    messages = [f.message for f in migrate_source(graph, "g.py", select(["TFI103"])).findings]
    assert messages == ["tf.compat.v1.get_variable left as it is: the file stays graph-mode (tf.placeholder at 2:5)"]
    renamed = migrate_source("import tensorflow as tflow\nu = tflow.random_uniform([2])\n", "r.py")
    assert [f.message for f in renamed.findings] == ["tflow.random_uniform -> tf.random.uniform"]
