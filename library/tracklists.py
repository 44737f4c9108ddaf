"""Tracklists and their lines: a tracklist made from pasted text or an imported file (.txt, .csv, .cue; one per mix
it holds), and its lines set again keeping what was done.

Setting the lines matches each new line to an old one by what was read from it (`_line_key`), so an edited
tracklist keeps every unchanged line's identification and a person's decisions on it. Identifying the lines is
`library.identification`; starting that as a job, `library.discovery_jobs`.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from common.text import and_join, count_text, storable
from library import parsing
from library.entries import library_track_sightings_recount
from library.models import DiscoveryStatus, LibraryTrack, TrackDiscovery, Tracklist

# The largest tracklist taken, pasted or uploaded (a five-hour mix's list is under 50 KB; this is a whole archive).
TRACKLIST_MAX_BYTES = 5 * 1024 * 1024
TRACKLIST_MAX_TEXT = "5 MB"

_STATUS_OF_LINE = {
    parsing.LineStatus.PARSED: DiscoveryStatus.PENDING,
    parsing.LineStatus.UNIDENTIFIABLE: DiscoveryStatus.UNIDENTIFIABLE,
    parsing.LineStatus.UNPARSED: DiscoveryStatus.UNPARSED,
}


class TracklistError(ValueError):
    """A tracklist that cannot be read; the message is for a person."""


def _discovery_of(tracklist: Tracklist, line: parsing.ParsedLine) -> TrackDiscovery:
    return TrackDiscovery(
        tracklist=tracklist, position=line.position, raw_text=line.raw[:1000],
        timestamp=datetime.timedelta(seconds=line.timestamp) if line.timestamp is not None else None,
        artist=line.artist[:500], artists=list(line.artists), title=line.title[:500], version=line.version[:300],
        remixers=list(line.remixers), label=line.label[:300], catalog_number=line.catalog_number[:100],
        together=line.together, status=_STATUS_OF_LINE.get(line.status, DiscoveryStatus.UNPARSED),
    )


@dataclass(frozen=True)
class LinesChange:
    """What setting a tracklist's lines did: lines added (new or changed text), removed, and kept as they were."""

    added: int = 0
    removed: int = 0
    kept: int = 0
    unparsed: int = 0

    @property
    def total(self) -> int:
        return self.added + self.kept

    def __str__(self) -> str:
        if not self.kept and not self.removed:
            said = f"Read {count_text(self.added, 'line')}."
        else:
            parts = [f"{count_text(self.added, 'line')} added" if self.added else "",
                     f"{count_text(self.removed, 'line')} removed" if self.removed else "",
                     f"{count_text(self.kept, 'line')} kept with {'its' if self.kept == 1 else 'their'} identification"
                     if self.kept else ""]
            said = and_join(parts) + "."
        if self.unparsed:
            said += (f" {count_text(self.unparsed, 'line')} could not be read and "
                     f"{'is' if self.unparsed == 1 else 'are'} kept as unparsed.")
        return said


def _fold(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _line_key(line: TrackDiscovery) -> tuple:
    """Return what makes two lines the same line of a tracklist: what was read from it, not its number or time, so a
    line inserted above a numbered list or a retimed mix keeps every line below it; a line the parser read nothing
    from (unparsed, "ID - ID") is compared by its text. A person's decision (unidentifiable included) is no part."""
    if line.artist or line.title:
        return ("read", *(_fold(value) for value in (line.artist, line.title, line.version, line.label,
                                                      line.catalog_number)))
    return ("text", _fold(line.raw_text))


@transaction.atomic
def tracklist_lines_set(*, tracklist: Tracklist, lines: Sequence[parsing.ParsedLine]) -> LinesChange:
    """Set the tracklist's lines to these, keeping every line whose text is unchanged as it is.

    New lines are matched to the old ones by what they read (`_line_key`), in order, duplicates one for one: a kept
    line keeps its status, method, candidates, library track and a person's accept or refusal, taking only its new
    position, time and "played with" mark; a new or changed line is added pending; a removed line goes, and the
    library tracks it was sighted as are recounted."""
    Tracklist.objects.select_for_update().filter(pk=tracklist.pk).first()  # one edit of a tracklist at a time
    old = list(tracklist.discoveries.order_by("position"))
    unused: dict[tuple, list[TrackDiscovery]] = {}
    for line in old:
        unused.setdefault(_line_key(line), []).append(line)
    kept: list[TrackDiscovery] = []
    added: list[TrackDiscovery] = []
    for parsed in lines:
        fresh = _discovery_of(tracklist, parsed)
        same = unused.get(_line_key(fresh))
        if same:
            line = same.pop(0)
            line.position, line.timestamp, line.together, line.raw_text = (
                fresh.position, fresh.timestamp, fresh.together, fresh.raw_text,
            )
            kept.append(line)
        else:
            added.append(fresh)
    removed = [line for rest in unused.values() for line in rest]
    sighted = {line.library_track_id for line in removed if line.library_track_id}
    TrackDiscovery.objects.filter(pk__in=[line.pk for line in removed]).delete()
    # Positions are unique per tracklist: the kept lines step aside past every position in use, then come back.
    aside = max([line.position for line in old] + [line.position for line in (*kept, *added)] + [0]) + 1
    if kept:
        for line in kept:
            line.position += aside
        TrackDiscovery.objects.bulk_update(kept, ["position", "timestamp", "together", "raw_text"], batch_size=1000)
    TrackDiscovery.objects.bulk_create(added, batch_size=1000)
    if kept:
        for line in kept:
            line.position -= aside
        TrackDiscovery.objects.bulk_update(kept, ["position"], batch_size=1000)
    for library_track in LibraryTrack.objects.filter(pk__in=sighted):
        library_track_sightings_recount(library_track=library_track)
    unparsed = sum(1 for line in added if line.status == DiscoveryStatus.UNPARSED)
    return LinesChange(added=len(added), removed=len(removed), kept=len(kept), unparsed=unparsed)


@transaction.atomic
def tracklist_create(
    *, name: str, dj: str = "", date: datetime.date | None = None, source_url: str = "", raw_text: str = "",
    lines: Sequence[parsing.ParsedLine] | None = None,
) -> Tracklist:
    """Create a tracklist and its lines: those given, or raw_text parsed (whose own title line, DJ, date and link
    then fill what is not given)."""
    if lines is None:
        parsed = parsing.parse_text(raw_text)
        lines = parsed.lines
        name, dj, date, source_url = (name or parsed.name, dj or parsed.dj, date or parsed.date,
                                      source_url or parsed.source_url)
    name, dj, source_url, raw_text = storable((name, dj, source_url, raw_text))
    tracklist = Tracklist.objects.create(
        name=name[:500] or "Untitled mix", dj=dj[:300], date=date, source_url=source_url[:1000], raw_text=raw_text,
    )
    tracklist_lines_set(tracklist=tracklist, lines=lines)
    return tracklist


def tracklists_import(
    *, filename: str, data: bytes, name: str = "", dj: str = "", date: datetime.date | None = None,
    source_url: str = "",
) -> list[Tracklist]:
    """Import a .txt, .csv or .cue file: one tracklist per mix it holds. Raise TracklistError if unreadable."""
    try:
        mixes = parsing.parse_file(filename, data)
    except parsing.TracklistError as exc:
        raise TracklistError(str(exc)) from None
    if not mixes or not any(mix.lines for mix in mixes):
        raise TracklistError(f"“{filename}” holds no tracklist lines.")
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return tracklists_create_from_mixes(mixes=mixes, name=name, dj=dj, date=date, source_url=source_url, stem=stem)


def tracklists_create_from_mixes(
    *, mixes: Sequence[parsing.ParsedTracklist], name: str = "", dj: str = "", date: datetime.date | None = None,
    source_url: str = "", stem: str = "",
) -> list[Tracklist]:
    """Create one tracklist per mix read from a file. A name given names a file's only mix; of several, each is named
    by its own title line, else the name given, else stem (the file's name). A DJ, date or link given outranks the
    mix's own."""
    created = []
    with transaction.atomic():
        for mix in mixes:
            raw = "\n".join(line.raw for line in mix.lines)
            title = name if name and len(mixes) == 1 else (mix.name or name or stem)
            created.append(tracklist_create(
                name=title, dj=dj or mix.dj, date=date or mix.date,
                source_url=source_url or mix.source_url, raw_text=raw,
                lines=mix.lines,
            ))
    return created
