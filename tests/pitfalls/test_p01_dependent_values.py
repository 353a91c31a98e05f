"""Pitfall 1: initial values that read other variables, in every TF1 mode (subprocess reports).

Each combination of variable kind (ref: disable_v2_behavior; resource: disable_eager_execution
alone) and control flow (v1/v2) runs in its own process (conftest.mode_results, mode_script.py):
100 fresh sessions per raw pattern with Grappler off (tf1init.session_config()) and, for the
patterns that race there, 100 more with the default session config; then 100 + 100 fresh
sessions of ours (both configs).
"""
import pytest

# (mode, control flow) -> variable kind, and for each raw pattern whether TF 2.21 races.
# `None`: the pattern raises NotImplementedError at graph construction.
EXPECTED = {
    ("disable_v2_behavior", "v1"): ("RefVariable", {"a*2": False, "initialized_value()": False}),
    ("disable_v2_behavior", "v2"): ("RefVariable", {"a*2": True, "initialized_value()": True}),
    ("disable_eager_execution", "v1"): ("ResourceVariable", {"a*2": True, "initialized_value()": None}),
    ("disable_eager_execution", "v2"): ("ResourceVariable", {"a*2": True, "initialized_value()": None}),
}
IDS = [f"{mode}-cf_{flow}" for mode, flow in EXPECTED]


@pytest.mark.parametrize("combination", list(EXPECTED), ids=IDS)
def test_raw_dependent_initial_values_race(mode_results, combination, record_property):
    report = mode_results[combination]
    kind, races = EXPECTED[combination]
    assert report["kind"] == kind
    raw = report["raw"]
    for pattern, expected in races.items():
        if expected is None:
            assert raw[pattern] == "NotImplementedError", pattern
            continue
        grappler_off = raw[pattern]["grappler_off"]
        record_property(f"{pattern} failures, Grappler off", grappler_off[0])
        # A run either fails (FailedPreconditionError) or gets the right value: never a wrong one.
        assert grappler_off[1] == 0, pattern
        if expected:
            # With Grappler off the executor meets the read before the source's assign in
            # (nearly) every fresh session; with the default config in a few percent.
            assert grappler_off[0] >= 50, (pattern, raw[pattern])
            record_property(f"{pattern} failures, default config", raw[pattern]["default"][0])
            assert raw[pattern]["default"][1] == 0, pattern
        else:
            # TF's guard (ref variables, control flow v1) reads through initialized_value():
            # no failure even with Grappler off (so the default config was not run).
            assert raw[pattern] == {"grappler_off": [0, 0]}, pattern
    # initial_value never races (it is not a variable read) but re-draws when run separately.
    assert raw["initial_value"] == {"grappler_off": [0, 0]}
    assert report["raw_initial_value_separate_runs_equal"] is False


def test_raw_dependent_initial_values_in_default_sessions_are_recorded(mode_results, record_property):
    """How often TF's race shows with the default config (3-22% of fresh sessions measured on an
    idle machine) depends on the load: on a busy 2-core CI machine all 400 sessions came out
    right twice, so it is recorded here, not asserted. The race itself is asserted where it is
    deterministic: with Grappler off (test_raw_dependent_initial_values_race), and no run ever
    gives a wrong value (a failure or the right one)."""
    failures = {
        (combination, pattern): mode_results[combination]["raw"][pattern]["default"]
        for combination, (_, races) in EXPECTED.items()
        for pattern, racing in races.items() if racing
    }
    for key, (failed, wrong) in failures.items():
        record_property(f"{key} failures, default config", failed)
        assert wrong == 0, key


@pytest.mark.parametrize("combination", list(EXPECTED), ids=IDS)
def test_ours_orders_dependent_initial_values(mode_results, combination):
    ours = mode_results[combination]["ours"]
    # 100 fresh sessions per config, initialize_all and initialize(any order) alternating,
    # a*2 / tf1init.initialized_value(a)*2 / a.initial_value*2 in one graph: every b == 2 * a.
    assert ours["default"] == 0
    assert ours["grappler_off"] == 0
    # Initialized in a later call, after `a` was reassigned: a*2 reads a's current value (as
    # written), and so does tf1init.initialized_value(a) (TF1's initialized_value() read the
    # value of an initialized source); a.initial_value*2 runs a's initializer ops again, a
    # fresh sample, as in TensorFlow.
    assert ours["later_call"] == ["2*current", "2*current", "other"]
