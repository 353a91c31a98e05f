"""Prove a migration: run the TF1 original and the migrated program, compare variables and prints.

TensorFlow is never imported here: both programs run in child processes (see ``harness.py``).
"""
from tf1init.verify.check import verify
from tf1init.verify.compare import Thresholds, VariableResult
from tf1init.verify.report import Settings, VerifyReport
from tf1init.verify.run import VerifyUsageError

__all__ = ["verify", "Settings", "Thresholds", "VerifyReport", "VariableResult", "VerifyUsageError"]
