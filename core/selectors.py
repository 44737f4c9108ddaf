"""Reads of jobs for the admin: a job's progress, and the running and recent jobs of every kind."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from common.text import count_text, duration_text
from core.jobs import handler_for, item_model_for, job_models, label_of
from core.models import ACTIVE_STATUSES, ItemStatus, Job

# Failed items listed on a job's page; the rest are counted.
ERRORS_SHOWN = 50

# Other rows the progress component follows (a download): label -> (model, row -> payload).
# A payload has the keys the component paints: key, status_text, finished, percent, counts_text.
PROGRESS_SOURCES: dict[str, tuple[type, Any]] = {}


def register_progress(model, payload) -> None:
    """Let the progress component follow rows of model too, painted from payload(row)."""
    PROGRESS_SOURCES[model._meta.label_lower] = (model, payload)


def job_key(job: Job) -> str:
    """Return "app_label.model:pk", the id the progress endpoint and the buttons take."""
    return f"{label_of(type(job))}:{job.pk}"


def job_admin_url(job: Job) -> str:
    opts = job._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[job.pk])


def _target_url(item) -> str:
    """Return the admin page of what the item is about (its track, say), or "" if there is none."""
    for field in item._meta.fields:
        if isinstance(field, ForeignKey) and field.name != "job" and field.related_model in admin.site._registry:
            opts = field.related_model._meta
            try:
                return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[getattr(item, field.attname)])
            except NoReverseMatch:
                return ""
    return ""


def job_failures(job: Job, limit: int = ERRORS_SHOWN) -> list[dict[str, str]]:
    """Return {item, url, error} for the job's failed items, in order, at most limit."""
    items = item_model_for(type(job)).objects.filter(job_id=job.pk, status=ItemStatus.FAILED).order_by("position")
    items = handler_for(type(job)).select_items(items)[:limit]
    return [{"item": str(item), "url": _target_url(item), "error": item.error} for item in items]


def job_progress(job: Job, *, with_failures: bool = True) -> dict[str, Any]:
    """Return everything the progress component shows, as JSON-ready values."""

    def when(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""

    return {
        "key": job_key(job),
        "status": job.status,
        "status_text": job.status_text,
        "finished": job.is_finished,
        "total": job.total,
        "processed": job.processed,
        "succeeded": job.succeeded,
        "failed": job.failed,
        "percent": job.progress_percent,
        "waiting_reason": job.waiting_reason if job.status == job.Status.WAITING else "",
        "last_error": job.last_error,
        "started_at": when(job.started_at),
        "heartbeat_at": when(job.heartbeat_at),
        "finished_at": when(job.finished_at),
        "runs": job.runs,
        "can_cancel": job.is_active,
        "can_retry": job.is_finished and (job.failed > 0 or job.processed < job.total),
        "retry_text": retry_text(job),
        "eta_text": job_eta_text(job),
        "failures": job_failures(job) if with_failures else [],
    }


def jobs_progress(
    *, keys: Iterable[str], models: Iterable[type[Job]], sources: Iterable[str] = (), with_failures: bool = False
) -> dict[str, dict[str, Any]]:
    """Return the progress of each job named by a key ("<label>:<pk>"), by key, for the progress endpoint.

    Only jobs of the kinds in models, and rows of the PROGRESS_SOURCES labels in sources (a download), are read:
    any other key, or one whose pk is no UUID, is left out. One query a kind.
    """
    allowed = {label_of(model): model for model in models}
    others = {label: PROGRESS_SOURCES[label] for label in sources}
    wanted: dict[str, list] = {}
    for key in keys:
        label, _, pk = key.partition(":")
        if (label in allowed or label in others) and _is_uuid(pk):
            wanted.setdefault(label, []).append(pk)
    found = {}
    for label, pks in wanted.items():
        if label in others:
            model, payload = others[label]
            for row in model.objects.filter(pk__in=pks):
                found[f"{label}:{row.pk}"] = payload(row)
            continue
        for job in allowed[label].objects.filter(pk__in=pks):
            found[job_key(job)] = job_progress(job, with_failures=with_failures)
    return found


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def retry_text(job: Job) -> str:
    """Return what the retry button of a finished job does, in words: retry what failed, resume what is left."""
    left = max(0, job.total - job.processed)
    failed = f"Retry the {count_text(job.failed, 'failed item')}" if job.failed else ""
    if failed and left:
        return f"{failed} and resume the {left:,} left"
    return failed or (f"Resume ({left:,} left)" if left else "Retry failed")


# A running job's end is guessed from the pace of its latest items, not its whole life (waits and resumes).
ETA_RECENT_ITEMS = 50
ETA_MIN_ITEMS = 5


def job_eta_text(job: Job) -> str:
    """Return when a running job will likely end ("about 40 min left"), from the pace of its latest items; "" when
    it is not running or too few items are done to tell."""
    left = job.total - job.processed
    if job.status != job.Status.RUNNING or left <= 0 or job.processed < ETA_MIN_ITEMS:
        return ""
    times = list(
        item_model_for(type(job)).objects.filter(job_id=job.pk, processed_at__isnull=False)
        .order_by("-processed_at").values_list("processed_at", flat=True)[:ETA_RECENT_ITEMS]
    )
    if len(times) < ETA_MIN_ITEMS:
        return ""
    span = (times[0] - times[-1]).total_seconds()
    # Items recorded in one batch share a time: the span is at least the time since the run's oldest one.
    span = max(span, (timezone.now() - times[-1]).total_seconds())
    if span <= 0:
        return ""
    seconds = left * span / len(times)
    return f"about {duration_text(_rounded(seconds))} left"


def _rounded(seconds: float) -> float:
    """Round an estimate as a person would say it: to 10 s, a minute, 5 minutes or an hour."""
    for limit, step in ((60, 10), (600, 60), (3600, 300)):
        if seconds < limit:
            return max(step, round(seconds / step) * step)
    return max(3600, round(seconds / 3600) * 3600)


def jobs_recent(*, models: list[type[Job]] | None = None, limit: int = 50) -> list[Job]:
    """Return the unfinished jobs of every kind, then the latest finished ones, newest first."""
    found: list[Job] = []
    for model in models if models is not None else job_models():
        found.extend(model.objects.filter(status__in=ACTIVE_STATUSES).order_by("-created_at")[:limit])
        found.extend(model.objects.exclude(status__in=ACTIVE_STATUSES).order_by("-created_at")[:limit])
    active = sorted((job for job in found if job.is_active), key=lambda job: job.created_at, reverse=True)
    done = sorted((job for job in found if not job.is_active), key=lambda job: job.created_at, reverse=True)
    return (active + done)[: max(limit, len(active))]


def task_results_recent(limit: int = 10):
    """Return the latest Celery task results, newest first (the workers' audit log), each with `label`: what
    the task does in words (its `verbose_name`), not its dotted name."""
    from django_celery_results.models import TaskResult

    results = list(TaskResult.objects.order_by("-date_created")[:limit])
    for result in results:
        result.label = task_label(result.task_name)
    return results


# Celery's own tasks, which carry no verbose_name.
BUILTIN_TASK_LABELS = {"celery.backend_cleanup": "Delete expired task results"}


def task_label(name: str | None) -> str:
    """Return a Celery task's name in words: its `verbose_name`, else its dotted name."""
    from celery import current_app
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")  # a web process has not imported the tasks; later calls cost nothing
    task = current_app.tasks.get(name or "")
    return getattr(task, "verbose_name", "") or BUILTIN_TASK_LABELS.get(name or "") or name or "Unknown task"
