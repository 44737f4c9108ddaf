"""Thin Celery tasks of the want list (the jobs themselves run on core.tasks.run_job)."""

from __future__ import annotations

from celery import shared_task

from wantlist import services


@shared_task(verbose_name="Refresh stale purchase links")
def refresh_stale_purchase_links() -> dict:
    """Start a job over the wanted tracks whose purchase links are missing or stale."""
    job = services.stale_purchase_links_refresh(started_by="schedule")
    return {"job": str(job.pk) if job else None, "wanted": job.total if job else 0}
