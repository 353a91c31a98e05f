"""The engine: one source text in, one FileResult out.

Stages, cheapest first, each one letting most files stop early:
1. a text prefilter (a regex over the tokens any rule cares about);
2. CPython's ``ast`` (C parser, ~30x faster than LibCST): a tiny import tracker resolves
   aliases (``import tensorflow.compat.v1 as tf``, ``from tensorflow import random_normal``), the
   calls are resolved to ``tf.``-names, and the rules' ``analyze`` hooks decide on the ast what
   can be converted (the session blocks, the restores) and whether the file becomes eager;
3. only when a rule has something to do, LibCST parses the file and the rules rewrite the
   nodes they own (formatting and comments elsewhere are kept as written).
No scope analysis: names are resolved through the file's imports only.
"""
import ast
import re
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from ._naming import dotted, tf1  # noqa: F401  (the rules import them from here too)
from ._model import CHANGED, FAILED, FIXED, MANUAL, UNCHANGED, FileResult, Finding
from ._prefilter import mentions, tokens
from ._rule import Rule

# Calls that tie a file to graph mode (tf1 spelling). A file that keeps any of them stays
# graph-mode: its session blocks and initializers are reported, not rewritten.
GRAPH_ONLY = frozenset(
    "tf." + name
    for name in (
        "Session InteractiveSession placeholder placeholder_with_default sparse_placeholder Graph"
        " get_default_graph reset_default_graph disable_eager_execution disable_v2_behavior"
        " train.MonitoredTrainingSession train.MonitoredSession train.SingularMonitoredSession"
        " train.Supervisor train.Scaffold train.start_queue_runners train.Saver"
        " summary.FileWriter get_collection add_to_collection global_variables"
        " trainable_variables local_variables assign assign_add assign_sub"
        " global_variables_initializer initialize_all_variables local_variables_initializer"
        " variables_initializer initialize_variables initialize_local_variables"
        " report_uninitialized_variables variable_scope get_variable_scope make_template"
        " data.make_one_shot_iterator data.make_initializable_iterator"
    ).split()
)
GRAPH_ONLY_PREFIXES = ("tf.layers.", "tf.contrib.slim.", "tf.estimator.", "tf.contrib.")
GRAPH_ONLY_SUFFIXES = ("Optimizer",)


def is_graph_only(name: str) -> bool:
    name = tf1(name)
    if name in GRAPH_ONLY:
        return True
    if name.startswith("tf.contrib.") and "initializer" in name:
        return False  # initializers are rule TFI102's business, not graph evidence
    return name.startswith(GRAPH_ONLY_PREFIXES) or (
        name.startswith("tf.train.") and name.endswith(GRAPH_ONLY_SUFFIXES)
    )


def cst_dotted(node) -> Optional[str]:
    """The same for LibCST nodes."""
    import libcst as cst

    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def walk(tree: ast.AST) -> List[ast.AST]:
    """Every node under ``tree``, itself included, in no particular order. About 2.5x faster than
    ``ast.walk`` (no generators), and it skips the Load/Store/Del markers."""
    found = []
    stack = [tree]
    pop, push, extend, add, node_type = stack.pop, stack.append, stack.extend, found.append, ast.AST
    while stack:
        node = pop()
        if not isinstance(node, node_type):
            continue  # None in Dict.keys, names in Global
        add(node)
        for field in node._fields:
            if field != "ctx":
                value = getattr(node, field, None)
                if type(value) is list:
                    extend(value)
                elif isinstance(value, node_type):
                    push(value)
    return found


class Context:
    """What the rules share about one file: imports, resolved calls, the plan, the findings."""

    def __init__(self, source: str, path: str, tree: ast.Module, rules: Sequence[Rule]):
        self.source = source
        self.path = path
        self.tree = tree
        self.rules = list(rules)
        self.codes = {rule.code for rule in rules}
        self.findings: List[Finding] = []
        self.aliases: Dict[str, str] = {}  # local name -> "tensorflow..." it is bound to
        self.bound: Set[str] = set()  # every Name and import the file binds or reads
        self.calls: List[Tuple[ast.Call, str]] = []  # resolved "tf.*" name of each call
        self.plan: Dict[str, object] = {}  # per-rule data, keyed by rule code
        self.resolved: Set[int] = set()  # id() of graph-only calls a rule will convert
        self.graph_reason: Optional[str] = None  # why the file stays graph-mode
        self.eager = False
        self._lines: Optional[List[str]] = None
        self._positions = None
        self.new_import: Optional[str] = None  # "tf" when `import tensorflow as tf` must be added
        self.extra_imports: List[str] = []  # modules a rewrite calls (`import tf1init`), in order
        self.rewritten_from_imports: Set[str] = set()
        self.rewritten_heads: Dict[str, int] = {}  # import alias -> calls through it a rule rebuilt
        self.carriers = False  # a removed statement left comments to move (see _transform)
        self.compat = False  # the file stays graph-mode through tensorflow.compat.v1 (rule TFI107)
        self.whole_file = False  # LibCST must see every statement (a rewrite the tokens miss)
        self.new_tree: Optional[ast.Module] = None  # the rewrite's ast, once it is checked
        self.blocked = False  # something keeps the file from running on TF2: leave it as it is
        self.names: List[Tuple[ast.AST, str]] = []  # every tf name written (chains, from-imports)
        self._index()

    # ---- stage 2: the ast --------------------------------------------------------------
    def _index(self) -> None:
        self.nodes: Dict[type, List[ast.AST]] = {}  # every node of the tree, by type
        for node in walk(self.tree):
            kind = type(node)
            found = self.nodes.get(kind)
            if found is None:
                self.nodes[kind] = [node]
            else:
                found.append(node)
        self.bound.update(node.id for node in self.of(ast.Name))
        for node in self.of(ast.Import):
            for alias in node.names:
                self.bound.add((alias.asname or alias.name).split(".")[0])
                if alias.name == "tensorflow" or alias.name.startswith("tensorflow."):
                    if alias.asname:
                        self.aliases[alias.asname] = alias.name
                    else:
                        self.aliases["tensorflow"] = "tensorflow"
        for node in self.of(ast.ImportFrom):
            module = node.module or ""
            for alias in node.names:
                self.bound.add(alias.asname or alias.name)
                if node.level == 0 and (module == "tensorflow" or module.startswith("tensorflow.")):
                    self.aliases[alias.asname or alias.name] = module + "." + alias.name
        if not self.aliases:
            return
        for node in self.of(ast.Call):
            full = self.resolve(dotted(node.func))
            if full:
                self.calls.append((node, full))
        self.calls.sort(key=lambda pair: (pair[0].lineno, pair[0].col_offset))
        inner = {id(node.value) for node in self.of(ast.Attribute)}  # a.b of a.b.c: not a name of its own
        for node in self.of(ast.Attribute) + self.of(ast.Name):
            if id(node) not in inner:
                full = self.resolve(dotted(node))
                if full:
                    self.names.append((node, full))
        self.names.sort(key=lambda pair: (pair[0].lineno, pair[0].col_offset))

    def of(self, kind: type) -> List:
        """Every node of one type in the file (one walk serves the engine and all rules)."""
        return self.nodes.get(kind, [])

    def resolve(self, name: Optional[str]) -> Optional[str]:
        """``tf.X`` for a dotted name written in this file, through its imports; else None."""
        if not name:
            return None
        head, _, rest = name.partition(".")
        base = self.aliases.get(head)
        if base is None:
            return None
        full = base + "." + rest if rest else base
        return "tf" + full[len("tensorflow"):]

    def ast_pos(self, node) -> Tuple[int, int]:
        """1-based line and column (in characters) of an ast node."""
        if self._lines is None:
            self._lines = _LINE_BREAK.split(self.source)
        line = self._lines[node.lineno - 1] if node.lineno <= len(self._lines) else ""
        return node.lineno, len(line.encode("utf-8")[: node.col_offset].decode("utf-8", "ignore")) + 1

    def written(self, node) -> str:
        """An expression's text as the file writes it (ast or LibCST node): findings quote the
        code as written, ``tf.compat.v1.get_variable`` or ``tflow.random_uniform``, not our
        name for it."""
        if isinstance(node, ast.AST):
            return ast.get_source_segment(self.source, node) or dotted(node) or "?"
        import libcst as cst

        return cst.Module([]).code_for_node(node)

    def report(self, where, rule: str, kind: str, message: str) -> None:
        """Record a finding at an ast node, a LibCST node, or a (line, col) pair."""
        if isinstance(where, tuple):
            line, col = where
        elif isinstance(where, ast.AST):
            line, col = self.ast_pos(where)
        else:
            line, col = self.cst_pos(where)
        self.findings.append(Finding(self.path, line, col, rule, kind, message))

    def decide_mode(self) -> None:
        """Eager when nothing ties the file to TF1: no graph-only call that a rule does not
        convert, and no name whose TF2 spelling is missing or means something else."""
        for node, name in self.calls:
            if is_graph_only(name) and id(node) not in self.resolved:
                line, col = self.ast_pos(node)
                self.graph_reason = f"{tf1(name)} at {line}:{col}"
                self.eager = False
                return
        reason = _not_eager(self)
        if reason:
            self.graph_reason = reason
            self.eager = False
            return
        self.eager = True

    def sorted_findings(self) -> Tuple[Finding, ...]:
        return tuple(sorted(set(self.findings), key=lambda f: (f.line, f.col, f.rule, f.message)))

    # ---- stage 3: LibCST ---------------------------------------------------------------
    def cst_pos(self, node) -> Tuple[int, int]:
        from libcst.metadata import PositionProvider

        pos = self._positions[PositionProvider][node].start
        return pos.line, pos.column + 1

    def cst_line(self, node) -> int:
        return self.cst_pos(node)[0]

    def cst_resolve(self, node) -> Optional[str]:
        return self.resolve(cst_dotted(node))

    def handle(self, module: Optional[str] = None) -> str:
        """The local name that reaches TF2 ``tensorflow`` (``tensorflow.compat.v1`` in a file
        that stays graph-mode), adding an import when none does."""
        if module is None:
            module = "tensorflow.compat.v1" if self.compat else "tensorflow"
        for local, target in self.aliases.items():
            if target == module and local != "tensorflow":
                return local
        if self.aliases.get("tensorflow") == module:
            return "tensorflow"
        if self.new_import is None:
            name = "tf"
            while name in self.bound or name in self.aliases:
                name += "2" if name == "tf" else "_"
            self.new_import = name
        return self.new_import

    def tf2(self, target: str):
        """A LibCST expression for ``tf.a.b`` written through this file's TF2 handle."""
        import libcst as cst

        return cst.parse_expression(self.handle() + target[2:])


def _not_eager(ctx: Context, trust_rules: bool = True) -> Optional[str]:
    """Why the file cannot be eager TF2 as written, from the names it uses: one that TF2 lacks
    (and no rule converts), or a call whose arguments TF2's function reads differently.

    ``trust_rules``: count the calls the rules say they convert (their triggers, the catalogue's
    names) as converted; False to judge a rewritten text as it is."""
    from . import _compat_names as names

    converted = set()
    if trust_rules:
        triggers = set()
        for rule in ctx.rules:
            triggers.update(rule.triggers)
        converted = {id(node.func) for node, name in ctx.calls if _catalogue_name(name) or tf1(name) in triggers}
        converted.update(id(node.func) for node, _ in ctx.calls if id(node) in ctx.resolved)
    calls = {id(node.func): node for node, _ in ctx.calls}
    for local, target in ctx.aliases.items():  # an import of a module TF2 lacks fails by itself
        if not trust_rules and target.startswith("tensorflow.contrib"):
            return f"import of {target}, not in TensorFlow 2"
    for node, full in ctx.names:
        if id(node) in converted:
            continue
        kind, decided, params = names.status(full)
        if kind in (names.SAME, names.OPEN, names.TF2_ONLY):
            continue
        if kind == names.CHANGED:
            call = calls.get(id(node))
            if call is not None and names.same_call(params, len(call.args), [k.arg for k in call.keywords]):
                continue
        line, col = ctx.ast_pos(node)
        what = {names.V1_ONLY: "only in tf.compat.v1", names.MISSING: "not in TensorFlow 2",
                names.CHANGED: "means something else in TF2"}[kind]
        return f"{tf1(decided)} at {line}:{col}, {what}"
    return None


def migrate_source(source: str, path: str = "<string>", rules: Optional[Iterable[Rule]] = None) -> FileResult:
    """Migrate one file's text. Never raises for bad input: a file that does not parse comes
    back FAILED with its error and its text unchanged."""
    if not mentions(source):
        return FileResult(path, UNCHANGED, source, source)
    return migrate_screened(source, path, rules)


def migrate_screened(source: str, path: str, rules: Optional[Iterable[Rule]] = None,
                     graph_reason: Optional[str] = None) -> FileResult:
    """``migrate_source`` for a text that already passed the prefilter (on its bytes).

    ``graph_reason``: keep the file graph-mode for this reason (an eager rewrite that did not
    come out runnable is done again this way)."""
    from ._registry import all_rules

    rules = list(all_rules() if rules is None else rules)
    try:
        tree = ast.parse(source, filename=path)
    except (SyntaxError, ValueError) as error:  # ValueError: NUL bytes
        where = f"{getattr(error, 'lineno', 0) or 0}:{getattr(error, 'offset', 0) or 0}"
        msg = getattr(error, "msg", str(error))
        return FileResult(path, FAILED, source, source, error=f"{path}:{where}: does not parse: {msg}")
    ctx = Context(source, path, tree, rules)
    triggers = set()
    for rule in rules:
        triggers.update(rule.triggers)
    if not ctx.names:
        return FileResult(path, UNCHANGED, source, source)
    wanted = any(
        tf1(name) in triggers or _catalogue_name(name) for _, name in ctx.calls
    ) or "initialized_value" in source or (any(rule.on_mode for rule in rules) and _not_eager(ctx))
    if not wanted:
        return FileResult(path, UNCHANGED, source, source)
    if graph_reason is None and "TFI109" in ctx.codes:
        from . import lift

        if lift.candidate(ctx):
            lifted = lift.try_lift(ctx, rules, migrate_screened, _left_in)
            if lifted is not None:
                return lifted
    for rule in rules:
        if rule.analyze:
            rule.analyze(ctx)
    ctx.decide_mode()
    if graph_reason:
        ctx.eager, ctx.graph_reason = False, graph_reason
    for rule in rules:
        if rule.on_mode:
            rule.on_mode(ctx)
    if ctx.blocked:  # never half-converted: as it is, with each blocker reported
        return FileResult(path, UNCHANGED, source, source, ctx.sorted_findings())
    work = False
    for rule in rules:
        if rule.after_mode and rule.after_mode(ctx):
            work = True
    if not work:  # only reports: no need for LibCST
        return FileResult(path, UNCHANGED, source, source, ctx.sorted_findings())
    result = _rewrite(ctx)
    # An eager rewrite must come out runnable; one that changed nothing but left something for
    # a person (a random op called with *args) is tried the compat way too.
    if ctx.eager and any(rule.on_mode for rule in rules) and (
            result.changed or any(f.kind == MANUAL for f in result.findings)):
        left = _left_in(result.new_source, path, rules, ctx.new_tree)
        if left:  # the eager rewrite would not run: the compat route instead, saying why
            manual = [f for f in result.findings if f.kind == MANUAL]
            why = f"{manual[0].message} at {manual[0].line}:{manual[0].col}" if manual else left
            return migrate_screened(source, path, rules, f"no eager form: {why}")
    return result


def _left_in(new_source: str, path: str, rules, tree=None) -> Optional[str]:
    """What keeps a rewritten text from running as eager TF2, or None."""
    ctx = Context(new_source, path, tree if tree is not None else ast.parse(new_source), rules)
    for node, name in ctx.calls:
        if is_graph_only(name):
            line, col = ctx.ast_pos(node)
            return f"{tf1(name)} at {line}:{col}"
    return _not_eager(ctx, trust_rules=False)


def _catalogue_name(name: str) -> bool:
    from . import _catalogue

    return _catalogue.lookup(name) is not None


_KEEP = re.compile(r'"""tf1init-keep:(\d+)[\r\n]*"""')


def _sparse(ctx: Context) -> Tuple[str, List[str]]:
    """The source with every top-level statement that no rule can touch replaced by a string
    placeholder spanning the same lines: LibCST then parses only what matters, and line and
    column positions stay those of the original file."""
    if ctx.whole_file:
        return ctx.source, []
    lines = ctx.source.splitlines(keepends=True)
    spans = []
    for stmt in ctx.tree.body:
        first = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", ())])
        spans.append((first, stmt.end_lineno, stmt))
    keep = set()
    pattern = tokens(str)
    for first, last, stmt in spans:
        text = "".join(lines[first - 1:last])
        if isinstance(stmt, (ast.Import, ast.ImportFrom)) or pattern.search(text):
            keep.update(range(first, last + 1))
    kept_texts: List[str] = []
    out, line = [], 1
    for index, (first, last, _) in enumerate(spans):
        if any(n in keep for n in range(first, last + 1)) or first < line:
            continue
        # Indented comment lines after it (a block's trailing comments) go with it: left after
        # a placeholder at the end of the file, LibCST does not give them back.
        gap_end = spans[index + 1][0] - 1 if index + 1 < len(spans) else len(lines)
        for n in range(gap_end, last, -1):
            if lines[n - 1][:1] in (" ", "\t") and lines[n - 1].lstrip().startswith("#"):
                last = n
                break
        out.append("".join(lines[line - 1:first - 1]))
        block = lines[first - 1:last]
        ending = block[-1][len(block[-1].rstrip("\r\n")):]
        inner = "".join(l[len(l.rstrip("\r\n")):] or "\n" for l in block[:-1])
        out.append(f'"""tf1init-keep:{len(kept_texts)}{inner}"""{ending}')
        kept_texts.append("".join(block)[: len("".join(block)) - len(ending)])
        line = last + 1
    out.append("".join(lines[line - 1:]))
    return "".join(out), kept_texts


def _rewrite(ctx: Context) -> FileResult:
    import libcst as cst
    from libcst.metadata import MetadataWrapper

    from ._transform import Settle, Transformer

    sparse, kept = _sparse(ctx)
    try:
        module = cst.parse_module(sparse)
    except cst.ParserSyntaxError as error:
        return FileResult(ctx.path, FAILED, ctx.source, ctx.source,
                          error=f"{ctx.path}:{error.raw_line}:{error.raw_column}: does not parse: {error.message}")
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    transformer = Transformer(ctx)
    new_module = wrapper.visit(transformer)
    if ctx.carriers:
        new_module = new_module.visit(Settle())
    new_sparse = new_module.code
    findings = ctx.sorted_findings()
    if new_sparse == sparse:
        return FileResult(ctx.path, UNCHANGED, ctx.source, ctx.source, findings)
    new_source = _KEEP.sub(lambda m: kept[int(m.group(1))], new_sparse)
    if new_source == ctx.source:
        return FileResult(ctx.path, UNCHANGED, ctx.source, ctx.source, findings)
    try:
        ctx.new_tree = ast.parse(new_source)  # checked here, read again by _left_in
    except SyntaxError as error:  # a bug of ours: never write it
        return FileResult(ctx.path, FAILED, ctx.source, ctx.source, findings,
                          error=f"{ctx.path}: internal error, the rewrite does not parse ({error}); file left as it is")
    return FileResult(ctx.path, CHANGED, ctx.source, new_source, findings)
