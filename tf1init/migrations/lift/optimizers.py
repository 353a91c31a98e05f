"""TF1 ``tf.train`` optimizers and their exact Keras twins.

A twin must make the same update with TF1's defaults: Keras changed several (Adam's epsilon is
1e-7 in Keras, 1e-8 in TF1), so every TF1 default Keras does not share is written out. Where no
Keras optimizer makes TF1's update (RMSProp starts its mean square at 1.0 in TF1 and at 0 in
Keras; Ftrl and the proximal ones differ in detail), the TF1 optimizer itself is kept: it runs
eagerly through ``apply_gradients``, but a lifted program must not need ``tf.compat.v1``, so a
file that uses one stays in graph mode.
"""
from typing import Dict, List, Optional, Tuple

# TF1 name -> (its parameters in order, Keras class, {TF1 parameter: Keras parameter},
#              {Keras parameter: TF1's default written out where Keras's differs})
TWINS: Dict[str, Tuple[List[str], str, Dict[str, str], Dict[str, str]]] = {
    "GradientDescentOptimizer": (["learning_rate", "use_locking", "name"], "SGD",
                                 {"learning_rate": "learning_rate"}, {}),
    "MomentumOptimizer": (["learning_rate", "momentum", "use_locking", "name", "use_nesterov"], "SGD",
                          {"learning_rate": "learning_rate", "momentum": "momentum", "use_nesterov": "nesterov"}, {}),
    "AdamOptimizer": (["learning_rate", "beta1", "beta2", "epsilon", "use_locking", "name"], "Adam",
                      {"learning_rate": "learning_rate", "beta1": "beta_1", "beta2": "beta_2", "epsilon": "epsilon"},
                      {"learning_rate": "0.001", "epsilon": "1e-08"}),
    "AdagradOptimizer": (["learning_rate", "initial_accumulator_value", "use_locking", "name"], "Adagrad",
                         {"learning_rate": "learning_rate", "initial_accumulator_value": "initial_accumulator_value"},
                         {"initial_accumulator_value": "0.1", "epsilon": "0.0"}),
    "AdadeltaOptimizer": (["learning_rate", "rho", "epsilon", "use_locking", "name"], "Adadelta",
                          {"learning_rate": "learning_rate", "rho": "rho", "epsilon": "epsilon"},
                          {"learning_rate": "0.001", "rho": "0.95", "epsilon": "1e-08"}),
}
# Kept as they are (tf.compat.v1.train.X runs eagerly): no Keras optimizer makes their update.
KEPT = frozenset(
    "RMSPropOptimizer FtrlOptimizer ProximalAdagradOptimizer ProximalGradientDescentOptimizer "
    "AdagradDAOptimizer".split()
)


def keras_twin(name: str, args: List[str], keywords: Dict[str, str], handle: str) -> Optional[str]:
    """The optimizer's TF2 construction (``tf.keras.optimizers.SGD(learning_rate=0.01)``) from
    the TF1 call's argument texts; None if this optimizer or one of its arguments has none."""
    short = name.rsplit(".", 1)[-1]
    twin = TWINS.get(short)
    if twin is None:
        return None
    params, keras, renamed, defaults = twin
    given: Dict[str, str] = {}
    for index, text in enumerate(args):
        if index >= len(params):
            return None
        given[params[index]] = text
    for key, text in keywords.items():
        if key not in params:
            return None
        given[key] = text
    out: Dict[str, str] = {}
    for key, text in given.items():
        if key in ("use_locking", "name"):
            continue  # locking has no meaning eagerly; the name only prefixed TF1's slot names
        out[renamed[key]] = text
    for key, text in defaults.items():
        out.setdefault(key, text)
    order = [renamed[p] for p in params if p in renamed] + [k for k in defaults if k not in renamed.values()]
    parts = [f"{key}={out[key]}" for key in order if key in out]
    return f"{handle}.keras.optimizers.{keras}({', '.join(parts)})"
