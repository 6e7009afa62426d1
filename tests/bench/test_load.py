"""The wrk driver's summary parsing, and that servers die with their whole process group."""

import sys
import time
from pathlib import Path

from bench import load, procs


def test_wrk_summary_becomes_rates_latencies_and_errors():
    summary = {
        "requests": 500,
        "duration_us": 10_000_000,
        "bytes": 1,
        "connect": 1,
        "read": 2,
        "write": 0,
        "status": 3,
        "timeout": 4,
        "p50_us": 12_500,
        "p99_us": 40_000,
        "max_us": 90_000,
        "acked": 490,
        "failed": 10,
    }

    result = load._load(summary)

    assert result.rps == 50.0
    assert (result.p50_ms, result.p99_ms) == (12.5, 40.0)
    assert result.errors == 10
    assert (result.acked, result.failed) == (490, 10)


def test_a_row_with_no_finished_request_has_no_latency():
    summary = dict.fromkeys(
        ("requests", "bytes", "connect", "read", "write", "status", "timeout", "p50_us", "p99_us", "max_us"),
        0,
    )
    summary["duration_us"] = 5_000_000

    result = load._load(summary)

    assert result.rps == 0.0
    assert result.p50_ms is None and result.p99_ms is None


def test_stopping_a_server_ends_its_children_too(tmp_path):
    # A "master" that forks a worker and serves HTTP, like gunicorn.
    script = (
        "import http.server, os, sys\n"
        "if os.fork() == 0:\n"
        "    import time; time.sleep(120); sys.exit(0)\n"
        "http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), http.server.SimpleHTTPRequestHandler).serve_forever()\n"
    )
    port = procs.free_port()
    server = procs.Server(
        "toy",
        [sys.executable, "-c", script, str(port)],
        env={},
        port=port,
        log=tmp_path / "toy.log",
        cwd=tmp_path,
    )
    server.start(ready_path="/", timeout=20)
    workers = server.worker_pids()
    assert workers and workers != [server.process.pid]
    assert procs.rss_kib(workers[0]) > 0

    procs.stop_all()

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
        time.sleep(0.05)
    assert not any(Path(f"/proc/{pid}/status").exists() for pid in workers)
    assert server.process is None
