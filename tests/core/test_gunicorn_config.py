"""The production server's keep-alive rotation (masthead/config/gunicorn.py), through real gunicorn."""

from __future__ import annotations

import http.client
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from masthead.cli import _gunicorn_argv
from tests.support.servers import free_port, wait_for_port


@contextmanager
def _server(tmp_path: Path, *, requests: int, seconds: int) -> Iterator[int]:
    # A static file: WhiteNoise answers it before anything touches a database.
    static = tmp_path / "static"
    static.mkdir()
    (static / "probe.txt").write_text("probe")
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "masthead.config.settings.test",
        "MASTHEAD_DATA_DIR": str(tmp_path),
        "MASTHEAD_SCHEDULER": "false",
        "MODERATION_OFFENSIVE_MODEL": "false",
        "MASTHEAD_KEEPALIVE_REQUESTS": str(requests),
        "MASTHEAD_KEEPALIVE_SECONDS": str(seconds),
    }
    process = subprocess.Popen(
        _gunicorn_argv(port, 1, "127.0.0.1"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_for_port(port, process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def _get(connection: http.client.HTTPConnection) -> http.client.HTTPResponse:
    connection.request("GET", "/static/probe.txt")
    response = connection.getresponse()
    assert response.read() == b"probe"
    return response


def _closes(response: http.client.HTTPResponse) -> bool:
    return response.getheader("Connection", "").lower() == "close"


def test_a_keep_alive_connection_is_closed_after_its_requests(tmp_path: Path) -> None:
    with _server(tmp_path, requests=3, seconds=600) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        assert not _closes(_get(connection))
        first_socket = connection.sock
        assert not _closes(_get(connection))
        assert connection.sock is first_socket  # the same connection carried it
        assert _closes(_get(connection))
        # The client reconnects, and the count starts again on the new connection.
        assert not _closes(_get(connection))
        assert connection.sock is not first_socket
        connection.close()


def test_a_keep_alive_connection_is_closed_after_its_time(tmp_path: Path) -> None:
    with _server(tmp_path, requests=1000, seconds=1) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        assert not _closes(_get(connection))
        assert not _closes(_get(connection))
        time.sleep(1.1)
        assert _closes(_get(connection))
        connection.close()


def test_the_access_log_is_off_unless_asked_for() -> None:
    assert "--access-logfile" not in _gunicorn_argv(8000, 2, "127.0.0.1")
    argv = _gunicorn_argv(8000, 2, "127.0.0.1", access_log=True)
    assert argv[argv.index("--access-logfile") + 1] == "-"
