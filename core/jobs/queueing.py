"""Create a job over its items and queue it once committed; queue a run again; retry a finished job's failed items."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import F

from core.jobs.handlers import item_model_for, label_of
from core.jobs.stopping import job_fail
from core.models import FINISHED_STATUSES, ItemStatus, Job, JobStatus
from core.queue import QUEUE_FAILED, BrokerUnavailable, enqueue

logger = logging.getLogger(__name__)


def job_create(
    *, model: type[Job], items: Sequence[dict[str, Any]], started_by: str = "", enqueue_now: bool = True, **fields: Any
) -> Job:
    """Create a queued job over items (each a dict of the item's fields) and queue it once committed.

    Raise BrokerUnavailable, leaving the job FAILED with the reason, if it cannot be queued.
    With enqueue_now=False nothing is queued: the caller runs it here with `job_run`.
    """
    item_model = item_model_for(model)
    with transaction.atomic():
        job = model.objects.create(total=len(items), started_by=started_by[:150], **fields)
        item_model.objects.bulk_create(
            [item_model(job=job, position=index, **values) for index, values in enumerate(items)], batch_size=1000
        )
        if enqueue_now:
            transaction.on_commit(lambda: job_enqueue(model=model, job_id=job.pk))
    if enqueue_now and not transaction.get_connection().in_atomic_block:
        job.refresh_from_db()
        if job.status == JobStatus.FAILED:
            raise BrokerUnavailable.of_job(job.last_error)
    return job


def job_enqueue(*, model: type[Job], job_id, countdown: float | None = None, started: bool = False) -> bool:
    """Queue a run of the job; return False if the broker could not be reached.

    The message id is written first, so the run it starts (and no other) may claim
    the job. A new job that cannot be queued is marked FAILED with the reason, for
    the person starting it to see; a job already under way (started=True) stays
    queued with no message, and the sweep of abandoned jobs sends one once the
    broker is back.
    """
    from core.tasks import run_job

    message_id = str(uuid.uuid4())
    model.objects.filter(pk=job_id).update(celery_task_id=message_id)
    try:
        enqueue(run_job, label_of(model), str(job_id), task_id=message_id, countdown=countdown)
    except BrokerUnavailable as exc:
        if started:
            logger.warning("Job %s: the broker is unreachable (%s); the sweep will queue it again", job_id, exc.reason)
            model.objects.filter(pk=job_id, celery_task_id=message_id).update(celery_task_id="")
        else:
            job_fail(model=model, job_id=job_id, reason=f"{QUEUE_FAILED}{exc.reason}")
        return False
    return True


def job_retry_failed(*, job: Job, started_by: str = "") -> int:
    """Queue the finished job again over its failed items; return how many there were.

    Items left pending when it was cancelled or failed run too: retry finishes the job.
    """
    model = type(job)
    item_model = item_model_for(model)
    with transaction.atomic():
        locked = model.objects.select_for_update().filter(pk=job.pk, status__in=FINISHED_STATUSES).first()
        if locked is None:
            return 0
        failed = item_model.objects.filter(job_id=job.pk, status=ItemStatus.FAILED).update(
            status=ItemStatus.PENDING, error="", processed_at=None
        )
        pending = item_model.objects.filter(job_id=job.pk, status=ItemStatus.PENDING).count()
        if not pending:
            return 0
        model.objects.filter(pk=job.pk).update(
            status=JobStatus.PENDING, processed=F("processed") - failed, failed=F("failed") - failed,
            last_error="", finished_at=None, waiting_since=None, started_by=started_by[:150] or F("started_by"),
        )
        transaction.on_commit(lambda: job_enqueue(model=model, job_id=job.pk))
    return pending
