"""Resume the jobs whose run is gone, whose wait ended unnoticed, or that were never queued."""

from __future__ import annotations

import datetime
import logging

from django.db.models import Q
from django.utils import timezone

from common.processes import holder_is_dead
from core.jobs.claiming import lease_seconds
from core.jobs.handlers import job_models, label_of
from core.jobs.queueing import job_enqueue
from core.models import JobStatus

logger = logging.getLogger(__name__)


def jobs_resume_abandoned() -> list[str]:
    """Queue again every job whose run is gone, whose wait ended unnoticed, or that was never queued.

    A run is gone when its process is dead on this machine, or its lease lapsed.
    Returns "label:pk" of each job queued again.
    """
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=lease_seconds())
    grace = now - datetime.timedelta(seconds=max(60.0, lease_seconds()))
    resumed = []
    for model in job_models():
        running = model.objects.filter(status=JobStatus.RUNNING).values_list("pk", "worker",
                                                                             "heartbeat_at", "run_token")
        for pk, worker, heartbeat, token in running:
            if not (heartbeat is None or heartbeat < stale or holder_is_dead(worker)):
                continue
            if model.objects.filter(pk=pk, status=JobStatus.RUNNING, run_token=token).update(
                status=JobStatus.PENDING, run_token="", worker="", waiting_reason="its worker stopped; resuming"
            ):
                logger.warning("Job %s lost its worker; queueing it again", pk)
                job_enqueue(model=model, job_id=pk, started=True)
                resumed.append(f"{label_of(model)}:{pk}")
        # A wait whose queued message was lost with its worker, a job whose message
        # could not be sent (the broker was down), or one never sent at all (the
        # process died between commit and send).
        forgotten = model.objects.filter(
            # A job that waits between runs (a download's peer, a search) is mostly WAITING: a worker killed holding
            # its countdown message loses it, so it is sent again once its time is a lease past. A message that was
            # only late finds itself stale, and does nothing.
            Q(status=JobStatus.WAITING, waiting_until__lt=stale)
            | Q(status__in=[JobStatus.PENDING, JobStatus.WAITING], celery_task_id="", created_at__lt=grace)
        ).values_list("pk", flat=True)
        for pk in forgotten:
            # Its wait counts from now: sent again once, not at every sweep while the workers are busy.
            model.objects.filter(pk=pk, status=JobStatus.WAITING, waiting_until__lt=stale).update(waiting_until=now)
            job_enqueue(model=model, job_id=pk, started=True)
            resumed.append(f"{label_of(model)}:{pk}")
    return resumed
