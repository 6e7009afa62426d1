"""Servers the benchmark starts: each in its own process group, always stopped, memory sampled.

Every server is started through :class:`Server`, which registers itself so that
:func:`stop_all` (called from the runner's ``finally`` and on SIGTERM) ends the whole group,
gunicorn master and workers alike, even after Ctrl-C or an error.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

_RUNNING: list[Server] = []
_HANDED_OUT: set[int] = set()


class ServerFailed(RuntimeError):
    pass


class Server:
    """A gunicorn (or other) server on 127.0.0.1, started in a new session (process group)."""

    def __init__(self, name: str, argv: list[str], *, env: dict[str, str], port: int, log: Path, cwd: Path):
        self.name, self.argv, self.env, self.port, self.log_path, self.cwd = name, argv, env, port, log, cwd
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, ready_path: str = "/", timeout: float = 90) -> Server:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.argv,
            env=self.env,
            cwd=self.cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        _RUNNING.append(self)
        self._wait_ready(ready_path, timeout)
        return self

    def _wait_ready(self, path: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise ServerFailed(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base_url + path, timeout=30) as response:
                    response.read()
                # Both workers must be up before load starts, or the first seconds measure a fork.
                if len(self.worker_pids()) >= 1:
                    time.sleep(0.5)
                    return
            except urllib.error.HTTPError:
                return  # the server answers; the status is the scenario's business
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(0.3)
        raise ServerFailed(f"{self.name} did not answer on {self.base_url}{path} in {timeout:.0f} s")

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: the leaves of the process tree (the gunicorn
        workers, also under ``masthead serve``'s two masters); the master itself when it has
        no children."""
        if self.process is None or self.process.poll() is not None:
            return []
        leaves: list[int] = []
        pending = [self.process.pid]
        while pending:
            pid = pending.pop()
            children = _children(pid)
            if children:
                pending.extend(children)
            else:
                leaves.append(pid)
        return sorted(leaves)

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM the group, and SIGKILL it after ``grace`` seconds (a sync worker stuck in a
        minute-long request would otherwise hold the shutdown for gunicorn's graceful timeout)."""
        process = self.process
        if process is None:
            return
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        # Workers that outlived their master (they should not) die with the group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        if self in _RUNNING:
            _RUNNING.remove(self)
        self.process = None

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def stop_all() -> None:
    for server in list(_RUNNING):
        server.stop()


def _children(pid: int) -> list[int]:
    found: list[int] = []
    task_dir = Path(f"/proc/{pid}/task")
    with contextlib.suppress(FileNotFoundError):
        for task in task_dir.iterdir():
            with contextlib.suppress(FileNotFoundError):
                found += [int(part) for part in (task / "children").read_text().split()]
    return sorted(set(found))


def rss_kib(pid: int) -> int:
    """Resident set size of one process (VmRSS in /proc/<pid>/status), in KiB; 0 once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return 0


def cpu_seconds(pid: int) -> float:
    """User and system CPU time one process has used (/proc/<pid>/stat); 0 once it has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    # utime and stime are the 14th and 15th fields; fields[0] here is the 3rd (state).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def rss_sampler(server: Server, every: float = 0.25) -> Iterator[dict[str, float]]:
    """Sample the server's workers while the block runs; yields a dict filled on exit.

    ``peak_worker_mib`` is the largest resident size any single worker reached during the block
    (what "memory per worker" means in the table); ``peak_total_mib`` the largest sum over workers.
    ``cpu_seconds`` is the CPU time the workers used during the block: unlike a rate, it
    hardly moves with what else the machine does, so it compares runs on a noisy machine.
    """
    result = {"peak_worker_mib": 0.0, "peak_total_mib": 0.0, "cpu_seconds": 0.0}
    stop = threading.Event()
    pids = server.worker_pids()
    cpu_before = {pid: cpu_seconds(pid) for pid in pids}

    def sample() -> None:
        while True:
            sizes = [rss_kib(pid) for pid in server.worker_pids()]
            if sizes:
                result["peak_worker_mib"] = max(result["peak_worker_mib"], max(sizes) / 1024)
                result["peak_total_mib"] = max(result["peak_total_mib"], sum(sizes) / 1024)
            if stop.wait(every):
                return

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield result
    finally:
        stop.set()
        thread.join()
        result["cpu_seconds"] = sum(max(0.0, cpu_seconds(pid) - before) for pid, before in cpu_before.items())


def _ephemeral_low() -> int:
    """The first port the kernel hands out to outgoing connections (Linux's default 32768)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now, below the ephemeral range.

    A port from ``bind(("127.0.0.1", 0))`` is an ephemeral one, which any outgoing connection
    (to PostgreSQL, to Redis, a probe to another server) may take as its source port between
    the choice and the server's bind; the server then fails to start, or a probe connects to
    itself. Below the range only listeners take ports.
    """
    import random
    import socket

    low = _ephemeral_low()
    for _ in range(200):
        port = random.randrange(max(1024, low - 12000), low)
        if port in _HANDED_OUT:
            # Chosen for a server that may not have bound it yet.
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _HANDED_OUT.add(port)
        return port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
