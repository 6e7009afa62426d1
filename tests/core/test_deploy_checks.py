import os
import subprocess
import sys

import pytest


def _production_env(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DEBUG"))}
    env.update(
        DJANGO_SETTINGS_MODULE="masthead.config.settings.production",
        SECRET_KEY="k" * 20 + "-production-secret-for-the-check-0123456789",
        ALLOWED_HOSTS="news.example.org",
        MASTHEAD_DATA_DIR=str(tmp_path),
        MASTHEAD_SCHEDULER="false",
    )
    return env


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "-m", "django", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) is required in production" in result.stderr


@pytest.mark.parametrize("value", ["yes", "maybe", "2"])
def test_a_malformed_boolean_stops_start_up_naming_the_variable(tmp_path, value):
    env = _production_env(tmp_path)
    env["SECURE_SSL_REDIRECT"] = value
    result = subprocess.run(
        [sys.executable, "-m", "django", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert f"SECURE_SSL_REDIRECT must be true or false, not '{value}'" in result.stderr
