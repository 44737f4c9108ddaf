"""The admin's front page: what each feature adds to it, and what core knows itself.

Features register their counts and charts here (from their admin modules), so the
dashboard shows them without core importing any feature.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.urls import reverse
from django.utils.text import slugify

from core.jobs import job_models
from core.models import ACTIVE_STATUSES, JobStatus
from core.selectors import job_admin_url, job_progress
from providers.registry import statuses


@dataclass(frozen=True)
class Count:
    label: str
    model: type  # whose view permission the count needs
    count: Callable[[], int]
    url_name: str


@dataclass(frozen=True)
class Chart:
    title: str
    model: type
    # Returns [(label, value)], at most a dozen bars; an empty list hides the chart.
    bars: Callable[[], list[tuple[str, int]]]


COUNTS: list[Count] = []
CHARTS: list[Chart] = []


def register_count(label: str, model: type, count: Callable[[], int], url_name: str) -> None:
    if not any(entry.label == label for entry in COUNTS):
        COUNTS.append(Count(label, model, count, url_name))


def register_chart(title: str, model: type, bars: Callable[[], list[tuple[str, int]]]) -> None:
    """Register a chart; its bars are cached for five minutes (they aggregate whole tables)."""

    def cached_bars() -> list[tuple[str, int]]:
        key = f"dashboard:chart:{slugify(title)}"
        value = cache.get(key)
        if value is None:
            value = [(str(label), int(number)) for label, number in bars()]
            cache.set(key, value, 300)
        return value

    if not any(entry.title == title for entry in CHARTS):
        CHARTS.append(Chart(title, model, cached_bars))


def _may_view(user, model: type) -> bool:
    return user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")


def provider_states() -> list[dict]:
    """Return each provider: enabled or why not, its last error, and whether it is waiting for its rate limit."""
    states = []
    for status in statuses():
        last_error = cache.get(f"providers:last_error:{status.name}")
        waiting = cache.get(f"providers:waiting:{status.name}")
        states.append({
            "name": status.name, "label": status.label, "enabled": status.enabled, "reason": status.reason,
            "last_error": last_error, "waiting": waiting,
        })
    return states


def _chart_data(title: str, bars: list[tuple[str, int]]) -> str:
    """Return the bars as the data of the theme's bar chart (Chart.js, bundled with the theme)."""
    return json.dumps({
        "labels": [label for label, _ in bars],
        "datasets": [{"label": title, "data": [value for _, value in bars],
                      "backgroundColor": "var(--color-primary-600)", "maxBarThickness": 40}],
    })


def dashboard_context(*, user) -> dict:
    """Return what the front page shows this user: only what they may view; providers for superusers."""
    models = [model for model in job_models() if _may_view(user, model)]
    running, failures = [], []
    for model in models:
        for job in model.objects.filter(status__in=ACTIVE_STATUSES).order_by("-created_at")[:10]:
            running.append({"job": job, "url": job_admin_url(job), "progress": job_progress(job, with_failures=False)})
        since = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=7)
        failed = model.objects.filter(created_at__gte=since).exclude(last_error="").order_by("-created_at")[:5]
        failures.extend({"job": job, "url": job_admin_url(job), "error": job.last_error,
                         "failed": job.status == JobStatus.FAILED} for job in failed)
    counts = [
        {"label": entry.label, "value": entry.count(), "url": reverse(entry.url_name)}
        for entry in COUNTS if _may_view(user, entry.model)
    ]
    charts = []
    for chart in CHARTS:
        bars = chart.bars() if _may_view(user, chart.model) else []
        if bars:
            charts.append({"title": chart.title, "data": _chart_data(chart.title, bars)})
    failures.sort(key=lambda row: row["job"].created_at, reverse=True)
    return {
        "counts": counts, "running": running, "failures": failures[:8], "charts": charts,
        "providers": provider_states() if user.is_superuser else [],
    }
