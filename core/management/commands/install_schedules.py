"""Install the app's default periodic tasks for Celery beat."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django_celery_beat.models import CrontabSchedule, PeriodicTask


class Command(BaseCommand):
    help = (
        "Create the default periodic tasks (CRATEDIGGER_DEFAULT_SCHEDULES) that do not exist yet. "
        "Existing ones, and any edits made to them in the admin, are left alone; retired ones are removed."
    )

    def handle(self, *args, **options):
        for name in settings.CRATEDIGGER_RETIRED_SCHEDULES:
            if PeriodicTask.objects.filter(name=name).delete()[0]:
                self.stdout.write(f"removed retired: {name}")
        for name, spec in settings.CRATEDIGGER_DEFAULT_SCHEDULES.items():
            if PeriodicTask.objects.filter(name=name).exists():
                self.stdout.write(f"kept: {name}")
                continue
            crontab, _ = CrontabSchedule.objects.get_or_create(
                timezone=settings.CELERY_TIMEZONE,
                **{"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*",
                   "month_of_year": "*", **spec["crontab"]},
            )
            PeriodicTask.objects.create(
                name=name,
                task=spec["task"],
                crontab=crontab,
                kwargs=json.dumps(spec.get("kwargs", {})),
                description=spec.get("description", ""),
                enabled=spec.get("enabled", True),
            )
            self.stdout.write(self.style.SUCCESS(f"installed: {name}"))
