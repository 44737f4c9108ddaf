"""Import a tracklist file (or standard input) and, with --discover, identify its lines."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.text import count_text
from library.management.commands._discovery import discover as discover_lines
from library.management.commands._discovery import lines_json
from library.models import DiscoveryStatus
from library.tracklists import TRACKLIST_MAX_BYTES, TRACKLIST_MAX_TEXT, TracklistError, tracklists_import


class Command(BaseCommand):
    help = (
        "Import a tracklist: a .txt (one track per line), a .csv with artist and title columns, or a .cue sheet; "
        "'-' reads standard input as text. --discover identifies every line (on the workers, or here with --sync)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file to import, or - for standard input.")
        parser.add_argument("--name", default="", help="The mix's name (default: the file's, or the mix title in it).")
        parser.add_argument("--dj", default="", help="Who played it.")
        parser.add_argument("--date", default="", help="When it was played, YYYY-MM-DD.")
        parser.add_argument("--discover", action="store_true", help="Identify every line after importing.")
        parser.add_argument("--sync", action="store_true", help="Identify here, without a worker, with a progress bar.")
        parser.add_argument("--json", action="store_true",
                            help="Print only a JSON array with one object per line, in order, to standard output.")

    def handle(self, *args, path, name, dj, date, discover: bool, sync: bool, json: bool, **options):
        day = self._date(date)
        filename, data = self._read(path)
        try:
            tracklists = tracklists_import(filename=filename, data=data, name=name, dj=dj, date=day)
        except TracklistError as exc:
            raise CommandError(str(exc)) from None
        if not json:
            for tracklist in tracklists:
                count = tracklist.discoveries.count()
                unparsed = tracklist.discoveries.filter(status=DiscoveryStatus.UNPARSED).count()
                note = f", {unparsed} unparsed" if unparsed else ""
                self.stdout.write(f"imported “{tracklist}” ({tracklist.pk}): {count_text(count, 'line')}{note}")
        if discover or sync:
            discover_here = sync or json  # --json prints the outcome, so it identifies here
            discover_lines(self, tracklists, sync=discover_here, quiet=json)
        if json:
            self.stdout.write(lines_json(tracklists))

    def _date(self, text: str) -> datetime.date | None:
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"--date {text!r} is not a date; write it as YYYY-MM-DD.") from None

    def _read(self, path: str) -> tuple[str, bytes]:
        if path == "-":
            data = sys.stdin.buffer.read(TRACKLIST_MAX_BYTES + 1)
            filename = "stdin.txt"
        else:
            file = Path(path)
            if file.is_dir():
                raise CommandError(f"{path} is a folder; give a tracklist file in it (.txt, .csv or .cue).")
            if not file.is_file():
                raise CommandError(f"No such file: {path}")
            if file.stat().st_size > TRACKLIST_MAX_BYTES:
                raise CommandError(f"{path} is larger than {TRACKLIST_MAX_TEXT}, the most a tracklist may be.")
            data, filename = file.read_bytes(), file.name
        if len(data) > TRACKLIST_MAX_BYTES:
            raise CommandError(f"The tracklist is larger than {TRACKLIST_MAX_TEXT}, the most a tracklist may be.")
        return filename, data
