"""The library as an export: its columns, its rows, and the filters the admin and export_library share.

The columns carry the ISRC and every provider's id, so an exported file can be read back into the same tracks.
core/exports.py writes them as CSV, JSON, TXT or XLSX.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import QuerySet

from common import dates
from common.text import length_text
from core.exports import BOOL, DATE, NUMBER, Column, start_of_day
from library.models import LibraryTrack
from tracks.genres import normalise_genre
from tracks.models import PROVIDER_ID_FIELDS, Track

EXPORT_NAME = "library"
# Rows read from the database per query: enough to keep round trips few, few enough to keep memory flat.
CHUNK_SIZE = 2000
# How several names share one cell; "; " because a name may hold a comma ("Earth, Wind & Fire").
JOIN = "; "
# Fields no column shows, left unread: a track's metadata_sources and audience are JSON that can outweigh the row.
UNUSED_TRACK_FIELDS = ("metadata_sources", "audience")


def track_columns() -> list[Column]:
    """Return the columns that describe the recording, in the order a person reads them."""
    return [
        Column("artist"), Column("artists"), Column("title"), Column("version"), Column("remixers"),
        Column("label"), Column("catalog_number"), Column("isrc"), Column("genre"), Column("bpm", NUMBER),
        Column("key"), Column("duration"), Column("release_date", DATE),
        *(Column(field) for field in PROVIDER_ID_FIELDS),
    ]


def columns() -> list[Column]:
    """Return the library export's columns."""
    return [
        *track_columns(),
        Column("discovery_count", NUMBER), Column("first_discovered", DATE), Column("last_seen", DATE),
        Column("provisional", BOOL), Column("library_track_id"), Column("track_id"),
    ]


def _names(values) -> str:
    return JOIN.join(str(value) for value in values or () if value)


def track_row(track: Track) -> dict:
    """Return what a track contributes to a row: plain values, dates to the precision they are known."""
    return {
        "artist": track.credit_name,
        "artists": _names(track.artists),
        "title": track.title,
        "version": track.version,
        "remixers": _names(track.remixers),
        "label": track.label,
        "catalog_number": track.catalog_number,
        "isrc": track.isrc,
        "genre": track.genre,
        "bpm": track.bpm,
        "key": track.key,
        "duration": length_text(track.duration),
        # ISO 8601 to the precision the source gave: "2000" for a year is not "2000-01-01".
        "release_date": dates.date_input(track.release_date, track.release_date_precision) or None,
        **{field: getattr(track, field) for field in PROVIDER_ID_FIELDS},
        "track_id": track.pk,
    }


def library_row(entry: LibraryTrack) -> dict:
    """Return one library track as an export row."""
    return {
        **track_row(entry.track),
        "discovery_count": entry.discovery_count,
        "first_discovered": entry.first_discovered,
        "last_seen": entry.last_seen,
        "provisional": entry.is_provisional,
        "library_track_id": entry.pk,
    }


def rows(queryset: QuerySet[LibraryTrack]) -> Iterator[dict]:
    """Yield the export rows of queryset, reading the database a chunk at a time."""
    queryset = queryset.select_related("track").defer("notes", *(f"track__{name}" for name in UNUSED_TRACK_FIELDS))
    for entry in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield library_row(entry)


def library_queryset(*, genre: str | None = None, discovered_after: datetime.date | None = None) -> QuerySet:
    """Return the library tracks of genre (any spelling), first discovered on or after discovered_after."""
    queryset = LibraryTrack.objects.select_related("track")
    if genre:
        queryset = queryset.filter(track__genre=normalise_genre(genre))
    if discovered_after:
        queryset = queryset.filter(first_discovered__gte=start_of_day(discovered_after))
    return queryset

