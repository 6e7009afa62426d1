import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from wagtail.models import Page

from masthead.discussion import services
from masthead.discussion.generation import thread_generate


class Command(BaseCommand):
    help = "Add a large generated discussion to a page (demo and benchmarks): bulk inserts, seconds per 100k."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--comments", type=int, default=100_000)
        parser.add_argument("--page", required=True, help="page id or slug")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["comments"] < 1:
            raise CommandError("--comments must be at least 1")
        ref = str(options["page"])
        page = (
            Page.objects.filter(pk=int(ref)).first()
            if ref.isdigit()
            else Page.objects.filter(slug=ref).first()
        )
        if page is None:
            raise CommandError(f"No page {ref!r}")
        thread = services.thread_for_page(page=page)
        started = time.monotonic()
        created = thread_generate(
            thread=thread, count=options["comments"], seed=options["seed"], log=self.stdout.write
        )
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"{created:,} comments on “{page.title}” (thread {thread.pk}) in {elapsed:.1f} s"
            )
        )
