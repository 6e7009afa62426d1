"""The offensive-language model is loaded when a server worker starts, not on a reader's comment."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize(("enabled", "loaded"), [("true", "True"), ("false", "False")])
def test_a_server_worker_loads_the_model_as_it_starts(enabled: str, loaded: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # gunicorn's workers import the WSGI module before they accept a request.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "masthead.config.settings.test",
        "MASTHEAD_SCHEDULER": "false",
        "MODERATION_OFFENSIVE_MODEL": enabled,
        "MASTHEAD_DATA_DIR": str(tmp_path),
    }
    code = (
        "import masthead.config.wsgi; from masthead.moderation import offensive; print(offensive.is_loaded())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == loaded
