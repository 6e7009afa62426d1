"""``masthead export DIR``: the whole site as JSON Lines (docs/export-format.md) and as WXR."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Export sections, authors, articles, users, discussions and funding records to DIR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        from masthead.transfer.services.export import site_export

        directory: Path = options["directory"]
        if directory.exists() and any(directory.iterdir()):
            raise CommandError(f"{directory} is not empty; export into a new or empty directory.")
        manifest = site_export(directory=directory)
        for name, info in manifest["files"].items():
            self.stdout.write(f"{name}: {info['records']} records")
        self.stdout.write(f"WXR copy: {directory / manifest['wxr']}")
        self.stdout.write(f"Exported to {directory} (schema version {manifest['schema_version']}).")
