import multiprocessing
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from masthead.config import env


@pytest.mark.parametrize("raw, expected", [("true", True), ("1", True), ("off", False), ("FALSE", False)])
def test_env_bool_accepts_only_true_or_false_words(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env.env_bool("X_FLAG", not expected) is expected


def test_env_bool_rejects_anything_else(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes please")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG must be true or false"):
        env.env_bool("X_FLAG", False)


def test_env_int_rejects_words_and_values_below_minimum(monkeypatch):
    monkeypatch.setenv("X_NUM", "four")
    with pytest.raises(ImproperlyConfigured):
        env.env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "-3")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env.env_int("X_NUM", 1, minimum=0)


def test_secret_read_from_file(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("s" * 40 + "\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert env.secret_key(tmp_path, required=True) == "s" * 40


def test_secret_key_required_in_production(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("SECRET_KEY_FILE", raising=False)
    with pytest.raises(ImproperlyConfigured, match="required in production"):
        env.secret_key(tmp_path, required=True)


def test_demo_secret_key_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("SECRET_KEY_FILE", raising=False)
    first = env.secret_key(tmp_path, required=False)
    assert len(first) >= 50
    assert env.secret_key(tmp_path, required=False) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_email_url_smtp_with_tls():
    parsed = env.email_settings("smtp://user%40x:p%40ss@mail.example.org:587?tls=true")
    assert parsed["EMAIL_HOST"] == "mail.example.org"
    assert parsed["EMAIL_PORT"] == 587
    assert parsed["EMAIL_HOST_USER"] == "user@x"
    assert parsed["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert parsed["EMAIL_USE_TLS"] is True


def test_email_url_rejects_unknown_scheme():
    with pytest.raises(ImproperlyConfigured, match="scheme"):
        env.email_settings("http://example.org")


def _database_options(**environ: str) -> dict:  # type: ignore[type-arg]
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json; from masthead.config.settings import test as s; "
        "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {}), default=str))"
    )
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_PREPARED_STATEMENTS"}
    env.update(environ)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_postgresql_prepares_statements_unless_turned_off():
    url = "postgres://masthead@127.0.0.1:5432/masthead"
    options = _database_options(DATABASE_URL=url)
    # Both: Django turns psycopg's preparing off unless it is given a threshold.
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5
    off = _database_options(DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="false")
    assert "server_side_binding" not in off
    assert "prepare_threshold" not in off
    assert "server_side_binding" not in _database_options(DATABASE_URL="sqlite:///x.sqlite3")


def _key_after(barrier: Any, data_dir: Path, keys: Any) -> None:
    os.environ.pop("SECRET_KEY", None)
    barrier.wait()
    keys.put(env.secret_key(data_dir, required=False))


def test_processes_starting_together_on_a_fresh_data_dir_share_one_key(tmp_path):
    # `masthead serve` starts two servers and their workers at once; each once raised
    # FileExistsError here (the worker then failed to boot) or could read a half-written key.
    context = multiprocessing.get_context("spawn")
    count = 6
    barrier, keys = context.Barrier(count), context.Queue()
    processes = [context.Process(target=_key_after, args=(barrier, tmp_path, keys)) for _ in range(count)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
    assert [process.exitcode for process in processes] == [0] * count
    found = {keys.get(timeout=5) for _ in range(count)}
    assert len(found) == 1 and len(found.pop()) >= 50
    assert [path.name for path in tmp_path.iterdir()] == ["secret_key"]
