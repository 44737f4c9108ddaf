"""Run a claimed job: hand batches of its pending items to the kind's handler and record each batch's outcomes,
until no item is left, the job is cancelled, or it is set aside (handed back, waiting, later)."""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.jobs.claiming import Heartbeat, job_claim, lease_seconds
from core.jobs.handlers import RunContext, handler_for, item_model_for, label_of, unexpected_error
from core.jobs.outcomes import ItemOutcome, RunOutcome, RunResult
from core.jobs.queueing import job_enqueue
from core.jobs.waiting import job_later, job_wait
from core.models import FINISHED_STATUSES, ItemStatus, Job, JobStatus
from core.queue import BrokerUnavailable, enqueue

logger = logging.getLogger(__name__)


def run_budget_seconds() -> float:
    # A run hands itself back well before the soft time limit, so the limit is a last resort.
    return max(10.0, settings.CELERY_TASK_SOFT_TIME_LIMIT * 0.8)


def job_run(*, model: type[Job], job_id, celery_id: str | None = None) -> RunResult:
    """Claim the job and process its pending items until none is left, it is cancelled, or it must wait."""
    token = job_claim(model=model, job_id=job_id, celery_id=celery_id)
    if token is None:
        return _not_claimed(model, job_id, celery_id)
    handler = handler_for(model)
    item_model = item_model_for(model)
    job = model.objects.get(pk=job_id)
    ctx = RunContext(job)
    heartbeat = Heartbeat(model, job_id, token, ctx.stop)
    heartbeat.start()
    deadline = time.monotonic() + run_budget_seconds()
    try:
        while True:
            if ctx.should_stop() or not model.objects.filter(pk=job_id, run_token=token,
                                                             status=JobStatus.RUNNING).exists():
                return RunResult(RunOutcome.STOPPED, "cancelled or taken over")
            if time.monotonic() > deadline:
                return _hand_back(model, job_id, token, "the run used its time; a new run carries on")
            pending = item_model.objects.filter(job_id=job_id, status=ItemStatus.PENDING).order_by("position")
            items = list(handler.select_items(pending)[: handler.batch_size])
            if not items:
                # Pending items that are not due yet (the handler left them out): come back when one is.
                later = handler.later(job) if pending.exists() else None
                if later is not None:
                    return job_later(model=model, job_id=job_id, token=token, later=later)
                break
            batch = handler.process_batch(job, items, ctx)
            job_record(model=model, job_id=job_id, items=items, outcomes=batch.done)
            if batch.interrupted:
                return _hand_back(model, job_id, token, "the run reached its time limit; a new run carries on")
            if batch.wait is not None:
                return job_wait(model=model, job_id=job_id, token=token, wait=batch.wait)
            if batch.later is not None:
                return job_later(model=model, job_id=job_id, token=token, later=batch.later)
        finished = model.objects.filter(pk=job_id, run_token=token, status=JobStatus.RUNNING).update(
            status=JobStatus.COMPLETED, finished_at=timezone.now(), run_token="", worker="", waiting_since=None
        )
        return RunResult(RunOutcome.COMPLETED if finished else RunOutcome.STOPPED)
    except SoftTimeLimitExceeded:
        # Never an item's error: the item in flight stays pending and a new run takes it.
        return _hand_back(model, job_id, token, "the run reached its time limit; a new run carries on")
    finally:
        heartbeat.end()


def _hand_back(model: type[Job], job_id, token: str, why: str) -> RunResult:
    released = model.objects.filter(pk=job_id, run_token=token, status=JobStatus.RUNNING).update(
        status=JobStatus.PENDING, run_token="", worker=""
    )
    if released:
        logger.info("Job %s: %s", job_id, why)
        job_enqueue(model=model, job_id=job_id, started=True)
    return RunResult(RunOutcome.HANDED_BACK, why)


def _not_claimed(model: type[Job], job_id, celery_id: str | None) -> RunResult:
    row = model.objects.filter(pk=job_id).values("status", "celery_task_id", "heartbeat_at").first()
    if row is None:
        return RunResult(RunOutcome.NOT_CLAIMED, "the job was deleted")
    if row["status"] in FINISHED_STATUSES:
        return RunResult(RunOutcome.NOT_CLAIMED, f"the job is {row['status']}")
    if celery_id is not None and row["celery_task_id"] != celery_id:
        return RunResult(RunOutcome.NOT_CLAIMED, "a stale message: the job is queued under another")
    # This message's job runs elsewhere under a live lease (a redelivery while the
    # first run is still working): look again when the lease would lapse.
    heartbeat = row["heartbeat_at"] or timezone.now()
    lapse = (heartbeat + datetime.timedelta(seconds=lease_seconds()) - timezone.now()).total_seconds()
    from core.tasks import run_job

    try:
        enqueue(run_job, label_of(model), str(job_id), task_id=celery_id, countdown=max(1.0, lapse + 1))
    except BrokerUnavailable:
        pass  # the sweep of abandoned jobs finds it when the lease lapses
    return RunResult(RunOutcome.NOT_CLAIMED, f"running elsewhere; looking again in {max(1, round(lapse + 1))} s")


class _WriteFailed(Exception):
    """A write of the batch failed: redo the batch with each item's writes apart."""


def job_record(*, model: type[Job], job_id, items: Sequence, outcomes: dict[Any, ItemOutcome]) -> None:
    """Write the finished items' results, the items and the job's counters in one transaction.

    Only the run that moves an item out of PENDING counts it, so a duplicate run
    never counts twice. The batch is first written as a whole; if one item's
    write fails, the batch is written again with each item in a savepoint, so
    that item fails alone and the others are kept.
    """
    if not outcomes:
        return
    try:
        _record(model, job_id, items, outcomes, isolate=False)
    except _WriteFailed:
        _record(model, job_id, items, outcomes, isolate=True)


def _record(model: type[Job], job_id, items: Sequence, outcomes: dict[Any, ItemOutcome], *, isolate: bool) -> None:
    item_model = item_model_for(model)
    now = timezone.now()
    succeeded = failed = 0
    last_error = ""
    with transaction.atomic():
        # Lock the batch's still-pending items: a second run of the job waits here, then skips them.
        pending = set(
            item_model.objects.select_for_update()
            .filter(pk__in=list(outcomes), status=ItemStatus.PENDING)
            .values_list("pk", flat=True)
        )
        for item in items:
            outcome = outcomes.get(item.pk)
            if outcome is None or item.pk not in pending:
                continue
            error, result = outcome.error, dict(outcome.result)
            if outcome.write is not None and not error:
                try:
                    if isolate:
                        with transaction.atomic():
                            result.update(outcome.write() or {})
                    else:
                        result.update(outcome.write() or {})
                except SoftTimeLimitExceeded:
                    raise
                except Exception as exc:  # noqa: BLE001 - this item fails; the batch's others are kept
                    if not isolate:
                        raise _WriteFailed from exc
                    error = unexpected_error(item, exc)
            item_model.objects.filter(pk=item.pk).update(
                status=ItemStatus.FAILED if error else ItemStatus.SUCCEEDED, error=error,
                result=result, processed_at=now
            )
            if error:
                failed += 1
                last_error = error
            else:
                succeeded += 1
        if succeeded or failed:
            changes = {
                "processed": F("processed") + succeeded + failed, "succeeded": F("succeeded") + succeeded,
                "failed": F("failed") + failed, "heartbeat_at": now, "waiting_since": None,
            }
            if last_error:
                changes["last_error"] = last_error
            model.objects.filter(pk=job_id).update(**changes)


def job_run_here(*, model: type[Job], job_id, on_progress: Callable[[Job], None] | None = None) -> Job:
    """Run a job in this process until it finishes (a command's --sync): a rate-limit wait is slept here,
    as the broker's countdown would; on_progress(job) is called after each run with the row as it stands."""
    while True:
        result = job_run(model=model, job_id=job_id)
        job = model.objects.get(pk=job_id)
        if on_progress is not None:
            on_progress(job)
        if job.is_finished:
            return job
        if result.outcome == RunOutcome.WAITING and job.waiting_until is not None:
            time.sleep(max(0.0, (job.waiting_until - timezone.now()).total_seconds()))
        elif result.outcome in (RunOutcome.NOT_CLAIMED, RunOutcome.STOPPED):
            time.sleep(0.5)  # another run holds it: wait for that run to finish or hand it back
