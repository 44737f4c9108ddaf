"""Thin Celery tasks of the library."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from library import statistics


@shared_task(name="library.tasks.store_discovery_statistics", verbose_name="Store discovery statistics")
def store_discovery_statistics() -> dict:
    """Store the discovery statistics of every period containing today, and close those that ended yesterday.

    A run just after midnight gives yesterday's day (and a week or month that ended with it) its final figures.
    """
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    stored = {}
    for period in statistics.PERIOD_NAMES:
        if period != "all-time":
            start, _ = statistics.period_days(period=period, day=yesterday)
            if start != statistics.period_days(period=period, day=today)[0]:
                row = statistics.statistics_store(period=period, day=yesterday)
                stored[f"{period} {row.period_start}"] = row
        row = statistics.statistics_store(period=period, day=today)
        stored[f"{period} {row.period_start}"] = row
    return {name: {"id": str(row.pk), "tracks_discovered": row.tracks_discovered} for name, row in stored.items()}
