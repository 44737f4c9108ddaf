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

Where each step lives:

- `outcomes`: what a handler gives back for its items (`ItemOutcome`, `BatchOutcome`, `Later`) and what a run
  gives back to its task (`RunResult`);
- `handlers`: the `JobHandler` a kind writes, the `RunContext` it is given, and the lookups of the kinds of job;
- `queueing`: `job_create`, `job_enqueue`, and `job_retry_failed`, which queues a finished job again;
- `claiming`: `job_claim` and the `Heartbeat` of a run, with the lease other workers trust;
- `running`: `job_run` and `job_record` (one batch in one transaction), and `job_run_here` for a command's --sync;
- `waiting`: `job_wait` (a provider's rate limit) and `job_later` (work that is not due yet);
- `stopping`: `job_fail`, `job_release` and `job_cancel`;
- `resuming`: `jobs_resume_abandoned`, the sweep every worker runs.

Callers import from here (`from core import jobs`, `from core.jobs import JobHandler`), not from the modules.
"""

from core.jobs.claiming import Heartbeat, heartbeat_seconds, job_claim, lease_seconds
from core.jobs.handlers import (
    JobHandler,
    RunContext,
    handler_for,
    item_model_for,
    job_models,
    label_of,
    model_for,
    unexpected_error,
)
from core.jobs.outcomes import BatchOutcome, ItemOutcome, Later, RunOutcome, RunResult
from core.jobs.queueing import job_create, job_enqueue, job_retry_failed
from core.jobs.resuming import jobs_resume_abandoned
from core.jobs.running import job_record, job_run, job_run_here, run_budget_seconds
from core.jobs.stopping import job_cancel, job_fail, job_release
from core.jobs.waiting import job_later, job_wait

__all__ = [
    "BatchOutcome",
    "Heartbeat",
    "ItemOutcome",
    "JobHandler",
    "Later",
    "RunContext",
    "RunOutcome",
    "RunResult",
    "handler_for",
    "heartbeat_seconds",
    "item_model_for",
    "job_cancel",
    "job_claim",
    "job_create",
    "job_enqueue",
    "job_fail",
    "job_later",
    "job_models",
    "job_record",
    "job_release",
    "job_retry_failed",
    "job_run",
    "job_run_here",
    "job_wait",
    "jobs_resume_abandoned",
    "label_of",
    "lease_seconds",
    "model_for",
    "run_budget_seconds",
    "unexpected_error",
]
