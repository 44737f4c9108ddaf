"""Project-wide Celery tasks."""

import socket

from celery import shared_task
from django.utils import timezone


@shared_task(name="cratedigger.ping", soft_time_limit=10, time_limit=20)
def ping() -> dict:
    """Answer with the worker's host name and time, to show that workers run jobs."""
    return {"host": socket.gethostname(), "at": timezone.now().isoformat()}
