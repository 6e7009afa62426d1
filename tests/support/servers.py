"""Helpers for tests that start a real server process on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import time

from bench.procs import free_port

__all__ = ["free_port", "wait_for_port"]


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Return once ``port`` accepts connections; raise with the process's stderr if it exits
    or ``timeout`` seconds pass first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(process.stderr.read().decode()[-2000:] if process.stderr else "") from None
            time.sleep(0.2)
