"""The load driver: wrk (Debian's package) with small Lua scripts, plus a one-request probe.

wrk keeps a fixed number of connections busy for a fixed time and reports latency
percentiles; the Lua scripts in ``bench/lua/`` add the JSON summary, extra headers and the
unique-token POST bodies the correctness check counts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

LUA_DIR = Path(__file__).resolve().parent / "lua"
WRK_MISSING = (
    "wrk is not installed. On Debian or Ubuntu: `sudo apt-get install -y wrk` "
    "(elsewhere: https://github.com/wg/wrk, then put `wrk` on PATH)."
)


class LoadToolMissing(RuntimeError):
    pass


@dataclass
class Probe:
    """One request on its own: status, body size and how long it took."""

    status: int
    bytes: int
    seconds: float
    body: bytes = b""
    timed_out: bool = False


@dataclass
class Load:
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    p50_ms: float | None = None
    p99_ms: float | None = None
    acked: int = 0
    failed: int = 0
    raw: dict[str, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise LoadToolMissing(WRK_MISSING)
    return path


def probe(url: str, *, headers: dict[str, str] | None = None, timeout: float = 30.0) -> Probe:
    """Fetch ``url`` once, uncompressed (as wrk does), and time it."""
    request = urllib.request.Request(url, headers=headers or {})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            return Probe(response.status, len(body), time.perf_counter() - started, body)
    except urllib.error.HTTPError as error:
        body = error.read()
        return Probe(error.code, len(body), time.perf_counter() - started, body)
    except TimeoutError:
        return Probe(0, 0, time.perf_counter() - started, timed_out=True)


def _wrk(args: list[str], timeout: float) -> dict[str, int]:
    wrk = require_wrk()
    completed = subprocess.run(
        [wrk, *args], capture_output=True, text=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL
    )
    for line in completed.stdout.splitlines():
        if line.startswith("BENCHJSON "):
            return json.loads(line.removeprefix("BENCHJSON "))
    raise RuntimeError(
        f"wrk gave no summary (exit {completed.returncode}): {completed.stderr or completed.stdout}"
    )


def _load(summary: dict[str, int]) -> Load:
    errors = sum(summary[key] for key in ("connect", "read", "write", "status", "timeout"))
    done = summary["requests"]
    return Load(
        requests=done,
        seconds=summary["duration_us"] / 1e6,
        errors=errors,
        p50_ms=summary["p50_us"] / 1000 if done else None,
        p99_ms=summary["p99_us"] / 1000 if done else None,
        acked=summary.get("acked", 0),
        failed=summary.get("failed", 0),
        raw=summary,
    )


def get(
    url: str,
    *,
    seconds: float,
    connections: int = 8,
    headers: dict[str, str] | None = None,
    request_timeout: float = 10.0,
) -> Load:
    """GET ``url`` with ``connections`` concurrent connections for ``seconds``."""
    args = [
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={max(1, round(request_timeout))}s",
        "-s",
        str(LUA_DIR / "get.lua"),
        url,
        "--",
        *[f"{name}: {value}" for name, value in (headers or {}).items()],
    ]
    return _load(_wrk(args, timeout=seconds + request_timeout + 30))


def post(
    url: str,
    *,
    seconds: float,
    template: Path,
    content_type: str,
    run_tag: str,
    ok_statuses: tuple[int, ...],
    connections: int = 4,
    headers: dict[str, str] | None = None,
    identities: Path | None = None,
) -> Load:
    """POST bodies from ``template`` ("{{N}}" replaced by a unique token) for ``seconds``.

    ``identities``: a file of per-reader header lines that requests take in turn (bench/lua/post.lua).
    """
    args = [
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout=10s",
        "-s",
        str(LUA_DIR / "post.lua"),
        url,
        "--",
        str(template),
        content_type,
        run_tag,
        ",".join(str(status) for status in ok_statuses),
        *[f"{name}: {value}" for name, value in (headers or {}).items()],
        *([f"@{identities}"] if identities else []),
    ]
    return _load(_wrk(args, timeout=seconds + 60))
