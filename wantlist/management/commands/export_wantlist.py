"""Export the want list as CSV, JSON, TXT or XLSX, to a file or standard output."""

from __future__ import annotations

from django.core.management.base import CommandError

from common.text import count_text
from core.exports import ExportCommand, parse_day
from wantlist import exports
from wantlist.models import WantStatus


class Command(ExportCommand):
    help = (
        "Export the want list (the library's columns plus priority, status, notes, where it was heard and where to "
        "buy it) as csv, json, txt (one 'Artist - Title (Version)' line per track, to paste into a store's search) "
        "or xlsx. Filter with --status, --priority, --genre and --discovered-after."
    )
    export_name = exports.EXPORT_NAME

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--status", default="", metavar="{" + ",".join(WantStatus.values) + "}",
                            help="Only wanted tracks with this status.")
        parser.add_argument("--priority", default="", metavar="1-5",
                            help="Only wanted tracks of this priority (1 is the most wanted).")

    def handle(self, *args, fmt: str, output: str, genre: str, discovered_after: str, status: str, priority: str,
               **options):
        target = self.check_options(fmt=fmt, output=output)
        queryset = exports.wantlist_queryset(
            status=self._status(status), priority=self._priority(priority), genre=genre or None,
            discovered_after=parse_day(discovered_after, "--discovered-after"),
        )
        count = self.export(rows=exports.rows(queryset), columns=exports.columns(), fmt=fmt, target=target)
        if target is not None:  # standard output holds the export itself
            self.stdout.write(f"Wrote the want list ({count_text(count, 'track')}) as {fmt} to {target}.")

    def _status(self, text: str) -> str | None:
        if not text:
            return None
        if text.lower() not in WantStatus.values:
            raise CommandError(f"--status {text!r} is not a want-list status; choose one of "
                               f"{', '.join(WantStatus.values)}.")
        return text.lower()

    def _priority(self, text: str) -> int | None:
        if not text:
            return None
        try:
            priority = int(text)
        except ValueError:
            priority = 0
        if not 1 <= priority <= 5:
            raise CommandError(f"--priority {text!r} is not a priority; give a whole number from 1 (most wanted) to 5.")
        return priority
