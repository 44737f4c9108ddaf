"""Thin Celery tasks of downloads (the downloads themselves run on core.tasks.run_job)."""

from __future__ import annotations

from celery import shared_task

from downloads.starts import wanted_downloads_request


@shared_task(verbose_name="Download wanted tracks")
def download_wanted(priority: int | None = 1, quality: str = "best", limit: int | None = None) -> dict:
    """Start downloads of wanted tracks of the priority that have no file and no download under way."""
    requested = wanted_downloads_request(
        priority=priority, limit=limit, quality=quality, started_by="schedule"
    )
    return {"job": str(requested.job.pk) if requested.job else None, "started": len(requested.created)}
