"""Who may claim a job: only the message it expects, and only when its run is gone (dead here, or its lease lapsed)."""

import datetime
import socket
import subprocess

import pytest
from django.utils import timezone

from common.processes import holder_is_dead, pid_namespace, worker_identity
from core import jobs
from tests.core.jobs.conftest import queued_job
from tracks.models import MetadataFetchTask

pytestmark = pytest.mark.django_db


def identity_of(process: subprocess.Popen) -> str:
    stat = open(f"/proc/{process.pid}/stat").read()
    started = stat[stat.rfind(")") + 2 :].split()[19]
    return f"{socket.gethostname()}|{pid_namespace()}|{process.pid}|{started}|1"


def test_only_the_message_the_job_expects_may_claim_it():
    job = queued_job()
    assert jobs.job_claim(model=MetadataFetchTask, job_id=job.pk, celery_id="a-stale-duplicate") is None
    result = jobs.job_run(model=MetadataFetchTask, job_id=job.pk, celery_id="a-stale-duplicate")
    assert (result.outcome, result.detail) == ("not claimed", "a stale message: the job is queued under another")
    token = jobs.job_claim(model=MetadataFetchTask, job_id=job.pk, celery_id="message-1")
    job.refresh_from_db()
    assert token and (job.status, job.run_token, job.runs) == ("running", token, 1)
    assert job.worker == worker_identity()


def test_a_live_run_keeps_its_job_and_a_dead_one_on_this_machine_loses_it_at_once():
    assert pid_namespace(), "without /proc only the lease can tell a dead run"
    job = queued_job()
    holder = subprocess.Popen(["sleep", "30"])
    try:
        identity = identity_of(holder)
        MetadataFetchTask.objects.filter(pk=job.pk).update(
            status="running", worker=identity, run_token="theirs", heartbeat_at=timezone.now()
        )
        assert not holder_is_dead(identity)
        assert jobs.job_claim(model=MetadataFetchTask, job_id=job.pk, celery_id="message-1") is None
    finally:
        holder.kill()
        holder.wait()
    assert holder_is_dead(identity)
    # The redelivered message takes over without waiting for the lease.
    assert jobs.job_claim(model=MetadataFetchTask, job_id=job.pk, celery_id="message-1")


def test_another_machines_run_is_trusted_until_its_lease_lapses(settings):
    settings.JOB_LEASE_SECONDS = 60
    job = queued_job()
    elsewhere = "another-host|pid:[1]|123|456|1"
    MetadataFetchTask.objects.filter(pk=job.pk).update(
        status="running", worker=elsewhere, run_token="theirs", heartbeat_at=timezone.now()
    )
    assert not holder_is_dead(elsewhere)
    assert jobs.job_claim(model=MetadataFetchTask, job_id=job.pk, celery_id="message-1") is None
    MetadataFetchTask.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(seconds=61))
    assert jobs.job_claim(model=MetadataFetchTask, job_id=job.pk, celery_id="message-1")
