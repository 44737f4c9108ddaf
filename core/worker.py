"""The worker hook: every worker looks for abandoned jobs when it starts and every JOB_RESUME_INTERVAL seconds.

This is what makes a job carry on within seconds of a worker being available
after a crash, without waiting for beat or for the broker's redelivery.
"""

from __future__ import annotations

import logging

from celery import bootsteps
from django.conf import settings

logger = logging.getLogger(__name__)


class ResumeAbandonedJobs(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker):
        self.tick()
        self.tref = worker.timer.call_repeatedly(settings.JOB_RESUME_INTERVAL, self.tick, priority=10)

    def stop(self, worker):
        if self.tref:
            self.tref.cancel()

    def tick(self):
        from core.tasks import resume_jobs

        try:
            resume_jobs.apply_async()
        except Exception:  # noqa: BLE001 - the broker is down; the next tick tries again
            logger.warning("Could not queue the sweep for abandoned jobs", exc_info=True)

