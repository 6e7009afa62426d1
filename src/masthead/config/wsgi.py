import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.config.settings.production")

application = get_wsgi_application()

if settings.MASTHEAD_SCHEDULER:
    from masthead.core import periodic

    periodic.start_background_thread()
