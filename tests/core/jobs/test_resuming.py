"""What the sweep queues again: jobs whose run is gone, whose wait ended unnoticed, or that were never queued."""

import datetime

import pytest
from django.utils import timezone

from core import jobs
from tests.core.jobs.conftest import queued_job
from tracks.models import MetadataFetchTask

pytestmark = pytest.mark.django_db


def test_the_sweep_queues_again_abandoned_forgotten_and_never_queued_jobs(settings, django_capture_on_commit_callbacks):
    settings.JOB_LEASE_SECONDS = 60
    long_ago = timezone.now() - datetime.timedelta(minutes=10)
    abandoned, waiting, never_sent, healthy = (queued_job() for _ in range(4))
    MetadataFetchTask.objects.filter(pk=abandoned.pk).update(status="running", heartbeat_at=long_ago, run_token="x")
    MetadataFetchTask.objects.filter(pk=waiting.pk).update(status="waiting", waiting_until=long_ago)
    MetadataFetchTask.objects.filter(pk=never_sent.pk).update(celery_task_id="", created_at=long_ago)
    MetadataFetchTask.objects.filter(pk=healthy.pk).update(status="running", heartbeat_at=timezone.now(), run_token="y")

    resumed = jobs.jobs_resume_abandoned()

    assert sorted(resumed) == sorted(f"tracks.metadatafetchtask:{job.pk}" for job in (abandoned, waiting, never_sent))
    for job in (abandoned, waiting, never_sent):
        job.refresh_from_db()
        assert job.celery_task_id not in ("", "message-1")  # a new message, which alone may claim it
    abandoned.refresh_from_db()
    assert (abandoned.status, abandoned.run_token, abandoned.status_text) == (
        "pending", "", "Queued (its worker stopped; resuming)",
    )
    healthy.refresh_from_db()
    assert (healthy.status, healthy.celery_task_id) == ("running", "message-1")
