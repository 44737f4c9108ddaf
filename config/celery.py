"""The Celery application: settings come from Django's, prefixed CELERY_."""

import os
import signal
import sys

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def exit_on_bad_settings() -> None:
    """Load the settings now; on a bad one, print what is wrong and exit before anything starts."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reading one setting loads and checks them all
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"Configuration error: {exc}\n")
        sys.exit(2)


if "celery" in os.path.basename(sys.argv[0]) or sys.argv[0].endswith(os.path.join("celery", "__main__.py")):
    exit_on_bad_settings()  # a worker or beat: the same message as manage.py, not a traceback

app = Celery("cratedigger")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Every worker sweeps for abandoned jobs when it starts and every JOB_RESUME_INTERVAL seconds.
app.steps["worker"].add("core.worker:ResumeAbandonedJobs")


@worker_process_init.connect
def _leave_sigterm_to_the_main_process(**_kwargs) -> None:
    """A pool process ignores SIGTERM: a supervisor that signals the worker's whole process group (honcho on
    Ctrl-C, systemd's default) then stops the worker by its warm shutdown, which ends the pool processes itself,
    instead of killing them mid-task and logging each as an error. A hard time limit still ends one (SIGKILL)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
