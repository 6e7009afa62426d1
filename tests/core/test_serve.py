"""``masthead serve``: sync workers for pages, a threaded server for live-update streams."""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from masthead import cli
from tests.support.servers import free_port, wait_for_port


def _probe(port: int) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/static/probe.txt")
    response = connection.getresponse()
    assert response.read() == b"probe"
    connection.close()
    return response


def _probe_soon(port: int, deadline: float) -> http.client.HTTPResponse:
    """``_probe`` once the port answers: a new sync worker may still be importing Django.
    (CI once saw a first probe reset right after the port opened; a retry answers.)"""
    while True:
        try:
            return _probe(port)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return True
    return False


@contextlib.contextmanager
def _serving(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, int]]:
    """A real ``masthead serve`` (one sync worker, the events server) serving
    ``/static/probe.txt``; yields the process and both ports once they answer, and makes
    sure it is gone afterwards."""
    static = tmp_path / "static"
    static.mkdir()
    (static / "probe.txt").write_text("probe")
    port, events_port = free_port(), free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "masthead.config.settings.test",
        "MASTHEAD_DATA_DIR": str(tmp_path),
        "MASTHEAD_SCHEDULER": "false",
        "MODERATION_OFFENSIVE_MODEL": "false",
    }
    argv = [sys.executable, "-m", "masthead.cli", "serve", "--workers", "1", "--port", str(port)]
    # gunicorn's log goes to a file: a pipe nobody reads could fill and stall it, and a
    # failure below shows the log.
    log = tmp_path / "serve.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [*argv, "--events-port", str(events_port)], env=env, stdout=subprocess.DEVNULL, stderr=stderr
        )
    try:
        wait_for_port(port, process)
        wait_for_port(events_port, process)
        yield process, port, events_port
    except Exception as error:
        said = log.read_text(errors="replace")[-4000:]
        raise AssertionError(f"masthead serve (exit code {process.poll()}) logged:\n{said}") from error
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def test_serve_runs_sync_workers_and_a_threaded_events_server_and_stops_both(tmp_path: Path) -> None:
    with _serving(tmp_path) as (process, port, events_port):
        # A sync worker closes every connection; the threaded one keeps it alive.
        deadline = time.monotonic() + 20
        assert _probe_soon(port, deadline).getheader("Connection", "").lower() == "close"
        assert _probe_soon(events_port, deadline).getheader("Connection", "").lower() != "close"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert _refused(port) and _refused(events_port)


def _children(pid: int) -> list[int]:
    return [
        int(child)
        for task in Path(f"/proc/{pid}/task").glob("*")
        for child in (task / "children").read_text().split()
    ]


def _workers(pid: int) -> set[int]:
    """The gunicorn workers: the children of ``pid``'s children (the two masters). A master
    between its old and new workers has no children, and is not counted as one."""
    workers: set[int] = set()
    for master in _children(pid):
        with contextlib.suppress(FileNotFoundError):
            workers.update(_children(master))
    return workers


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the process tree from Linux's /proc")
def test_sighup_reloads_both_servers_with_new_workers_and_serve_goes_on(tmp_path: Path) -> None:
    with _serving(tmp_path) as (process, port, events_port):
        deadline = time.monotonic() + 30
        while len(before := _workers(process.pid)) < 2:
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.2)
        process.send_signal(signal.SIGHUP)
        # gunicorn starts new workers and retires the old ones; the old pids all go.
        while (after := _workers(process.pid)) & before or len(after) < 2:
            assert process.poll() is None, "serve exited on SIGHUP"
            assert time.monotonic() < deadline, f"workers not replaced: {before} -> {after}"
            time.sleep(0.2)
        assert _probe_soon(port, time.monotonic() + 20).status == 200
        assert _probe_soon(events_port, time.monotonic() + 20).status == 200
        assert process.poll() is None


class _Recorded:
    calls: list[tuple[list[str], dict[str, str]]] = []

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.calls.append((argv, env))
        self.returncode = 0

    def poll(self) -> int:
        return 0

    def wait(self, timeout: float | None = None) -> int:
        return 0


def _serve(monkeypatch: pytest.MonkeyPatch, *args: str) -> list[tuple[list[str], dict[str, str]]]:
    # Only the launching is replaced: what each server is started with is the subject here.
    _Recorded.calls = []
    monkeypatch.setattr(cli.subprocess, "Popen", _Recorded)
    monkeypatch.setattr(cli.signal, "signal", lambda *a: None)
    parser_args: Any = argparse.Namespace(
        command="serve",
        port=8000,
        host="127.0.0.1",
        workers=3,
        access_log=False,
        threads=0,
        events_threads=16,
        events_port=8001,
    )
    for name, value in zip(args[::2], args[1::2], strict=True):
        setattr(parser_args, name, value)
    assert cli.serve(parser_args) == 0
    return _Recorded.calls


def _option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def test_pages_go_to_sync_workers_that_never_hold_a_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    (main, main_env), (events, events_env) = _serve(monkeypatch)
    assert _option(main, "--worker-class") == "sync" and "--threads" not in main
    assert _option(main, "--workers") == "3" and _option(main, "--bind") == "127.0.0.1:8000"
    assert main_env["DISCUSSION_SSE_HOLD_SECONDS"] == "0"
    assert _option(events, "--worker-class") == "gthread" and _option(events, "--threads") == "16"
    assert _option(events, "--workers") == "1" and _option(events, "--bind") == "127.0.0.1:8001"
    assert events_env.get("DISCUSSION_SSE_HOLD_SECONDS") == os.environ.get("DISCUSSION_SSE_HOLD_SECONDS")
    # The events server takes no comments: it does not load the offensive-language model.
    assert events_env["MASTHEAD_SERVER_ROLE"] == "events" and "MASTHEAD_SERVER_ROLE" not in main_env


def test_events_port_zero_runs_no_events_server(monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(_serve(monkeypatch, "events_port", 0)) == 1


def test_the_events_port_defaults_to_the_next_port(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[argparse.Namespace] = []
    monkeypatch.setattr(cli, "serve", lambda args: seen.append(args) or 0)
    monkeypatch.delenv("MASTHEAD_EVENTS_PORT", raising=False)
    cli.main(["serve", "--port", "9000"])
    monkeypatch.setenv("MASTHEAD_EVENTS_PORT", "9100")
    cli.main(["serve", "--port", "9000"])
    assert [args.events_port for args in seen] == [9001, 9100]


def test_threaded_workers_hold_streams_themselves(monkeypatch: pytest.MonkeyPatch) -> None:
    [(main, main_env)] = _serve(monkeypatch, "threads", 4)
    assert _option(main, "--worker-class") == "gthread" and _option(main, "--threads") == "4"
    assert main_env.get("DISCUSSION_SSE_HOLD_SECONDS") == os.environ.get("DISCUSSION_SSE_HOLD_SECONDS")
