"""``masthead import wordpress FILE.xml | disqus FILE.xml [--map urls.csv] | masthead DIR``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.transfer.progress import ProgressLine
from masthead.transfer.xmlsafe import TransferError


class Command(BaseCommand):
    help = "Import a WordPress (WXR) export, a Disqus export, or a Masthead export directory."

    def add_arguments(self, parser: CommandParser) -> None:
        sources = parser.add_subparsers(dest="source", required=True, metavar="{wordpress,disqus,masthead}")
        wordpress = sources.add_parser(
            "wordpress", help="posts, authors, categories and comments from a WXR file"
        )
        wordpress.add_argument("file", type=Path)
        wordpress.add_argument(
            "--media-dir", type=Path, help="a local copy of wp-content/uploads (images are never downloaded)"
        )
        disqus = sources.add_parser("disqus", help="threads and comments from a Disqus XML export")
        disqus.add_argument("file", type=Path)
        disqus.add_argument(
            "--map", type=Path, dest="url_map", help="CSV of old URL,new URL for pages that moved"
        )
        masthead = sources.add_parser("masthead", help="restore a directory written by `masthead export`")
        masthead.add_argument("directory", type=Path)
        for sub in (wordpress, disqus, masthead):
            sub.add_argument("--dry-run", action="store_true", help="report what would happen; write nothing")
            sub.add_argument(
                "--progress", action="store_true", help="show progress even when not on a terminal"
            )
            sub.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["source"]
        progress = None
        if options["progress"] or self.stderr.isatty():
            self.stderr.ending = ""  # the line redraws itself with "\r"
            progress = ProgressLine(self.stderr, f"Reading the {source} export")  # type: ignore[arg-type]
        try:
            report = self._run(source, options, progress)
        except TransferError as error:
            raise CommandError(f"Nothing was imported. {error}") from None
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {error.filename}") from None
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        else:
            self.stdout.write(report.render())

    def _run(self, source: str, options: dict[str, Any], progress: ProgressLine | None) -> Any:
        if source == "wordpress":
            from masthead.transfer.services.wordpress import wordpress_import

            return wordpress_import(
                path=options["file"],
                dry_run=options["dry_run"],
                media_dir=options["media_dir"],
                progress=progress,
            )
        if source == "disqus":
            from masthead.transfer.services.disqus import disqus_import, url_map_read

            url_map = url_map_read(path=options["url_map"]) if options["url_map"] else {}
            return disqus_import(
                path=options["file"], url_map=url_map, dry_run=options["dry_run"], progress=progress
            )
        from masthead.transfer.services.restore import masthead_import

        return masthead_import(directory=options["directory"], dry_run=options["dry_run"])
