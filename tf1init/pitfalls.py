"""The known ways TF1 initialization and restore go wrong, as data: one record per pitfall.

Each record says what raw ``tf.compat.v1`` does on TensorFlow 2.21 (measured, see
``tests/pitfalls/``), what tf1init does instead, where upstream users ran into it, and which
tests reproduce and prevent it. ``docs/pitfalls.md`` is rendered from these records
(``python docs/make_pitfalls.py``) and ``tests/pitfalls/test_catalogue.py`` checks that the
document, the records and the tests agree, so none of them can drift.

This module never imports TensorFlow: ``tf1init pitfalls`` prints the catalogue instantly.
"""
from dataclasses import dataclass
from typing import Tuple


@dataclass(frozen=True)
class Reference:
    """An upstream GitHub issue or pull request where users met the pitfall."""

    repo: str
    number: int
    title: str
    pull: bool = False

    @property
    def url(self) -> str:
        return f"https://github.com/{self.repo}/{'pull' if self.pull else 'issues'}/{self.number}"

    @property
    def label(self) -> str:
        return f"{self.repo}#{self.number}"


@dataclass(frozen=True)
class Pitfall:
    """One pitfall: what goes wrong with raw TF, what tf1init does, and the tests for both."""

    number: int
    slug: str
    title: str
    summary: str  # one line for the table
    raw: str  # what raw tf.compat.v1 does on TF 2.21
    ours: str  # what tf1init does about it
    api: Tuple[str, ...]
    references: Tuple[Reference, ...]
    raw_tests: Tuple[str, ...]  # test node ids (without parameters) that reproduce raw TF
    ours_tests: Tuple[str, ...]  # test node ids that show tf1init doing the right thing


_T = "tests/pitfalls/"
_TF = "tensorflow/tensorflow"

PITFALLS: Tuple[Pitfall, ...] = (
    Pitfall(
        1, "dependent-initial-values", "Initial values that read other variables race",
        "`Variable(a * 2)` and `a.initialized_value()` fail in some fresh sessions",
        raw=(
            "`global_variables_initializer()` runs every initializer in one step, in parallel and "
            "in no order, so `b = Variable(a * 2)` and `Variable(a.initialized_value() * 2)` read "
            "`a` before or after its assign by luck: FailedPreconditionError in a few percent of "
            "fresh default sessions (3-22% measured on TF 2.21), and in nearly every fresh session "
            "with Grappler off. This happens for resource variables under either control flow and "
            "for ref variables under control flow v2; only ref variables under control flow v1 "
            "(`disable_v2_behavior()`) get TF's guard. On resource variables "
            "`initialized_value()` raises NotImplementedError. `a.initial_value * 2` never races, "
            "but draws a fresh sample when `b` is initialized in a run of its own."
        ),
        ours=(
            "Our global and selective calls walk each initial value's ops to find the variables "
            "it reads, then run the initializers in dependency layers, drawing each random op "
            "once per call: 0 failures in 100 fresh sessions in all four modes, with Grappler "
            "on and off. `tf1init.initialized_value(a)` works for both variable kinds: a derived "
            "variable initialized with its source equals the source's draw; initialized later, "
            "it follows the source's value in that session (after a restore, the restored "
            "value), as TF1's `initialized_value()` did."
        ),
        api=("initialize_all", "initialize", "initialize_uninitialized", "initialized_value"),
        references=(
            Reference(_TF, 4920, "Better support for initializing variables that depend on each other"),
            Reference(_TF, 8298, "Broken initialization when graph has data dependencies."),
            Reference(_TF, 13351, "TensorFlow variable initializers broken"),
            Reference(_TF, 8162, "Show location of using uninitialized variable in the stacktrace"),
        ),
        raw_tests=(
            _T + "test_p01_dependent_values.py::test_raw_dependent_initial_values_race",
            _T + "test_p01_dependent_values.py::test_raw_dependent_initial_values_in_default_sessions_are_recorded",
        ),
        ours_tests=(_T + "test_p01_dependent_values.py::test_ours_orders_dependent_initial_values",),
    ),
    Pitfall(
        2, "restore-wrong-shape", "A checkpoint of the wrong shape restores silently",
        "a [3,4] tensor restores into a [3,5] resource variable without an error",
        raw=(
            "`Saver.restore` of a [3,4] checkpoint tensor into a [3,5] resource variable "
            "succeeds: the variable then holds a [3,4] value while its static shape says [3,5], "
            "and the model fails later, somewhere else, or not at all. Ref variables raise "
            "InvalidArgumentError \"Assign requires shapes of both tensors to match\"."
        ),
        ours=(
            "`restore_or_initialize` compares every shape and dtype with the checkpoint's index "
            "before it restores anything, and refuses, naming the variable and both shapes, with "
            "the session unchanged. `explained_errors` turns the ref-variable error into a "
            "CheckpointShapeError that names both shapes too."
        ),
        api=("restore_or_initialize", "explained_errors"),
        references=(Reference(_TF, 52220, "Model checkpoint load ignores wrong shape"),),
        raw_tests=(_T + "test_p02_restore_shapes.py::test_raw_restore_of_a_wrong_shape",),
        ours_tests=(
            _T + "test_p02_restore_shapes.py::test_ours_refuses_a_wrong_shape_naming_both",
            _T + "test_p09_errors.py::test_ours_name_both_shapes_of_a_mismatched_restore",
        ),
    ),
    Pitfall(
        3, "init-from-checkpoint-ignored", "init_from_checkpoint is ignored by an earlier init op",
        "`init_from_checkpoint` after building the init op leaves random values",
        raw=(
            "`tf.compat.v1.train.init_from_checkpoint` works by swapping the variables' "
            "initializer ops. A `global_variables_initializer()` op built before the call still "
            "groups the old initializers, so running it leaves the variables with random values, "
            "silently."
        ),
        ours=(
            "`warm_start(session, checkpoint, selection, mapping=)` restores the selected "
            "variables in the session itself and initializes the rest, whenever any init op "
            "was built."
        ),
        api=("warm_start",),
        references=(
            Reference(_TF, 22452, "Documentation for tf.train.init_from_checkpoint doesn't say what it does when"),
            Reference("yanwii/ChineseNER", 19, "tf.global_variables_initializer()是不是应该在init_checkpoint后面调用"),
        ),
        raw_tests=(_T + "test_p03_init_from_checkpoint.py::test_raw_init_from_checkpoint_after_the_init_op",),
        ours_tests=(_T + "test_p03_init_from_checkpoint.py::test_ours_warm_start_works_regardless",),
    ),
    Pitfall(
        4, "new-variables-after-restore", "Restoring into a graph with new variables",
        "NotFoundError, or \"Init operations did not make model ready\" under MonitoredTrainingSession",
        raw=(
            "A graph with variables the checkpoint lacks (a new head, Adam's `<var>/Adam` slots "
            "and `beta1_power`/`beta2_power`, which `get_slot_names()` does not list, "
            "`global_step`) makes `Saver.restore` raise NotFoundError naming one key. "
            "`SessionManager` and `MonitoredTrainingSession` skip `init_op` after a restore, so "
            "with a partial Saver the new variables stay uninitialized: \"Init operations did "
            "not make model ready\"."
        ),
        ours=(
            "`RestoreOrInitializeScaffold` (for `MonitoredTrainingSession`) and "
            "`restoring_session_creator` (for `MonitoredSession`) restore what the checkpoint "
            "holds and initialize the rest through `restore_or_initialize`, on the session's "
            "own checkpoints and on a pretrained one, with include/exclude filters; local and "
            "metric variables are initialized, never restored, unless `include` names them. "
            "The scaffold's Saver still saves every variable."
        ),
        api=("RestoreOrInitializeScaffold", "restoring_session_creator", "restore_or_initialize"),
        references=(
            Reference(_TF, 14391, "MonitoredTrainingSession does not initialize after restore"),
            Reference(_TF, 17969, "Estimator not running custom init_op when loading from checkpoint"),
            Reference(_TF, 17257, "Saver: Don't fail on restoring variables not present in a checkpoint."),
            Reference("tensorflow/models", 2735, "Changing Optimizer results in \"Not found in checkpoint\" errors"),
            Reference("yunjey/domain-transfer-network", 17, "Not found: Key beta1_power_1 not found in checkpoint"),
        ),
        raw_tests=(
            _T + "test_p04_new_variables.py::test_raw_restore_into_new_variables_fails",
            _T + "test_p04_new_variables.py::test_raw_monitored_session_leaves_new_variables_uninitialized",
        ),
        ours_tests=(
            _T + "test_p04_new_variables.py::test_ours_scaffold_restores_and_initializes_the_rest",
            _T + "test_p04_new_variables.py::test_ours_filters_and_local_variables",
        ),
    ),
    Pitfall(
        5, "initializers-in-a-loop", "Initializer ops built inside a loop",
        "every call of `global_variables_initializer()` adds a node; a finalized graph refuses",
        raw=(
            "`global_variables_initializer()`, `report_uninitialized_variables()` and "
            "`is_variable_initialized()` build new ops on every call: inside a training or "
            "evaluation loop the graph grows by a node per iteration and every new fetch pays "
            "set-up again (0.17 s per iteration vs 0.002 s with the op built once, measured on TF 2.21). "
            "After `graph.finalize()` the call raises \"Graph is finalized and cannot be "
            "modified\"."
        ),
        ours=(
            "Our calls build their ops once per graph and reuse them: 1,000 calls of "
            "initialize_all, initialize, initialize_uninitialized, assert_initialized, "
            "uninitialized_variables and fingerprint add no node after the first, and "
            "initializing adds none at all. All of them work on a finalized graph; "
            "`tf1init.prepare(graph)` before finalizing builds the is-initialized checks of ref "
            "variables up front, where a finalized graph without them is asked one variable "
            "per run."
        ),
        api=("prepare",),
        references=(
            Reference(_TF, 7127, "graph nodes inside sess.run() brackets should be garbage-collected"),
            Reference(_TF, 10408, "Memory leak"),
            Reference("lorserker/ben", 15, "finalizing tensorflow graph to avoid memory leak", pull=True),
        ),
        raw_tests=(_T + "test_p05_loops.py::test_raw_initializer_built_in_a_loop_grows_the_graph",),
        ours_tests=(
            _T + "test_p05_loops.py::test_ours_called_1000_times_adds_no_ops_on_a_prepared_finalized_graph",
            _T + "test_p05_loops.py::test_ours_works_on_a_finalized_graph_without_prepare",
        ),
    ),
    Pitfall(
        6, "local-variables", "Local variables need their own initializer",
        "metrics and epoch counters stay uninitialized after `global_variables_initializer()`",
        raw=(
            "`tf.compat.v1.metrics.*` accumulators (`mean/total`, `mean/count`) and counters "
            "created in LOCAL_VARIABLES are not touched by `global_variables_initializer()`; the "
            "first update raises FailedPreconditionError (ref variables) or NotFoundError "
            "\"Resource localhost/mean/total/N10tensorflow3VarE does not exist\" (resource "
            "variables)."
        ),
        ours=(
            "`initialize_all` covers global and local variables in one run; `assert_initialized` "
            "and `explained_errors` list the local ones as local (and metric), and say that "
            "`global_variables_initializer()` does not cover them."
        ),
        api=("initialize_all", "assert_initialized", "explained_errors"),
        references=(
            Reference(_TF, 6015, "initialization of local variables missing in example: fully_connected_preloaded.py"),
            Reference(_TF, 3168, "fully_connected_preloaded example: Attempting to use uninitialized value input/input_producer/input_producer/fraction_of_32_full/limit_epochs/epochs"),
            Reference("keras-team/keras", 4402, "TensorFlow initialization needs to collect local variables"),
        ),
        raw_tests=(_T + "test_p06_local_variables.py::test_raw_global_initializer_leaves_local_variables_uninitialized",),
        ours_tests=(_T + "test_p06_local_variables.py::test_ours_initializes_local_variables_and_names_them",),
    ),
    Pitfall(
        7, "big-arrays", "Variables from arrays over 2 GB",
        "`tf.Variable(big_array)` embeds the array in the GraphDef and fails over 2 GB",
        raw=(
            "`tf.Variable(array)` stores the array as a constant in the GraphDef: every session, "
            "meta graph and export carries a copy, and over 2 GB it fails at once with "
            "\"Cannot create a tensor proto whose content is larger than 2GB\"."
        ),
        ours=(
            "`tf1init.variable_from_array(array, name)` makes the initial value a placeholder "
            "and keeps the array by reference; our initialization calls feed it (and "
            "`tf1init.array_feeds(graph)` gives the feed for code that runs its own init op). "
            "The GraphDef holds only the shape; `bench/big_array.py` initializes a 2.2 GB "
            "variable this way."
        ),
        api=("variable_from_array", "array_feeds"),
        references=(
            Reference("mead-ml/mead-baseline", 417, "Add large embeddings back to v2"),
            Reference(_TF, 31093, "Loading embeddings into the graph fails with: libprotobuf ERROR google/protobuf/io/zero_copy_stream_impl_lite.cc 164 Cannot allocate buffer larger than kint32max for StringOutputStream"),
            Reference("zhiguowang/BiMPM", 8, "Cannot create a tensor proto whose content is larger than 2GB."),
        ),
        raw_tests=(_T + "test_p07_big_arrays.py::test_raw_variable_from_array_embeds_it_and_fails_over_2gb",),
        ours_tests=(
            _T + "test_p07_big_arrays.py::test_ours_keeps_the_array_out_of_the_graph_and_feeds_it",
            _T + "test_p07_big_arrays.py::test_raw_initializer_without_the_feed_is_explained",
            _T + "test_p07_big_arrays.py::test_bad_input_is_refused",
        ),
    ),
    Pitfall(
        8, "seeds", "Seeds that do not reproduce",
        "one unrelated op changes every later initial value; Keras initializers ignore the graph seed",
        raw=(
            "Under a graph seed, each random op's seed is the number of random ops created "
            "before it, so adding a dropout or an unrelated variable earlier changes every later "
            "initial value. tf_keras (TF_USE_LEGACY_KERAS=1) `tf.compat.v1.layers` kernels and "
            "Keras 3 initializer objects draw stateless values from a seed picked in Python: "
            "`set_random_seed` never reaches them, so two identical graphs get different "
            "kernels."
        ),
        ours=(
            "`initialize_all(session, seed=)` (and `initialize`, `initialize_uninitialized`) "
            "seed each random op a variable's initial value owns from (seed, variable name, "
            "rank), stateful or stateless: values repeat run to run and survive unrelated "
            "edits. `seed_everything(seed)` fixes Python, NumPy, the graph seed, TF2's global "
            "seed, Keras and tf_keras in one call. `fingerprint` and `compare_fingerprints` "
            "compare two runs, or a TF1 session and its TF2 / Keras migration, variable by "
            "variable (with a rename map)."
        ),
        api=("initialize_all", "seed_everything", "fingerprint", "compare_fingerprints"),
        references=(
            Reference(_TF, 14675, "Small change to graph changes initial values of variables"),
            Reference(_TF, 1091, "Adding summaries changes random number generation"),
            Reference("keras-team/tf-keras", 432, "Tensorflow/Keras 2.10 initializer randomness changes : How to get 100% reproducible results?"),
            Reference(_TF, 31149, "Feature Request: Capability to fix the seed for all keras kernel initializers"),
        ),
        raw_tests=(
            _T + "test_p08_seeds.py::test_raw_graph_seed_values_change_when_an_unrelated_op_is_added",
            _T + "test_p08_seeds.py::test_raw_keras_initializers_ignore_the_graph_seed",
            _T + "test_p08_seeds.py::test_tf_keras_compat_layers_under_tf_use_legacy_keras",
        ),
        ours_tests=(
            _T + "test_p08_seeds.py::test_ours_name_derived_seeds_survive_unrelated_edits",
            _T + "test_p08_seeds.py::test_ours_seeds_keras_initializers_in_graph_mode",
            _T + "test_p08_seeds.py::test_seed_everything_fixes_python_numpy_and_tf",
            _T + "test_p08_seeds.py::test_fingerprints_compare_tf1_sessions_with_tf2_eager_variables",
        ),
    ),
    Pitfall(
        9, "unexplained-errors", "Errors that name one variable and no fix",
        "FailedPreconditionError / \"Could not find variable\" / NotFoundError from init or restore",
        raw=(
            "TF reports the first uninitialized variable it meets (\"Attempting to use "
            "uninitialized value w\", or for resource variables \"Could not find variable w. "
            "This could mean that the variable has been deleted. In TF1, it can also mean the "
            "variable is uninitialized.\") and the first key a checkpoint lacks (\"Key head/w "
            "not found in checkpoint\"), inside a long graph-execution message, with no word on "
            "which of the other variables are missing or why."
        ),
        ours=(
            "`with tf1init.explained_errors(session, checkpoint=...):` re-raises them as "
            "UninitializedVariablesError / NotInCheckpointError / CheckpointShapeError / "
            "ArrayNotFedError that list every variable concerned with its shape, dtype and kind "
            "(ref or resource, global or local, trainable, optimizer slot or accumulator, step "
            "counter, metric) and the call that fixes it. tf1init's own calls raise the same "
            "errors; other errors pass through unchanged."
        ),
        api=("explained_errors",),
        references=(
            Reference(_TF, 57803, "Failed precondition: Could not find variable Variable. This could mean that the variable has been deleted. In TF1, it can also mean the variable is uninitialized."),
            Reference(_TF, 51141, "Failed precondition: Could not find variable bias_w. This could mean that the variable has been deleted."),
            Reference(_TF, 8162, "Show location of using uninitialized variable in the stacktrace"),
        ),
        raw_tests=(_T + "test_p09_errors.py::test_raw_errors_name_one_variable",),
        ours_tests=(
            _T + "test_p09_errors.py::test_ours_list_every_variable_with_its_kind_and_the_fix",
            _T + "test_p09_errors.py::test_our_own_calls_explain_too",
            _T + "test_p09_errors.py::test_other_errors_pass_through_unchanged",
        ),
    ),
    Pitfall(
        10, "renamed-variables", "Checkpoints of a renamed model",
        "`bias` vs `biases`, `weights` vs `kernel`: NotFoundError, and no hint of the mapping",
        raw=(
            "A checkpoint written by an older version of a model (`dense/weights`, "
            "`dense/biases` from `tf.contrib.layers`) does not restore into today's names "
            "(`dense/kernel`, `dense/bias`): NotFoundError names one key and says nothing about "
            "the checkpoint entries that would fit."
        ),
        ours=(
            "The `RestoreReport` of `restore_or_initialize` lists the variables missing from "
            "the checkpoint and the entries it did not use, and suggests a mapping by matching "
            "shapes, dtypes and name similarity; passing it as `mapping=` restores them."
        ),
        api=("restore_or_initialize",),
        references=(
            Reference(_TF, 2768, "Checkpoint Restore blocked by changed default bias variable name"),
            Reference("mozilla/DeepSpeech", 859, "unable to restore model"),
            Reference("KranthiGV/Pretrained-Show-and-Tell-model", 7, "Bias not found in checkpoint"),
        ),
        raw_tests=(_T + "test_p10_renamed.py::test_raw_restore_of_a_renamed_model",),
        ours_tests=(_T + "test_p10_renamed.py::test_ours_suggest_the_mapping_and_restore_with_it",),
    ),
)


def pitfall(number_or_slug) -> Pitfall:
    """The pitfall with this number or slug (ValueError listing them otherwise)."""
    for item in PITFALLS:
        if str(number_or_slug) in (str(item.number), item.slug):
            return item
    known = ", ".join(f"{p.number} {p.slug}" for p in PITFALLS)
    raise ValueError(f"no pitfall {number_or_slug!r}; known pitfalls: {known}")


def _anchor(item: Pitfall) -> str:
    text = f"{item.number}. {item.title}".lower()
    return "".join(c for c in text.replace(" ", "-") if c.isalnum() or c in "-_")


def render() -> str:
    """docs/pitfalls.md, from :data:`PITFALLS`."""
    lines = [
        "# TF1 initialization and restore pitfalls",
        "",
        "Generated by `python docs/make_pitfalls.py` from `tf1init/pitfalls.py`; do not edit by hand.",
        "",
        "Each pitfall is reproduced with raw `tf.compat.v1` on TensorFlow 2.21 by the tests listed",
        "under it (so a change in TensorFlow shows up as a failing test), and prevented or turned",
        "into a clear error by tf1init, tested likewise in real sessions. Measurements behind the",
        "raw behaviour are in the tests. `tf1init pitfalls N` prints one entry.",
        "",
        "| # | Pitfall | Raw TF 2.21 | tf1init |",
        "|---|---|---|---|",
    ]
    for item in PITFALLS:
        api = ", ".join(f"`{name}`" for name in item.api)
        lines.append(f"| {item.number} | [{item.title}](#{_anchor(item)}) | {item.summary} | {api} |")
    for item in PITFALLS:
        lines += [
            "",
            f"## {item.number}. {item.title}",
            "",
            f"**Raw `tf.compat.v1` on TF 2.21.** {item.raw}",
            "",
            f"**tf1init.** {item.ours}",
            "",
            "**Upstream reports.**",
            "",
        ]
        lines += [f"- [{ref.label}]({ref.url}): {ref.title}" for ref in item.references]
        lines += ["", "**Tests.**", ""]
        lines += [f"- raw: `{test}`" for test in item.raw_tests]
        lines += [f"- tf1init: `{test}`" for test in item.ours_tests]
    return "\n".join(lines) + "\n"


def text(item: Pitfall) -> str:
    """One pitfall as plain text, for the command line."""
    refs = "\n".join(f"  {ref.label}  {ref.url}" for ref in item.references)
    return (
        f"{item.number}. {item.title} ({item.slug})\n\n"
        f"Raw tf.compat.v1 on TF 2.21: {item.raw}\n\n"
        f"tf1init: {item.ours}\n\n"
        f"API: {', '.join(item.api)}\n\nUpstream:\n{refs}\n"
    )


def configure(parser) -> None:
    parser.add_argument("pitfall", nargs="?", help="a number or slug; all pitfalls if omitted")


def run(args) -> int:
    """``tf1init pitfalls [N]``: list the pitfalls, or print one."""
    import sys

    if args.pitfall is None:
        for item in PITFALLS:
            print(f"{item.number:2d}  {item.slug:30s}  {item.title}")
        return 0
    try:
        print(text(pitfall(args.pitfall)), end="")
    except ValueError as error:
        print(f"tf1init pitfalls: {error}", file=sys.stderr)
        return 2
    return 0
