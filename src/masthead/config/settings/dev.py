"""Local development and the demo: debug pages on unless DEBUG=false says otherwise."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("MASTHEAD_SERVE_MEDIA", "true")

from masthead.config.settings.base import *  # noqa: F403
