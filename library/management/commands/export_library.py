"""Export the library as CSV, JSON, TXT or XLSX, to a file or standard output."""

from __future__ import annotations

from core.exports import ExportCommand, parse_day
from library import exports


class Command(ExportCommand):
    help = (
        "Export the library (every column, provider ids and ISRC included, so the file can be read back) as csv, "
        "json, txt (one 'Artist - Title (Version)' line per track) or xlsx. Filter with --genre and "
        "--discovered-after; a filter that matches nothing writes the headers only."
    )
    export_name = exports.EXPORT_NAME

    def handle(self, *args, fmt: str, output: str, genre: str, discovered_after: str, **options):
        target = self.check_options(fmt=fmt, output=output)
        queryset = exports.library_queryset(
            genre=genre or None, discovered_after=parse_day(discovered_after, "--discovered-after"),
        )
        count = self.export(rows=exports.rows(queryset), columns=exports.columns(), fmt=fmt, target=target)
        if target is not None:  # standard output holds the export itself
            self.stdout.write(f"Wrote the library ({count} track{'s' if count != 1 else ''}) as {fmt} to {target}.")
