"""Ports for a cluster on one machine (tests, examples, benchmarks)."""
import socket
from typing import List


def free_ports(n: int) -> List[int]:
    """``n`` TCP ports on 127.0.0.1 that were free a moment ago (the usual way to start a
    localhost ClusterSpec; another process can still take one before the servers bind it)."""
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()
