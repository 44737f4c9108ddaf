"""The Celery application: settings come from Django's, prefixed CELERY_."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("cratedigger")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Every worker sweeps for abandoned jobs when it starts and every JOB_RESUME_INTERVAL seconds.
app.steps["worker"].add("core.worker:ResumeAbandonedJobs")
