"""Thin Celery tasks of the job engine, and the test job of the status page."""

from __future__ import annotations

import socket

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from core import jobs


@shared_task(name="cratedigger.ping", soft_time_limit=10, time_limit=20, verbose_name="Test job")
def ping() -> dict:
    """Answer with the worker's host name and time, to show that workers run jobs."""
    return {"host": socket.gethostname(), "at": timezone.now().isoformat()}


@shared_task(bind=True, name="core.run_job", max_retries=None, verbose_name="Run a job")
def run_job(self, label: str, job_id: str) -> dict:
    """Run one job of any kind; a redelivered, retried or stale message does no harm."""
    model = jobs.model_for(label)
    try:
        result = jobs.job_run(model=model, job_id=job_id, celery_id=self.request.id)
    except Exception as exc:
        # The engine itself failed (the database went away, a bug): try again with
        # backoff, and after JOB_ERROR_RETRIES say so on the row rather than leave it running.
        if self.request.retries >= settings.JOB_ERROR_RETRIES:
            jobs.job_fail(
                model=model, job_id=job_id,
                reason=f"Gave up after {self.request.retries + 1} attempts: {exc.__class__.__name__}: {exc}",
            )
            raise
        try:
            jobs.job_release(model=model, job_id=job_id)
        except Exception:  # noqa: BLE001 - the retry can claim it anyway: it runs in the same message
            pass
        raise self.retry(exc=exc, countdown=min(60, 2 ** self.request.retries)) from None
    return {"job": f"{label}:{job_id}", "outcome": result.outcome, "detail": result.detail}


@shared_task(name="core.resume_jobs", ignore_result=True, verbose_name="Resume abandoned jobs")
def resume_jobs() -> list[str]:
    """Queue again the jobs whose worker died, whose wait ended unnoticed, or that were never queued."""
    return jobs.jobs_resume_abandoned()
