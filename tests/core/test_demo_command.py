"""The README's first command: `masthead demo` builds the demo and serves it on 127.0.0.1."""

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.servers import free_port


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


@pytest.mark.timeout(600)
def test_masthead_demo_builds_the_site_serves_it_and_stops_on_sigterm(tmp_path):
    masthead = shutil.which("masthead", path=str(Path(sys.executable).parent)) or "masthead"
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(MASTHEAD_DATA_DIR=str(tmp_path), DISCUSSION_DEMO_THREAD_SIZE="300", MASTHEAD_SCHEDULER="false")
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [masthead, "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 480
        home = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                home = _get(base + "/")
                break
            except OSError:
                time.sleep(2)
        assert home is not None, "the demo never answered"
        # The seed's shape: the bar at 0 / half / goal with the amount raised, sections, stories.
        for label in ("0 $", "2,350 $", "4,700 $", "1,114 $"):
            assert label in home
        assert "Floodwater cuts off three delta towns" in home
        article = _get(base + "/environment/river-delta-flooding-map/")
        assert "Click to see the full-size map" in article
        assert "Ελένη Παππά" in article
        assert 'id="discussion"' in article
        assert (tmp_path / "demo-logins.txt").read_text().count("@demo.masthead.test") == 3
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    assert "Masthead demo: http://127.0.0.1:" in output
    assert "admin@demo.masthead.test" in output
    with pytest.raises(OSError):
        _get(base + "/healthz")
