"""Put a running job aside: until a provider's rate limit allows it (a wait), or until its work is due (later)."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.utils import timezone

from common.text import duration_text
from core.jobs.outcomes import Later, RunOutcome, RunResult
from core.jobs.queueing import job_enqueue
from core.jobs.stopping import job_fail
from core.models import Job, JobStatus
from providers.base import RateLimited

logger = logging.getLogger(__name__)


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
        return RunResult(RunOutcome.FAILED, "waited too long")
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
    return RunResult(RunOutcome.WAITING, reason)


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
    return RunResult(RunOutcome.WAITING, reason)
