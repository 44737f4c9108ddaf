"""Reads of the catalogue that are more than one filter."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
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
