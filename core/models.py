"""The job engine's abstract models: every background job is a Job with JobItems.

A feature's job (a metadata fetch, an identification, a download, a scan) is a
concrete model on `Job`, with its items on `JobItem`; it names the handler that
processes one batch of items (`handler`). Claiming, leases and heartbeats,
counters, cancel, retry, rate-limit waits, resume after a crash and terminal
failure live in `core.jobs`, once for every kind.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import F, Q

from common.text import count_text


class JobStatus(models.TextChoices):
    PENDING = "pending", "Queued"
    RUNNING = "running", "Running"
    WAITING = "waiting", "Waiting"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_STATUSES = (JobStatus.PENDING, JobStatus.RUNNING, JobStatus.WAITING)
FINISHED_STATUSES = (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)


class ItemStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Job(models.Model):
    """One background job over a list of items, with its progress and what became of it."""

    Status = JobStatus

    # "module.Class" of the core.jobs.JobHandler subclass that processes this kind's items.
    handler: ClassVar[str]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=30, blank=True)
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.PENDING, db_index=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    succeeded = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    started_by = models.CharField(
        max_length=150, blank=True, help_text='Who or what started it: a user name, "command", "schedule", "import".'
    )
    celery_task_id = models.CharField(
        "Celery task id", max_length=255, blank=True,
        help_text="The queued message that may run it; any other is stale."
    )
    run_token = models.CharField(max_length=32, blank=True, help_text="The claim of the run in progress.")
    worker = models.CharField(max_length=300, blank=True, help_text="The process running it: host, pid namespace, pid.")
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Last sign of life from the run in progress.")
    runs = models.PositiveIntegerField(default=0, help_text="How many times a worker has taken it up.")
    last_error = models.TextField(blank=True)
    waiting_until = models.DateTimeField(null=True, blank=True)
    waiting_reason = models.CharField(max_length=300, blank=True)
    waiting_since = models.DateTimeField(
        null=True, blank=True, help_text="Start of the current wait for a rate limit, with no item done since."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(processed=F("succeeded") + F("failed")), name="%(app_label)s_%(class)s_processed_is_sum"
            ),
            models.CheckConstraint(condition=Q(processed__lte=F("total")),
                                   name="%(app_label)s_%(class)s_processed_lte_total"),
            models.CheckConstraint(condition=Q(status__in=JobStatus.values),
                                   name="%(app_label)s_%(class)s_status_valid"),
        ]

    @property
    def progress_percent(self) -> int:
        return round(100 * self.processed / self.total) if self.total else (100 if self.is_finished else 0)

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def status_text(self) -> str:
        """Return the status as a person should read it, e.g. "Completed with 3 failures"."""
        if self.status == JobStatus.COMPLETED and self.failed:
            return f"Completed with {count_text(self.failed, 'failure')}"
        if self.status == JobStatus.WAITING and self.waiting_reason:
            return self.waiting_reason[:1].upper() + self.waiting_reason[1:]
        if self.status == JobStatus.PENDING and self.waiting_reason:
            return f"Queued ({self.waiting_reason})"
        return self.get_status_display()


class JobItem(models.Model):
    """One unit of a job: done or not, so a run that resumes skips what is done."""

    Status = ItemStatus

    position = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    error = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True, help_text="What processing the item found or changed.")
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["job", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ItemStatus.values),
                                   name="%(app_label)s_%(class)s_status_valid"),
        ]
