"""Model builders shared by the training scripts."""
from nets.mlp import mlp_regressor
from nets.ops import dense

__all__ = ["dense", "mlp_regressor"]
