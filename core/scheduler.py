"""Celery beat's scheduler: django-celery-beat's, keeping the schedules to the ones install_schedules made."""

from __future__ import annotations

from django_celery_beat.schedulers import DatabaseScheduler


class Scheduler(DatabaseScheduler):
    """The database scheduler without its built-in "celery.backend_cleanup" entry.

    install_schedules already installs "Delete expired task results" (the same task,
    with a name and a description a person can read); the built-in one would run it
    a second time every night.
    """

    def install_default_entries(self, data):
        return None
