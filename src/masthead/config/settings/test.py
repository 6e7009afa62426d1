"""The test suite: the real database named by DATABASE_URL (SQLite by default), fast hashing."""

import os
import tempfile

os.environ.setdefault("MASTHEAD_DATA_DIR", tempfile.mkdtemp(prefix="masthead-test-"))
os.environ.setdefault("MASTHEAD_SERVE_MEDIA", "true")

from masthead.config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests run tasks in-process by default; tests that exercise the worker pick the database backend.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WAGTAILADMIN_BASE_URL = "http://testserver"
# Tests render templates without running collectstatic first, so no manifest of hashed names.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# whitenoise warns at start-up when STATIC_ROOT is missing; tests never collectstatic into it.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
