"""Reads of the catalogue that are more than one filter."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core.models import ACTIVE_STATUSES, ItemStatus
from tracks.models import MetadataFetchTaskItem, Track


def stale_tracks_select(*, now: datetime.datetime | None = None) -> QuerySet[Track]:
    """Return tracks with no metadata or metadata older than METADATA_STALE_DAYS."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.METADATA_STALE_DAYS)
    return Track.objects.filter(Q(metadata_fetched_at__isnull=True) | Q(metadata_fetched_at__lt=cutoff))


def busy_track_ids() -> QuerySet:
    """Return the ids of tracks that an unfinished fetch job has still to fetch."""
    return MetadataFetchTaskItem.objects.filter(
        status=ItemStatus.PENDING, job__status__in=ACTIVE_STATUSES
    ).values("track_id")


def known_spotify_ids(spotify_ids: list[str]) -> set[str]:
    """Return which of the Spotify ids are in the catalogue already."""
    return set(Track.objects.filter(spotify_id__in=spotify_ids).values_list("spotify_id", flat=True))


# What a text search of tracks looks in, in the admin's search box and the API's ?search=: each has a
# trigram index on PostgreSQL.
TRACK_SEARCH_FIELDS = ("title", "credit_name", "album", "label", "isrc")


def tracks_search(queryset: QuerySet[Track], term: str) -> QuerySet[Track]:
    """Return the tracks a search names: one exactly by a prefixed id or a bare ISRC, else those holding every word
    of it in one of TRACK_SEARCH_FIELDS, as the admin's search box finds them."""
    exact = track_id_lookup(term)
    if exact is not None:
        return queryset.filter(**exact)
    for word in term.split():
        condition = Q()
        for field in TRACK_SEARCH_FIELDS:
            condition |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


# "prefix:value" in the track list's search box names one provider id exactly.
ID_PREFIXES = {
    "isrc": "isrc", "mbid": "musicbrainz_recording_id", "musicbrainz": "musicbrainz_recording_id",
    "spotify": "spotify_id", "discogs": "discogs_id", "beatport": "beatport_id", "deezer": "deezer_id",
    "itunes": "itunes_id", "soundcharts": "soundcharts_uuid",
}
_ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$")


def track_id_lookup(search_term: str) -> dict[str, str] | None:
    """Return the exact lookup a search names ("spotify:4uLU6…", or a bare ISRC), or None for a text search."""
    term = search_term.strip()
    prefix, colon, value = term.partition(":")
    field = ID_PREFIXES.get(prefix.strip().lower()) if colon else None
    if field:
        value = value.strip()
        if field == "isrc":
            value = value.replace("-", "").replace(" ", "").upper()
        return {field: value}
    if _ISRC.match(term.replace("-", "").upper()):
        return {"isrc": term.replace("-", "").upper()}
    return None


def track_values_cached(field: str, seconds: int = 300) -> list:
    """Return the distinct values a Track column holds (none empty), sorted, cached for a few minutes."""
    key = f"tracks:values:{field}"
    values = cache.get(key)
    if values is None:
        found = Track.objects.exclude(**{f"{field}__isnull": True}).values_list(field, flat=True).distinct().order_by()
        values = sorted(value for value in found if value != "")
        cache.set(key, values, seconds)
    return values


def tracks_by_genre(limit: int = 10) -> list[tuple[str, int]]:
    """Return the genres with the most tracks, most first, with their counts."""
    rows = Track.objects.exclude(genre="").values("genre").annotate(tracks=Count("id")).order_by("-tracks")[:limit]
    return [(row["genre"], row["tracks"]) for row in rows]
