"""The library's own rows: every LibraryTrack is written here and nowhere else, by the other library modules and
by the other apps (a scan, a crate's import, the want list).

An entry is added (one at a time, or a scan's files in bulk), made from a tracklist line's own text when no
provider's recording fits (provisional), made sure when which recording it is becomes known, doubted again with a
note, given notes, and its sightings recounted from the lines that point at it (the mixes it was heard in, when it
was first and last heard). Duplicates merge into one survivor, by the rule `library_tracks_merge_survivor` states;
their lines, crate places and want-list entry move to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from common.text import storable
from library.models import DiscoveryStatus, LibraryTrack, TrackDiscovery
from tracks import services as track_services
from tracks.models import Track


def library_track_ensure(*, track: Track, provisional: bool = False) -> tuple[LibraryTrack, bool]:
    """Return the track's library entry, adding the track to the library (provisional or not) when it is not
    there; and whether it was added."""
    return LibraryTrack.objects.get_or_create(track=track, defaults={"is_provisional": provisional})


def library_tracks_ensure(*, provisional: Mapping[Any, bool]) -> int:
    """Add to the library, in bulk, the tracks (their ids, each mapped to whether its entry is provisional) that
    are not in it yet: a scan's files, a few hundred at a time. Return how many were added."""
    ids = list(provisional)
    have = set(LibraryTrack.objects.filter(track_id__in=ids).values_list("track_id", flat=True))
    added = LibraryTrack.objects.bulk_create(
        [LibraryTrack(track_id=pk, is_provisional=provisional[pk]) for pk in ids if pk not in have], batch_size=500,
    )
    return len(added)


def library_track_provisional_create(*, discovery: TrackDiscovery) -> LibraryTrack:
    """Return a new provisional library track made from the line's own text: tied to no provider's recording."""
    track = track_services.track_provisional_create(values={
        "title": discovery.title or discovery.raw_text, "version": discovery.version,
        "remixers": list(discovery.remixers), "artists": list(discovery.artists), "credit_name": discovery.artist,
        "label": discovery.label, "catalog_number": discovery.catalog_number,
    })
    library_track, _ = library_track_ensure(track=track, provisional=True)
    return library_track


def library_track_confirm(*, track: Track) -> LibraryTrack:
    """Return the track's library entry, added if it is not there, and no longer provisional: which recording it
    is, is now known."""
    library_track, _ = library_track_ensure(track=track)
    if library_track.is_provisional:
        LibraryTrack.objects.filter(pk=library_track.pk).update(is_provisional=False)
        library_track.is_provisional = False
    return library_track


def library_track_doubt(*, track: Track, note: str) -> bool:
    """Put the track's library entry back to provisional with a note saying why (a close call, a second copy), once:
    a note it holds already changes nothing. A track not in the library is left alone. Return whether it was
    noted."""
    library_track = LibraryTrack.objects.filter(track=track).first()
    note = storable(" ".join(str(note or "").split()))
    if library_track is None or not note or note in (library_track.notes or ""):
        return False
    library_track.notes, library_track.is_provisional = f"{library_track.notes}\n{note}".strip(), True
    LibraryTrack.objects.filter(pk=library_track.pk).update(notes=library_track.notes, is_provisional=True)
    return True


def library_track_note_add(*, library_track: LibraryTrack, note: str) -> bool:
    """Add a line to the library track's notes unless they hold it already; return whether it was added."""
    note = storable(" ".join(str(note or "").split()))
    if not note or note in (library_track.notes or ""):
        return False
    library_track.notes = f"{library_track.notes}\n{note}".strip()
    LibraryTrack.objects.filter(pk=library_track.pk).update(notes=library_track.notes)
    return True


def library_track_sightings_recount(*, library_track: LibraryTrack) -> None:
    """Set discovered_from, discovery_count (distinct mixes), first_discovered and last_seen from its lines."""
    lines = TrackDiscovery.objects.filter(library_track=library_track)
    mixes = set(lines.values_list("tracklist_id", flat=True).distinct())
    library_track.discovered_from.set(mixes)
    seen = lines.aggregate(first=Min("identified_at"), last=Max("identified_at"))
    now = timezone.now()
    LibraryTrack.objects.filter(pk=library_track.pk).update(
        discovery_count=len(mixes),
        first_discovered=library_track.first_discovered or seen["first"] or (now if mixes else None),
        last_seen=seen["last"] or library_track.last_seen,
    )


# --- Merges --------------------------------------------------------------------------------


def library_tracks_merge_survivor(library_tracks: Iterable[LibraryTrack]) -> LibraryTrack:
    """Return which of duplicate library tracks the others merge into: the most discovered, then the first added."""
    return min(library_tracks, key=lambda entry: (-entry.discovery_count, entry.added_at))


@transaction.atomic
def library_tracks_merge(*, survivor: LibraryTrack, others: Iterable[LibraryTrack]) -> int:
    """Merge duplicate library tracks into survivor: their sightings and want-list entries move to it."""
    merged = 0
    for other in others:
        if other.pk == survivor.pk:
            continue
        TrackDiscovery.objects.filter(library_track=other).update(library_track=survivor)
        # Crates point at library tracks too (crates depends on library): each of other's places moves to the
        # survivor, unless the survivor is in that crate already.
        entries = getattr(other, "crate_entries", None)
        if entries is not None:
            taken = set(survivor.crate_entries.values_list("crate_id", flat=True))
            entries.exclude(crate_id__in=taken).update(library_track=survivor)
        # The want list points at library tracks (wantlist depends on library, not the other way round).
        want = getattr(other, "want", None)
        if want is not None and getattr(survivor, "want", None) is None:
            type(want).objects.filter(pk=want.pk).update(library_track=survivor)
        other_track = other.track
        other.delete()
        if not other_track.downloads.exists() and not other_track.file_path:
            other_track.delete()  # a duplicate with nothing of its own left
        merged += 1
    if merged:
        LibraryTrack.objects.filter(pk=survivor.pk, is_provisional=True).update(
            is_provisional=not TrackDiscovery.objects.filter(
                library_track=survivor, status=DiscoveryStatus.IDENTIFIED).exists(),
        )
        survivor.refresh_from_db()
        library_track_sightings_recount(library_track=survivor)
    return merged
