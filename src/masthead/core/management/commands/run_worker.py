from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from masthead.core import periodic


class Command(BaseCommand):
    help = "Run background tasks and periodic jobs (what `masthead worker` starts)."

    def handle(self, *args: Any, **options: Any) -> None:
        periodic.start_background_thread()
        call_command("db_worker", interval=1.0)
