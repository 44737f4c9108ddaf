"""Stop a job: fail it for good, hand a failed run's job back to the queue, or cancel it."""

from __future__ import annotations

import logging

from django.utils import timezone

from core.jobs.handlers import handler_for
from core.models import ACTIVE_STATUSES, Job, JobStatus

logger = logging.getLogger(__name__)


def job_fail(*, model: type[Job], job_id, reason: str) -> bool:
    """Mark an unfinished job FAILED for good with the reason."""
    return bool(
        model.objects.filter(pk=job_id, status__in=ACTIVE_STATUSES).update(
            status=JobStatus.FAILED, last_error=reason, finished_at=timezone.now(), run_token="", worker="",
            waiting_until=None, waiting_reason="",
        )
    )


def job_release(*, model: type[Job], job_id) -> None:
    """Put a running job back in the queue's hands (its run failed); a retry of the same message claims it."""
    model.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(status=JobStatus.PENDING, run_token="", worker="")


def job_cancel(*, job: Job) -> bool:
    """Cancel an unfinished job: its run stops before its next item, and a running item is asked to stop.

    The kind's handler then lets go of what the unfinished items hold (`JobHandler.on_cancel`).
    """
    cancelled = bool(
        type(job).objects.filter(pk=job.pk, status__in=ACTIVE_STATUSES).update(
            status=JobStatus.CANCELLED, finished_at=timezone.now(), waiting_until=None, waiting_reason="",
        )
    )
    if cancelled:
        try:
            handler_for(type(job)).on_cancel(job)
        except Exception:  # noqa: BLE001 - the job is cancelled either way; its items' runs see it too
            logger.exception("Job %s: letting go of what its items hold failed", job.pk)
    return cancelled
