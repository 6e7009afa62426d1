"""Production: secure defaults. Every switch still comes from the environment."""

import os

os.environ.setdefault("DEBUG", "false")

from masthead.config import env
from masthead.config.settings.base import *  # noqa: F403
from masthead.config.settings.base import DATA_DIR

PRODUCTION = True
SECRET_KEY = env.secret_key(DATA_DIR, required=True)
SECURE_SSL_REDIRECT = env.env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = env.env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env.env_bool("SECURE_HSTS_PRELOAD", True)
