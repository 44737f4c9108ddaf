"""Thin Celery tasks: take ids, load rows, call one service."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready

from providers.base import RateLimited
from tracks import services
from tracks.models import Track

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=20)
def fetch_track_metadata(self, track_id: str, provider: str = "", force_refresh: bool = False) -> dict:
    """Fetch one track's metadata from the configured providers."""
    track = Track.objects.filter(pk=track_id).first()
    if track is None:
        return {"track": track_id, "result": "deleted"}
    try:
        outcome = services.track_metadata_fetch(track=track, provider=provider, force_refresh=force_refresh)
    except RateLimited as exc:
        raise self.retry(exc=exc, countdown=exc.retry_after) from None
    except services.NothingFound as exc:
        return {"track": track_id, "result": "nothing found", "error": str(exc)}
    return {"track": track_id, "changed": outcome.changed, "sources": outcome.sources}


@shared_task(bind=True, max_retries=50)
def fetch_bulk_track_metadata(self, task_id: str) -> dict:
    """Run one MetadataFetchTask; a redelivered or retried run carries on where it stopped."""
    if not services.metadata_fetch_task_claim(task_id=task_id):
        logger.info("Fetch task %s is finished or running elsewhere; nothing to do", task_id)
        return {"task": task_id, "result": "not claimed"}
    try:
        task = services.metadata_fetch_task_run(task_id=task_id)
    except RateLimited as exc:
        services.metadata_fetch_task_release(task_id=task_id)
        raise self.retry(exc=exc, countdown=exc.retry_after) from None
    return {"task": task_id, "status": task.status, "processed": task.processed, "failed": task.failed}


@shared_task
def fetch_all_tracks_metadata() -> dict:
    """Queue bulk fetch tasks for every track whose metadata is missing or stale."""
    tasks = services.stale_tracks_fetch()
    return {"tasks": [str(task.pk) for task in tasks], "tracks": sum(task.total for task in tasks)}


@shared_task
def resume_abandoned_fetch_tasks() -> list[str]:
    """Queue again the fetch tasks whose worker died."""
    return [str(task.pk) for task in services.abandoned_fetch_tasks_resume()]


@worker_ready.connect
def _resume_on_worker_start(sender=None, **kwargs) -> None:
    # A restarted worker picks up what a killed one left, without waiting for beat.
    resume_abandoned_fetch_tasks.delay()
