"""Claim a job for one run, and keep its heartbeat while the run lives (the lease other workers trust)."""

from __future__ import annotations

import datetime
import logging
import threading
import uuid

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from common.processes import holder_is_dead, worker_identity
from core.models import FINISHED_STATUSES, Job, JobStatus

logger = logging.getLogger(__name__)


def lease_seconds() -> float:
    return float(settings.JOB_LEASE_SECONDS)


def heartbeat_seconds() -> float:
    # Often enough that a cancel is seen within seconds and the lease never lapses while alive.
    return max(0.5, min(5.0, lease_seconds() / 4))


def job_claim(*, model: type[Job], job_id, celery_id: str | None) -> str | None:
    """Take the job for this run and return the run's token, or None if it may not run here.

    A job may be taken when it is queued or waiting, or running under a run that is
    gone (its lease lapsed, its process is dead, or it was this same thread). With a
    celery_id, only the message the job expects may take it.
    """
    row = model.objects.filter(pk=job_id).values("status", "celery_task_id", "run_token",
                                                 "worker", "heartbeat_at").first()
    if row is None or row["status"] in FINISHED_STATUSES:
        return None
    if celery_id is not None and row["celery_task_id"] != celery_id:
        return None
    me = worker_identity()
    if row["status"] == JobStatus.RUNNING:
        stale = row["heartbeat_at"] is None or row["heartbeat_at"] < timezone.now() - datetime.timedelta(
            seconds=lease_seconds()
        )
        if not (stale or row["worker"] == me or holder_is_dead(row["worker"])):
            return None
        if row["worker"] and row["worker"] != me:
            logger.warning("Job %s: its run on %s is gone; taking it over", job_id, row["worker"].split("|")[0])
    token = uuid.uuid4().hex
    now = timezone.now()
    claimed = model.objects.filter(
        pk=job_id, status=row["status"], run_token=row["run_token"], celery_task_id=row["celery_task_id"]
    ).update(
        status=JobStatus.RUNNING, run_token=token, worker=me, heartbeat_at=now, runs=F("runs") + 1,
        started_at=Coalesce(F("started_at"), Value(now)), waiting_until=None, waiting_reason="",
    )
    return token if claimed else None


class Heartbeat(threading.Thread):
    """Keep the job's heartbeat fresh while the run lives, and stop the run when the job is no longer its own."""

    def __init__(self, model: type[Job], job_id, token: str, stop: threading.Event):
        super().__init__(name=f"heartbeat-{job_id}", daemon=True)
        self.model, self.job_id, self.token, self.stop_run = model, job_id, token, stop
        self.finished = threading.Event()

    def run(self) -> None:
        try:
            while not self.finished.wait(heartbeat_seconds()):
                try:
                    alive = self.model.objects.filter(
                        pk=self.job_id, run_token=self.token, status=JobStatus.RUNNING
                    ).update(heartbeat_at=timezone.now())
                except Exception:  # noqa: BLE001 - a missed beat is retried; the lease allows a few
                    logger.warning("Job %s: could not write the heartbeat", self.job_id, exc_info=True)
                    close_old_connections()
                    continue
                if not alive:
                    self.stop_run.set()  # cancelled, or another run took it over
                    return
        finally:
            connection.close()

    def end(self) -> None:
        self.finished.set()
        self.join(timeout=10)
