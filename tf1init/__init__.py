"""tf1init: initialize TF1 graph-mode variables correctly and fast on TensorFlow 2, and migrate.

Importing this package does not import TensorFlow (that costs about 5 s): each public name
below is loaded from its module on first use.

    >>> import tf1init
    >>> tf1init.__version__
    '0.1.0'
"""
import importlib

__version__ = "0.1.0"

# Public name -> the module that defines it. Modules that need TensorFlow are imported only when
# one of their names is first used.
_LAZY: "dict[str, str]" = {  # (no typing import: it costs more than a cached `migrate --check`)
    # errors (TensorFlow-free)
    "Tf1initError": "tf1init.errors",
    "SelectionError": "tf1init.errors",
    "ForeignGraphError": "tf1init.errors",
    "SessionClosedError": "tf1init.errors",
    "DependencyCycleError": "tf1init.errors",
    "UninitializedVariablesError": "tf1init.errors",
    "NotASessionError": "tf1init.errors",
    "NotGraphModeError": "tf1init.errors",
    "UnfedPlaceholderError": "tf1init.errors",
    "SeedTooLateError": "tf1init.errors",
    # session initialization (TensorFlow)
    "initialize_all": "tf1init.session.initialization",
    "initialize": "tf1init.session.initialization",
    "initialize_uninitialized": "tf1init.session.initialization",
    "uninitialized_variables": "tf1init.session.initialization",
    "select_variables": "tf1init.graph.selection",
    "initialized_value": "tf1init.graph.derived",
    "assert_initialized": "tf1init.session.readiness",
    "session_config": "tf1init.session.sessions",
    "fast_session": "tf1init.session.sessions",
    "UnknownInitializerError": "tf1init.errors",
    "Untranslatable": "tf1init.errors",
    "FanError": "tf1init.errors",
    "UnsupportedDtypeError": "tf1init.errors",
    "UnknownActivationError": "tf1init.errors",
    # initializer catalogue, TensorFlow-free (tf1init.catalogue)
    "find_initializer": "tf1init.catalogue",
    "translate_initializer": "tf1init.catalogue",
    "recommend_initializer": "tf1init.catalogue",
    "compute_fans": "tf1init.catalogue",
    # initializer catalogue, TensorFlow-using
    "get_initializer": "tf1init.catalogue.custom",
    "UniformRange": "tf1init.catalogue.custom",
    "ClippedNormal": "tf1init.catalogue.custom",
    "ThresholdedUniform": "tf1init.catalogue.custom",
    "FanInBiasUniform": "tf1init.catalogue.custom",
    "Rule": "tf1init.catalogue.dispatch",
    "apply_rules": "tf1init.catalogue.dispatch",
    "apply_preset": "tf1init.catalogue.presets",
    # weight statistics, plots, training monitors and the initialization doctor (issue 6)
    "weight_stats": "tf1init.observe.stats",
    "weight_values": "tf1init.observe.stats",
    "WeightReport": "tf1init.observe.stats",
    "VariableStats": "tf1init.observe.stats",
    "plot_histograms": "tf1init.observe.plots",
    "plot_history": "tf1init.observe.plots",
    "StatsHistory": "tf1init.observe.monitor",
    "WeightStatsCallback": "tf1init.observe.monitor",
    "WeightStatsHook": "tf1init.observe.monitor",
    "diagnose": "tf1init.doctor",
    "Diagnosis": "tf1init.doctor",
    "DoctorInputError": "tf1init.errors",
    # checkpoints: restore instead of initialize (tf1init.checkpoints)
    "CheckpointError": "tf1init.errors",
    "CheckpointNotFoundError": "tf1init.errors",
    "CorruptCheckpointError": "tf1init.errors",
    "CheckpointMismatchError": "tf1init.errors",
    "MappingError": "tf1init.errors",
    "FinalizedGraphError": "tf1init.errors",
    "resolve_checkpoint": "tf1init.checkpoints.reader",
    "checkpoint_entries": "tf1init.checkpoints.reader",
    # checkpoints: atomic saving, inspection, TF1 -> TF2 conversion (tf1init.checkpoints, ckpt)
    "AtomicSaver": "tf1init.checkpoints.saving",
    "save_checkpoint": "tf1init.checkpoints.saving",
    "diff_checkpoints": "tf1init.checkpoints.compare",
    "load_into": "tf1init.checkpoints.convert",
    "convert_to_object_checkpoint": "tf1init.checkpoints.convert",
    "LoadReport": "tf1init.checkpoints.convert",
    "saver_save": "tf1init.checkpoints.saver_like",  # tf.train.Saver's save/restore for a lifted program
    "saver_restore": "tf1init.checkpoints.saver_like",
    "restore_or_initialize": "tf1init.checkpoints.restore",
    "warm_start": "tf1init.checkpoints.restore",
    "prepare_restore": "tf1init.checkpoints.restore",
    "RestoreReport": "tf1init.checkpoints.report",
    # pitfall suite (issue 7): prevention and explanation of TF1 initialization pitfalls
    "NotInCheckpointError": "tf1init.errors",
    "CheckpointShapeError": "tf1init.errors",
    "ArrayNotFedError": "tf1init.errors",
    "variable_from_array": "tf1init.graph.arrays",
    "array_feeds": "tf1init.graph.arrays",
    "prepare": "tf1init.session.preparation",
    "seed_everything": "tf1init.graph.seeding",
    "use_tf1_seeds": "tf1init.graph.tf1_seeds",
    "fingerprint": "tf1init.observe.fingerprints",
    "compare_fingerprints": "tf1init.observe.fingerprints",
    "explained_errors": "tf1init.session.explain_errors",
    "PITFALLS": "tf1init.pitfalls",
    "RestoreOrInitializeScaffold": "tf1init.checkpoints.scaffold",
    "restoring_session_creator": "tf1init.checkpoints.scaffold",
    "ClusterInitializer": "tf1init.cluster.protocol",  # cluster: chief restores, workers wait (issue 21)
}

__all__ = sorted(_LAZY) + ["__version__"]


def _load_runtime_if_tensorflow_is_loaded() -> None:
    """Where TensorFlow is already imported, loading the runtime costs milliseconds: do it at
    ``import tf1init``, where import costs belong, rather than inside the first call."""
    import sys

    if "tensorflow" in sys.modules:
        importlib.import_module("tf1init.session.initialization")


_load_runtime_if_tensorflow_is_loaded()


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tf1init' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__():
    return __all__
