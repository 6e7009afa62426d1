from django.core.management.base import BaseCommand

from masthead.core import pagecache


class Command(BaseCommand):
    help = "Invalidate every cached public page (run after deploying new templates or styles)."

    def handle(self, *args: object, **options: object) -> None:
        pagecache.bump("site")
        self.stdout.write("Page cache purged.")
