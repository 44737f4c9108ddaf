"""Every write to the catalogue: metadata fetches, bulk jobs, imports.

The one path every background job takes: a service validates and writes a
PENDING MetadataFetchTask inside a transaction, queues the thin Celery task once
the transaction commits, and the task calls `metadata_fetch_task_run`, which
works one track at a time, recording progress on the row.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from rapidfuzz import fuzz

from config.queue import BrokerUnavailable, enqueue
from providers.base import Capability, ProviderError, RateLimited, TrackCandidate, TrackMetadata
from providers.registry import get_provider, providers_for
from tracks import metadata
from tracks.models import (
    FetchItemStatus,
    FetchTaskStatus,
    FetchTaskType,
    MetadataFetchTask,
    MetadataFetchTaskItem,
    Track,
)

logger = logging.getLogger(__name__)

# A search hit is taken as the track only when "artist title" matches this well
# (rapidfuzz token_set_ratio, 0-100) and, when both durations are known, they
# differ by at most DURATION_TOLERANCE seconds. 92 accepts "feat." and remaster
# suffixes but not a different remix of the same title.
SEARCH_MATCH_MIN = 92
DURATION_TOLERANCE = 5


class NothingFound(Exception):
    """No provider had anything for the track."""


@dataclass
class FetchOutcome:
    track: Track
    changed: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _metadata_providers(provider: str = "") -> list:
    if provider:
        return [get_provider(provider)]
    return providers_for(Capability.METADATA)


def _search_match(track: Track, candidate: TrackCandidate) -> bool:
    wanted = f"{track.credit_name or ' '.join(track.artists)} {track.title}"
    found = f"{candidate.artist} {candidate.title}"
    if fuzz.token_set_ratio(wanted.casefold(), found.casefold()) < SEARCH_MATCH_MIN:
        return False
    if track.duration and candidate.duration:
        return abs(track.duration - candidate.duration) <= DURATION_TOLERANCE
    return True


def _ask(client, track: Track, force_refresh: bool) -> TrackMetadata | None:
    """Ask one provider about track: by its own id, then by ISRC, then by search."""
    id_field = metadata.OWN_ID_FIELD.get(client.name)
    own_id = getattr(track, id_field) if id_field else ""
    if own_id:
        return client.get_metadata(own_id, force_refresh=force_refresh)
    if track.isrc and Capability.ISRC_LOOKUP in client.capabilities:
        found = client.lookup_isrc(track.isrc, force_refresh=force_refresh)
        if found:
            return found
    if Capability.SEARCH in client.capabilities and track.title and (track.credit_name or track.artists):
        artist = track.credit_name or ", ".join(track.artists)
        candidates = client.search_tracks(artist=artist, title=track.title, limit=5, force_refresh=force_refresh)
        for candidate in candidates:
            if _search_match(track, candidate):
                return client.get_metadata(candidate.external_id, force_refresh=force_refresh)
    return None


def track_metadata_gather(*, track: Track, provider: str = "", force_refresh: bool = False) -> tuple[list[TrackMetadata], list[str]]:
    """Return what each provider says about track, and the errors of those that failed.

    One provider failing never stops the others; RateLimited is raised so that
    the caller can wait and try again.
    """
    results, errors = [], []
    for client in _metadata_providers(provider):
        try:
            found = _ask(client, track, force_refresh)
            if found and Capability.AUDIO_FEATURES in client.capabilities:
                features = client.audio_features(found.external_id, force_refresh=force_refresh)
                if features:
                    results.append(features)
        except RateLimited:
            raise
        except ProviderError as exc:
            errors.append(str(exc))
            continue
        if found:
            results.append(found)
    return results, errors


def track_metadata_fetch(*, track: Track, provider: str = "", force_refresh: bool = False) -> FetchOutcome:
    """Fetch, merge and save track's metadata; raise NothingFound if no provider had any."""
    results, errors = track_metadata_gather(track=track, provider=provider, force_refresh=force_refresh)
    if not results:
        detail = "; ".join(errors) if errors else "no provider knows this track"
        raise NothingFound(f"No metadata for “{track}”: {detail}")
    order = [provider] if provider else settings.METADATA_PROVIDERS
    with transaction.atomic():
        locked = Track.objects.select_for_update().get(pk=track.pk)
        changed = metadata.apply(locked, metadata.merge(results, order))
        locked.metadata_fetched_at = timezone.now()
        locked.save()
    track.refresh_from_db()
    return FetchOutcome(track=track, changed=changed, sources=sorted({r.source for r in results}), errors=errors)


def track_audience_fetch(*, track: Track, platform: str = "spotify", force_refresh: bool = False) -> dict | None:
    """Store Soundcharts' audience figures for track; return them, or None if there are none."""
    if not track.soundcharts_uuid:
        return None
    figures = get_provider("soundcharts").audience(track.soundcharts_uuid, platform, force_refresh=force_refresh)
    if figures is None:
        return None
    Track.objects.filter(pk=track.pk).update(
        audience={**track.audience, platform: figures}, audience_fetched_at=timezone.now()
    )
    return figures


# --- Bulk jobs ----------------------------------------------------------------------


def metadata_fetch_task_create(
    *,
    tracks: QuerySet[Track] | list,
    task_type: str = FetchTaskType.BULK_METADATA,
    provider: str = "",
    force_refresh: bool = False,
) -> MetadataFetchTask:
    """Create a PENDING task over tracks (rows or ids) and queue it once committed.

    Raise BrokerUnavailable, leaving the task FAILED with the reason, if it cannot be queued.
    """
    if provider:
        get_provider(provider)  # raises ProviderDisabled with the reason
    track_ids = list(dict.fromkeys(getattr(track, "pk", track) for track in tracks))
    with transaction.atomic():
        task = MetadataFetchTask.objects.create(
            task_type=task_type, total=len(track_ids), provider=provider, force_refresh=force_refresh
        )
        MetadataFetchTaskItem.objects.bulk_create(
            [MetadataFetchTaskItem(task=task, track_id=pk, position=index) for index, pk in enumerate(track_ids)],
            batch_size=1000,
        )
        transaction.on_commit(lambda: _queue(task))
    task.refresh_from_db()
    if task.status == FetchTaskStatus.FAILED:
        raise BrokerUnavailable(task.last_error)
    return task


def _queue(task: MetadataFetchTask) -> None:
    from tracks.tasks import fetch_bulk_track_metadata

    try:
        celery_id = enqueue(fetch_bulk_track_metadata, str(task.pk))
    except BrokerUnavailable as exc:
        # Nothing was queued: say so on the row rather than leave it "pending" forever.
        MetadataFetchTask.objects.filter(pk=task.pk).update(
            status=FetchTaskStatus.FAILED, last_error=exc.reason, finished_at=timezone.now()
        )
        return
    MetadataFetchTask.objects.filter(pk=task.pk).update(celery_task_id=celery_id)


def metadata_fetch_task_claim(*, task_id) -> bool:
    """Mark the task RUNNING if it is pending, or running with a dead worker; False if someone else has it."""
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.FETCH_TASK_LEASE_SECONDS)
    claimable = Q(status=FetchTaskStatus.PENDING) | Q(status=FetchTaskStatus.RUNNING, heartbeat_at__lt=stale)
    return bool(
        MetadataFetchTask.objects.filter(claimable, pk=task_id).update(
            status=FetchTaskStatus.RUNNING, heartbeat_at=now, started_at=Coalesce(F("started_at"), Value(now))
        )
    )


def metadata_fetch_task_run(*, task_id) -> MetadataFetchTask:
    """Fetch every pending track of the task, one at a time; RateLimited escapes for a retry.

    Each track's result, its item row and the task's counters are written in
    one transaction, so a worker killed at any moment leaves counts that match
    the items, and a restart fetches only the tracks still pending.
    """
    task = MetadataFetchTask.objects.get(pk=task_id)
    audience = task.task_type in (FetchTaskType.AUDIENCE, FetchTaskType.BULK_AUDIENCE)
    while True:
        status = MetadataFetchTask.objects.filter(pk=task_id).values_list("status", flat=True).first()
        if status != FetchTaskStatus.RUNNING:
            break  # cancelled, or taken over
        item = (
            MetadataFetchTaskItem.objects.filter(task_id=task_id, status=FetchItemStatus.PENDING)
            .select_related("track")
            .order_by("position")
            .first()
        )
        if item is None:
            break
        error, changed = "", []
        try:
            if audience:
                if track_audience_fetch(track=item.track, force_refresh=task.force_refresh) is None:
                    error = f"No audience figures for “{item.track}” (it needs a Soundcharts UUID)."
            else:
                changed = track_metadata_fetch(
                    track=item.track, provider=task.provider, force_refresh=task.force_refresh
                ).changed
        except RateLimited:
            raise
        except (NothingFound, ProviderError) as exc:
            error = str(exc)
        except Exception as exc:  # noqa: BLE001 - one bad track never stops the others
            logger.exception("Fetching metadata for track %s failed", item.track_id)
            error = f"Unexpected error for “{item.track}”: {exc.__class__.__name__}: {exc}"
        _record(task_id, item, error, changed)

    MetadataFetchTask.objects.filter(pk=task_id, status=FetchTaskStatus.RUNNING).update(
        status=FetchTaskStatus.COMPLETED, finished_at=timezone.now()
    )
    return MetadataFetchTask.objects.get(pk=task_id)


def _record(task_id, item: MetadataFetchTaskItem, error: str, changed: list[str]) -> None:
    now = timezone.now()
    with transaction.atomic():
        # Only the worker that moves the item out of PENDING counts it.
        if not MetadataFetchTaskItem.objects.filter(pk=item.pk, status=FetchItemStatus.PENDING).update(
            status=FetchItemStatus.FAILED if error else FetchItemStatus.SUCCEEDED,
            error=error,
            changed_fields=changed,
            processed_at=now,
        ):
            return
        counters = {"processed": F("processed") + 1, "heartbeat_at": now}
        if error:
            counters["failed"] = F("failed") + 1
            counters["last_error"] = error
        else:
            counters["successful"] = F("successful") + 1
        MetadataFetchTask.objects.filter(pk=task_id).update(**counters)


def metadata_fetch_task_cancel(*, task: MetadataFetchTask) -> bool:
    """Cancel a pending or running task; its worker stops before the next track."""
    return bool(
        MetadataFetchTask.objects.filter(
            pk=task.pk, status__in=[FetchTaskStatus.PENDING, FetchTaskStatus.RUNNING]
        ).update(status=FetchTaskStatus.CANCELLED, finished_at=timezone.now())
    )


def metadata_fetch_task_retry_failed(*, task: MetadataFetchTask) -> MetadataFetchTask | None:
    """Create a new task over the tracks that failed in task; None if none failed."""
    failed = Track.objects.filter(fetch_items__task=task, fetch_items__status=FetchItemStatus.FAILED)
    if not failed.exists():
        return None
    return metadata_fetch_task_create(
        tracks=failed, task_type=task.task_type, provider=task.provider, force_refresh=task.force_refresh
    )


def error_messages(task: MetadataFetchTask) -> list[dict[str, str]]:
    """Return {track, error} for every failed track of task, in order."""
    return [
        {"track": str(item.track), "track_id": str(item.track_id), "error": item.error}
        for item in task.items.filter(status=FetchItemStatus.FAILED).select_related("track").order_by("position")
    ]


def stale_tracks_select(*, now: datetime.datetime | None = None) -> QuerySet[Track]:
    """Return tracks with no metadata or metadata older than METADATA_STALE_DAYS."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.METADATA_STALE_DAYS)
    return Track.objects.filter(Q(metadata_fetched_at__isnull=True) | Q(metadata_fetched_at__lt=cutoff))


def stale_tracks_fetch(*, provider: str = "", force_refresh: bool = False) -> list[MetadataFetchTask]:
    """Create bulk tasks of at most BULK_CHUNK stale tracks each, skipping tracks already queued."""
    busy = MetadataFetchTaskItem.objects.filter(
        status=FetchItemStatus.PENDING, task__status__in=[FetchTaskStatus.PENDING, FetchTaskStatus.RUNNING]
    ).values("track_id")
    ids = list(stale_tracks_select().exclude(pk__in=busy).order_by("metadata_fetched_at", "pk").values_list("pk", flat=True))
    chunk = settings.BULK_CHUNK
    tasks = []
    for start in range(0, len(ids), chunk):
        tasks.append(metadata_fetch_task_create(
            tracks=ids[start : start + chunk], provider=provider, force_refresh=force_refresh
        ))
    return tasks


def abandoned_fetch_tasks_resume() -> list[MetadataFetchTask]:
    """Queue again the running tasks whose worker has shown no sign of life for the lease time.

    A worker killed mid-task leaves its task RUNNING. The broker may redeliver
    the job too; whichever run claims the task first carries on, and the other
    finds it taken.
    """
    stale = timezone.now() - datetime.timedelta(seconds=settings.FETCH_TASK_LEASE_SECONDS)
    abandoned = list(MetadataFetchTask.objects.filter(status=FetchTaskStatus.RUNNING, heartbeat_at__lt=stale))
    for task in abandoned:
        logger.warning("Fetch task %s lost its worker; queueing it again", task.pk)
        _queue(task)
    return abandoned


def metadata_fetch_task_release(*, task_id) -> None:
    """Hand a running task back to the queue (it waits for a rate limit); its retry claims it again."""
    MetadataFetchTask.objects.filter(pk=task_id, status=FetchTaskStatus.RUNNING).update(status=FetchTaskStatus.PENDING)


# --- Imports ---------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: list[Track] = field(default_factory=list)
    skipped: int = 0
    task: MetadataFetchTask | None = None

    def summary(self) -> str:
        text = f"Imported {len(self.created)} new track(s); skipped {self.skipped} already in the catalogue."
        if self.task:
            text += f" Their metadata is being fetched (task {self.task.pk})."
        return text


def soundcharts_artist_import(*, artist_uuid, limit: int = 100, offset: int = 0) -> ImportResult:
    """Import an artist's songs from Soundcharts, skip known ones, and queue the new ones' metadata."""
    client = get_provider("soundcharts")
    songs: list[TrackCandidate] = []
    next_offset: int | None = offset
    while next_offset is not None and len(songs) < limit:
        page = client.artist_songs(str(artist_uuid), offset=next_offset, limit=min(100, limit - len(songs)))
        if page is None:
            raise ProviderError("soundcharts", "GET /api/v2.21/artist/{uuid}/songs", f"no artist with UUID {artist_uuid}")
        songs.extend(page.items)
        next_offset = page.next_offset if page.items else None
    return _import_candidates(songs[:limit], "soundcharts_uuid")


def spotify_search(*, query: str, limit: int = 20) -> list[TrackCandidate]:
    """Search Spotify by track name, "artist - title" or ISRC."""
    client = get_provider("spotify")
    text = query.strip()
    if len(text) == 12 and text[:2].isalpha() and text[2:].isalnum() and any(c.isdigit() for c in text):
        return client.search_tracks(f"isrc:{text.upper()}", limit=limit)
    if " - " in text:
        artist, title = (part.strip() for part in text.split(" - ", 1))
        return client.search_tracks(artist=artist, title=title, limit=limit)
    return client.search_tracks(text, limit=limit)


def spotify_tracks_import(*, spotify_ids: list[str]) -> ImportResult:
    """Import the chosen Spotify tracks, skip known ones, and queue the new ones' metadata."""
    client = get_provider("spotify")
    candidates = []
    for spotify_id in dict.fromkeys(spotify_ids):
        found = client.get_metadata(spotify_id)
        if found:
            candidates.append(TrackCandidate(
                source="spotify", external_id=found.external_id, title=found.title, artists=found.artists,
                album=found.album, duration=found.duration, isrc=found.isrc, release_date=found.release_date,
            ))
    return _import_candidates(candidates, "spotify_id")


def _import_candidates(candidates: list[TrackCandidate], id_field: str) -> ImportResult:
    result = ImportResult()
    with transaction.atomic():
        known = set(
            Track.objects.filter(**{f"{id_field}__in": [c.external_id for c in candidates]}).values_list(id_field, flat=True)
        )
        for candidate in candidates:
            if candidate.external_id in known:
                result.skipped += 1
                continue
            known.add(candidate.external_id)
            result.created.append(Track.objects.create(
                title=candidate.title[:500] or "(untitled)",
                artists=list(candidate.artists),
                credit_name=candidate.artist[:500],
                album=candidate.album[:500],
                duration=candidate.duration,
                isrc=candidate.isrc[:12],
                release_date=candidate.release_date,
                metadata_sources={id_field: candidate.source},
                **{id_field: candidate.external_id},
            ))
    if result.created:
        result.task = metadata_fetch_task_create(tracks=result.created)
    return result
