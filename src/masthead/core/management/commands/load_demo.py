from typing import Any

from django.core.management.base import BaseCommand

from masthead.core import demo


class Command(BaseCommand):
    help = "Load the demo content (safe to run again: nothing is duplicated)."

    def handle(self, *args: Any, **options: Any) -> None:
        demo.load_all(lambda line: self.stdout.write(line))
        self.stdout.write(self.style.SUCCESS("Demo content is loaded."))
