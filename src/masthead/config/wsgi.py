import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.config.settings.production")

application = get_wsgi_application()

# `masthead serve` starts its live-update server with this role: it holds streams and takes
# no comments, so it does not load the model (it still would, lazily, if one came).
EVENTS_ROLE = os.environ.get("MASTHEAD_SERVER_ROLE") == "events"

if settings.MODERATION_OFFENSIVE_MODEL and not EVENTS_ROLE:
    # Each server worker imports this module before it accepts a request: loading the
    # model here (seconds) spares the first commenter of every worker the wait.
    from masthead.moderation import offensive

    offensive.load()

if settings.MASTHEAD_SCHEDULER:
    from masthead.core import periodic

    periodic.start_background_thread()
