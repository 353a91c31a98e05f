"""Initialization on TensorFlow's distributed runtime (ClusterSpec, Server, parameter servers).

The chief restores or initializes the variables on the parameter servers, once; the other
workers wait (polling every 0.1 s, with a report naming what is not ready); each task
initializes its own local variables. See docs/cluster.md.
"""
from tf1init.cluster.chief import ChiefReport
from tf1init.cluster.protocol import ClusterInitializer
from tf1init.cluster.readiness import ModelNotReadyError, Readiness, wait_until_ready
from tf1init.cluster.worker import WorkerReport

__all__ = ["ClusterInitializer", "ChiefReport", "WorkerReport", "Readiness", "ModelNotReadyError",
           "wait_until_ready"]
