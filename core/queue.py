"""Queue Celery tasks so that a broker outage is a clear message, not a stuck row."""

from __future__ import annotations

import logging

from celery import Task
from django.conf import settings

from config.env import mask_url

logger = logging.getLogger(__name__)


# How a job that could not be queued says so on its row (core.jobs.job_enqueue).
QUEUE_FAILED = "Could not queue the job: "


class BrokerUnavailable(Exception):
    """The Celery broker could not be reached, so nothing was queued."""

    @classmethod
    def of_job(cls, last_error: str) -> BrokerUnavailable:
        """Return the error for a job row that could not be queued, its reason said once."""
        return cls(last_error.removeprefix(QUEUE_FAILED))

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(
            f"{QUEUE_FAILED}the task broker at {mask_url(settings.CELERY_BROKER_URL)} "
            f"is unreachable ({reason}). Start Redis (or fix CELERY_BROKER_URL / REDIS_URL) and "
            "try again; nothing was started."
        )


def enqueue(task: Task, *args, task_id: str | None = None, countdown: float | None = None, **kwargs) -> str:
    """Send task to the broker and return its Celery id, or raise BrokerUnavailable."""
    from kombu.exceptions import OperationalError

    try:
        result = task.apply_async(args=args, kwargs=kwargs, task_id=task_id, countdown=countdown)
    except (OperationalError, ConnectionError, OSError) as exc:
        reason = str(exc).split("\n", 1)[0] or exc.__class__.__name__
        # The broker URL can hold a password; the driver's message sometimes repeats it.
        reason = reason.replace(settings.CELERY_BROKER_URL, mask_url(settings.CELERY_BROKER_URL))
        logger.warning("Broker unreachable while queueing %s: %s", task.name, reason)
        raise BrokerUnavailable(reason) from None
    return result.id
