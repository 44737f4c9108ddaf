"""Thin Celery tasks of the catalogue (the jobs themselves run on core.tasks.run_job)."""

from __future__ import annotations

from celery import shared_task

from tracks import services


@shared_task(verbose_name="Refresh stale track metadata")
def fetch_all_tracks_metadata() -> dict:
    """Queue fetch jobs for every track whose metadata is missing or stale."""
    created = services.stale_tracks_fetch(started_by="schedule")
    return {"jobs": [str(job.pk) for job in created], "tracks": sum(job.total for job in created)}
