"""The job engine: create, claim, run, record, cancel, retry, wait, resume and fail jobs.

Every background job takes one path: a service calls `job_create` inside its
transaction; once it commits the job is queued as `core.tasks.run_job`; the task
calls `job_run`, which claims the row with a conditional update, hands batches
of pending items to the kind's handler, and records each batch's results, its
items and the counters in one transaction, so a worker killed at any moment
leaves counts that match the items, and the next run does only what is left.

A run is tied to the queued message that may run it (`celery_task_id`): a
stale or duplicate message finds the id changed and does nothing. While a run
works, a heartbeat thread keeps `heartbeat_at` fresh (also during one slow
item) and notices a cancel. A run whose process is gone (seen at once on the
same machine, by the lease elsewhere) is resumed by `jobs_resume_abandoned`,
which every worker calls when it starts and every JOB_RESUME_INTERVAL seconds.
"""

from __future__ import annotations

import abc
import datetime
import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.apps import apps
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string

from common.processes import holder_is_dead, worker_identity
from common.processes import pid_namespace as _pid_namespace  # noqa: F401 - tests read it here
from core.models import ACTIVE_STATUSES, FINISHED_STATUSES, ItemStatus, Job, JobStatus
from core.queue import QUEUE_FAILED, BrokerUnavailable, enqueue
from providers.base import ProviderError, RateLimited

logger = logging.getLogger(__name__)


# --- What a handler gives back --------------------------------------------------------


@dataclass
class ItemOutcome:
    """What became of one item: an error (it failed), or a result, and the writes to make."""

    error: str = ""
    result: dict[str, Any] = field(default_factory=dict)
    # Database writes for this item, run inside the batch's transaction; if one
    # fails, the batch is written again with each item apart (see job_record).
    write: Callable[[], dict[str, Any] | None] | None = None


@dataclass
class BatchOutcome:
    """Outcomes of the items that were finished (by pk); the others stay pending."""

    done: dict[Any, ItemOutcome] = field(default_factory=dict)
    # A provider asked to slow down: the job waits this out, then carries on.
    wait: RateLimited | None = None
    # The run reached its soft time limit: what is done is recorded, then a new run carries on.
    interrupted: bool = False
    # Nothing more to do before then (a peer's queue, a search collecting answers): come back later.
    later: Later | None = None


@dataclass
class Later:
    """Come back at a time: the run hands its worker back, and the job is queued again for then.

    Unlike a rate limit (`BatchOutcome.wait`), this is the work itself taking time, so it is never
    counted against JOB_MAX_WAIT. The reason is what the job's page says it waits for.
    """

    seconds: float
    reason: str  # e.g. "waiting for peers' queues (3)"


class RunContext:
    """What a handler may ask of the run in progress."""

    def __init__(self, job: Job):
        self.job = job
        self.stop = threading.Event()

    def should_stop(self) -> bool:
        """Return True once the job was cancelled or taken over: finish the current item and stop."""
        return self.stop.is_set()


class JobHandler(abc.ABC):
    """How one kind of job processes its items. Subclasses implement `process_item` (or `process_batch`)."""

    # Items handed over at once; their writes share one transaction.
    batch_size = 1

    def select_items(self, queryset):
        """Return the items queryset with whatever process_item reads joined in."""
        return queryset

    def later(self, job: Job) -> Later | None:
        """When the pending items select_items left out (none of them is due yet) are due, and what they wait for.

        Asked when select_items gives nothing while items are still pending; None finishes the job.
        """
        return None

    def on_cancel(self, job: Job) -> None:
        """Let go of what the cancelled job's unfinished items hold; a job waiting between runs has no run to do it."""
        return None

    @abc.abstractmethod
    def process_item(self, job: Job, item, ctx: RunContext) -> ItemOutcome:
        """Process one item; raise RateLimited to wait, ProviderError for a failure worth reporting."""

    def process_batch(self, job: Job, items: Sequence, ctx: RunContext) -> BatchOutcome:
        """Process items one at a time; one item's failure never stops the others."""
        outcome = BatchOutcome()
        for item in items:
            if ctx.should_stop():
                break
            try:
                outcome.done[item.pk] = self.process_item(job, item, ctx)
            except RateLimited as exc:
                outcome.wait = exc
                break
            except SoftTimeLimitExceeded:
                outcome.interrupted = True
                break
            except ProviderError as exc:
                outcome.done[item.pk] = ItemOutcome(error=str(exc))
            except Exception as exc:  # noqa: BLE001 - one bad item never stops the others
                outcome.done[item.pk] = ItemOutcome(error=unexpected_error(item, exc))
        return outcome


def unexpected_error(item, exc: BaseException) -> str:
    logger.exception("Job item %s failed unexpectedly", item.pk)
    return f"Unexpected error for “{item}”: {exc.__class__.__name__}: {exc}"


# --- Settings, identities, lookups ----------------------------------------------------


def lease_seconds() -> float:
    return float(settings.JOB_LEASE_SECONDS)


def heartbeat_seconds() -> float:
    # Often enough that a cancel is seen within seconds and the lease never lapses while alive.
    return max(0.5, min(5.0, lease_seconds() / 4))


def run_budget_seconds() -> float:
    # A run hands itself back well before the soft time limit, so the limit is a last resort.
    return max(10.0, settings.CELERY_TASK_SOFT_TIME_LIMIT * 0.8)


def job_models() -> list[type[Job]]:
    """Return every concrete job model."""
    return [model for model in apps.get_models() if issubclass(model, Job)]


def label_of(model: type[Job]) -> str:
    return model._meta.label_lower


def model_for(label: str) -> type[Job]:
    model = apps.get_model(label)
    if not issubclass(model, Job):
        raise LookupError(f"{label} is not a job model")
    return model


@cache
def handler_for(model: type[Job]) -> JobHandler:
    return import_string(model.handler)()


def item_model_for(model: type[Job]):
    return model._meta.get_field("items").related_model


def duration_text(seconds: float) -> str:
    """Return a duration as a person says it: "6 h", "90 min", "45 s"."""
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds // 3600:g} h"
    if seconds >= 60:
        return f"{round(seconds / 60):g} min"
    return f"{round(seconds):g} s"


# --- Create and queue ----------------------------------------------------------------


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


# --- Claim and run -------------------------------------------------------------------


def job_claim(*, model: type[Job], job_id, celery_id: str | None) -> str | None:
    """Take the job for this run and return the run's token, or None if it may not run here.

    A job may be taken when it is queued or waiting, or running under a run that is
    gone (its lease lapsed, its process is dead, or it was this same thread). With a
    celery_id, only the message the job expects may take it.
    """
    row = model.objects.filter(pk=job_id).values("status", "celery_task_id", "run_token", "worker", "heartbeat_at").first()
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


@dataclass
class RunResult:
    outcome: str  # "completed", "cancelled", "handed back", "waiting", "failed", "not claimed", ...
    detail: str = ""


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
            if ctx.should_stop() or not model.objects.filter(pk=job_id, run_token=token, status=JobStatus.RUNNING).exists():
                return RunResult("stopped", "cancelled or taken over")
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
        return RunResult("completed" if finished else "stopped")
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
    return RunResult("handed back", why)


def _not_claimed(model: type[Job], job_id, celery_id: str | None) -> RunResult:
    row = model.objects.filter(pk=job_id).values("status", "celery_task_id", "heartbeat_at").first()
    if row is None:
        return RunResult("not claimed", "the job was deleted")
    if row["status"] in FINISHED_STATUSES:
        return RunResult("not claimed", f"the job is {row['status']}")
    if celery_id is not None and row["celery_task_id"] != celery_id:
        return RunResult("not claimed", "a stale message: the job is queued under another")
    # This message's job runs elsewhere under a live lease (a redelivery while the
    # first run is still working): look again when the lease would lapse.
    heartbeat = row["heartbeat_at"] or timezone.now()
    lapse = (heartbeat + datetime.timedelta(seconds=lease_seconds()) - timezone.now()).total_seconds()
    from core.tasks import run_job

    try:
        enqueue(run_job, label_of(model), str(job_id), task_id=celery_id, countdown=max(1.0, lapse + 1))
    except BrokerUnavailable:
        pass  # the sweep of abandoned jobs finds it when the lease lapses
    return RunResult("not claimed", f"running elsewhere; looking again in {max(1, round(lapse + 1))} s")


# --- Record, wait, fail, cancel, retry ---------------------------------------------------


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
                status=ItemStatus.FAILED if error else ItemStatus.SUCCEEDED, error=error, result=result, processed_at=now
            )
            if error:
                failed += 1
                last_error = error
            else:
                succeeded += 1
        if succeeded or failed:
            changes = {
                "processed": F("processed") + succeeded + failed, "successful": F("successful") + succeeded,
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
        if result.outcome == "waiting" and job.waiting_until is not None:
            time.sleep(max(0.0, (job.waiting_until - timezone.now()).total_seconds()))
        elif result.outcome in ("not claimed", "stopped"):
            time.sleep(0.5)  # another run holds it: wait for that run to finish or hand it back


def job_wait(*, model: type[Job], job_id, token: str, wait: RateLimited) -> RunResult:
    """Put the job aside until the provider's rate limit allows it, then queue it again; fail after JOB_MAX_WAIT."""
    from providers.registry import provider_label

    now = timezone.now()
    row = model.objects.filter(pk=job_id).values("waiting_since").first() or {}
    since = row.get("waiting_since") or now
    who = provider_label(wait.provider)
    waited = (now - since).total_seconds()
    if waited >= settings.JOB_MAX_WAIT:
        job_fail(
            model=model, job_id=job_id,
            reason=f"Gave up after waiting {duration_text(settings.JOB_MAX_WAIT)} for {who}'s rate limit; "
            "retry the job later.",
        )
        return RunResult("failed", "waited too long")
    seconds = max(1.0, float(wait.retry_after))
    until = now + datetime.timedelta(seconds=seconds)
    reason = f"waiting for {who} until {timezone.localtime(until):%H:%M:%S} (rate limit)"
    moved = model.objects.filter(pk=job_id, run_token=token, status=JobStatus.RUNNING).update(
        status=JobStatus.WAITING, waiting_until=until, waiting_reason=reason, waiting_since=since,
        run_token="", worker="",
    )
    if moved:
        logger.info("Job %s: %s", job_id, reason)
        job_enqueue(model=model, job_id=job_id, countdown=seconds, started=True)
    return RunResult("waiting", reason)


def job_later(*, model: type[Job], job_id, token: str, later: Later) -> RunResult:
    """Put the job aside until later.seconds from now, saying what it waits for, and queue it again for then.

    The worker is handed back meanwhile. Not a rate limit: it starts no wait that JOB_MAX_WAIT counts.
    """
    seconds = max(0.0, float(later.seconds))
    until = timezone.now() + datetime.timedelta(seconds=seconds)
    reason = f"{later.reason}; looking again at {timezone.localtime(until):%H:%M:%S}"[:300]
    moved = model.objects.filter(pk=job_id, run_token=token, status=JobStatus.RUNNING).update(
        status=JobStatus.WAITING, waiting_until=until, waiting_reason=reason, run_token="", worker="",
    )
    if moved:
        logger.info("Job %s: %s", job_id, reason)
        job_enqueue(model=model, job_id=job_id, countdown=seconds or None, started=True)
    return RunResult("waiting", reason)


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


# --- Resume --------------------------------------------------------------------------


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
        running = model.objects.filter(status=JobStatus.RUNNING).values_list("pk", "worker", "heartbeat_at", "run_token")
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
