"""Export the library as CSV, JSON, TXT or XLSX, or for DJ software as Rekordbox XML, Traktor NML or M3U8;
the whole library, one crate, or one tracklist; to a file or standard output."""

from __future__ import annotations

import io
import uuid

from django.core.management.base import CommandError

from common.text import count_text
from core.exports import ExportCommand, output_target, parse_day
from crates import selectors as crate_selectors
from crates import services as crate_services
from crates.djformats import FORMATS as DJ_FORMATS
from crates.models import Crate
from library import exports
from library.models import Tracklist

TABLE_FORMATS = ("csv", "json", "txt", "xlsx")


class Command(ExportCommand):
    help = (
        "Export the library (every column, provider ids and ISRC included, so the file can be read back) as csv, "
        "json, txt (one 'Artist - Title (Version)' line per track) or xlsx; or for DJ software as rekordbox "
        "(Rekordbox XML, for Rekordbox's rekordbox xml import), traktor (Traktor NML) or m3u8, the crates as "
        "playlists. --crate or --tracklist exports one of those instead; tracks without a file are left out of "
        "the DJ formats and counted. Filter with --genre and --discovered-after; a filter that matches nothing "
        "writes the headers only."
    )
    export_name = exports.EXPORT_NAME

    def add_arguments(self, parser):
        super().add_arguments(parser)
        fmt = parser._option_string_actions["--format"]
        fmt.metavar = "{csv,json,txt,xlsx,rekordbox,traktor,m3u8}"
        fmt.help += (" For DJ software: rekordbox (Rekordbox XML), traktor (Traktor NML) or m3u8 (a playlist), "
                     "with the files' paths as the DJ's computer sees them (DJ_MUSIC_ROOT).")
        parser.add_argument("--crate", default="", metavar="NAME",
                            help="Export this crate (its name, or folder/name) rather than the whole library.")
        parser.add_argument("--tracklist", default="", metavar="ID",
                            help="Export the identified tracks of this tracklist (its id), in the mix's order.")
        parser.add_argument("--paths", choices=("relative", "absolute"), default="relative",
                            help="M3U8: paths relative to the playlist's folder (default; the playlist and the music "
                                 "move together) or absolute. Standard output always gets absolute paths.")

    def handle(self, *args, fmt: str, output: str, genre: str, discovered_after: str, crate: str, tracklist: str,
               paths: str, **options):
        if crate and tracklist:
            raise CommandError("Give --crate or --tracklist, not both.")
        chosen_crate = self._crate(crate) if crate else None
        chosen_tracklist = self._tracklist(tracklist) if tracklist else None
        if fmt in DJ_FORMATS:
            if genre or discovered_after:
                raise CommandError("--genre and --discovered-after filter the table exports; for DJ software, save "
                                   "the filter as a crate and export it with --crate.")
            self._dj_export(fmt=fmt, output=output, crate=chosen_crate, tracklist=chosen_tracklist,
                            relative=paths == "relative")
            return
        if fmt not in TABLE_FORMATS:
            raise CommandError(f"--format: There is no {fmt!r} export; choose one of "
                               f"{', '.join((*TABLE_FORMATS, *DJ_FORMATS))}.")
        target = self.check_options(fmt=fmt, output=output)
        queryset = exports.library_queryset(
            genre=genre or None, discovered_after=parse_day(discovered_after, "--discovered-after"),
        )
        what = "the library"
        if chosen_crate is not None:
            if chosen_crate.is_smart:
                crate_services.crate_refill(crate=chosen_crate)
            queryset = queryset.filter(crate_entries__crate=chosen_crate).order_by("crate_entries__position")
            what = f"the crate “{chosen_crate}”"
        elif chosen_tracklist is not None:
            ids = [entry.pk for entry in crate_selectors.tracklist_library_tracks(chosen_tracklist)]
            queryset = queryset.filter(pk__in=ids).order_by(crate_selectors.id_order(ids))
            what = f"the tracklist “{chosen_tracklist}”"
        count = self.export(rows=exports.rows(queryset), columns=exports.columns(), fmt=fmt, target=target)
        if target is not None:  # standard output holds the export itself
            self.stdout.write(f"Wrote {what} ({count_text(count, 'track')}) as {fmt} to {target}.")

    def _crate(self, name: str) -> Crate:
        folder, _, plain = name.strip().rpartition("/")
        found = Crate.objects.filter(name=plain.strip(), folder=crate_services.folder_clean(folder))
        if not found.exists() and not folder:
            found = Crate.objects.filter(name=name.strip())
        crates = list(found[:2])
        if not crates:
            known = ", ".join(str(each) for each in Crate.objects.all()[:10]) or "none yet"
            raise CommandError(f"There is no crate “{name}”. Crates: {known}.")
        if len(crates) > 1:
            raise CommandError(f"Several crates are called “{name}”; name it with its folder, e.g. “{crates[0]}”.")
        return crates[0]

    def _tracklist(self, value: str) -> Tracklist:
        try:
            return Tracklist.objects.get(pk=uuid.UUID(value.strip()))
        except (ValueError, Tracklist.DoesNotExist):
            raise CommandError(f"There is no tracklist with the id {value!r}; "
                               "its id is in its page's address.") from None

    def _dj_export(self, *, fmt: str, output: str, crate, tracklist, relative: bool) -> None:
        content = crate_services.export_content(crate=crate, tracklist=tracklist)
        if not output or output == "-":
            buffer = io.BytesIO()
            crate_services.export_write(content=content, fmt=fmt, out=buffer)
            stream = getattr(self.stdout, "buffer", None)
            if stream is not None:
                self.stdout.flush()
                stream.write(buffer.getvalue())
                stream.flush()
            else:
                self.stdout.write(buffer.getvalue().decode(), ending="")
            self.stderr.write(content.summary(fmt))
            return
        target = output_target(output, example=crate_services.export_filename(content.name, fmt))
        crate_services.export_file_write(content=content, fmt=fmt, target=target, relative=relative)
        self.stdout.write(f"Wrote {target}: {content.summary(fmt)}")
