"""The job engine's rules, in this process: who may claim a job, what the sweep resumes, how a batch is written."""

import datetime
import socket
import subprocess
import time

import pytest
from django.db import OperationalError
from django.utils import timezone

from core import jobs
from core.jobs import ItemOutcome
from tests.factories import TrackFactory
from tracks import services
from tracks.models import MetadataFetchTask

pytestmark = pytest.mark.django_db


def queued_job(count: int = 2) -> MetadataFetchTask:
    [job] = services.metadata_fetch_jobs_create(tracks=TrackFactory.create_batch(count), enqueue_now=False)
    MetadataFetchTask.objects.filter(pk=job.pk).update(celery_task_id="message-1")
    job.refresh_from_db()
    return job


def identity_of(process: subprocess.Popen) -> str:
    stat = open(f"/proc/{process.pid}/stat").read()
    started = stat[stat.rfind(")") + 2 :].split()[19]
    return f"{socket.gethostname()}|{jobs._pid_namespace()}|{process.pid}|{started}|1"


def test_only_the_message_the_job_expects_may_claim_it():
    job = queued_job()
    assert jobs.job_claim(model=MetadataFetchTask, job_id=job.pk, celery_id="a-stale-duplicate") is None
    result = jobs.job_run(model=MetadataFetchTask, job_id=job.pk, celery_id="a-stale-duplicate")
    assert (result.outcome, result.detail) == ("not claimed", "a stale message: the job is queued under another")
    token = jobs.job_claim(model=MetadataFetchTask, job_id=job.pk, celery_id="message-1")
    job.refresh_from_db()
    assert token and (job.status, job.run_token, job.runs) == ("running", token, 1)
    assert job.worker == jobs.worker_identity()


def test_a_live_run_keeps_its_job_and_a_dead_one_on_this_machine_loses_it_at_once():
    assert jobs._pid_namespace(), "without /proc only the lease can tell a dead run"
    job = queued_job()
    holder = subprocess.Popen(["sleep", "30"])
    try:
        identity = identity_of(holder)
        MetadataFetchTask.objects.filter(pk=job.pk).update(
            status="running", worker=identity, run_token="theirs", heartbeat_at=timezone.now()
        )
        assert not jobs.holder_is_dead(identity)
        assert jobs.job_claim(model=MetadataFetchTask, job_id=job.pk, celery_id="message-1") is None
    finally:
        holder.kill()
        holder.wait()
    assert jobs.holder_is_dead(identity)
    # The redelivered message takes over without waiting for the lease.
    assert jobs.job_claim(model=MetadataFetchTask, job_id=job.pk, celery_id="message-1")


def test_another_machines_run_is_trusted_until_its_lease_lapses(settings):
    settings.JOB_LEASE_SECONDS = 60
    job = queued_job()
    elsewhere = "another-host|pid:[1]|123|456|1"
    MetadataFetchTask.objects.filter(pk=job.pk).update(
        status="running", worker=elsewhere, run_token="theirs", heartbeat_at=timezone.now()
    )
    assert not jobs.holder_is_dead(elsewhere)
    assert jobs.job_claim(model=MetadataFetchTask, job_id=job.pk, celery_id="message-1") is None
    MetadataFetchTask.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(seconds=61))
    assert jobs.job_claim(model=MetadataFetchTask, job_id=job.pk, celery_id="message-1")


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


def test_one_items_failing_write_fails_that_item_alone_and_keeps_the_batch():
    job = queued_job(3)
    items = list(job.items.select_related("track").order_by("position"))

    def rename(track, title):
        def write():
            type(track).objects.filter(pk=track.pk).update(title=title)
            return {"changed": ["title"]}
        return write

    def broken():
        raise OperationalError("disk I/O error")

    outcomes = {
        items[0].pk: ItemOutcome(write=rename(items[0].track, "First")),
        items[1].pk: ItemOutcome(write=broken),
        items[2].pk: ItemOutcome(write=rename(items[2].track, "Third")),
    }
    jobs.job_record(model=MetadataFetchTask, job_id=job.pk, items=items, outcomes=outcomes)
    job.refresh_from_db()
    assert (job.processed, job.successful, job.failed) == (3, 2, 1)
    assert [item.status for item in job.items.order_by("position")] == ["succeeded", "failed", "succeeded"]
    assert "OperationalError: disk I/O error" in job.items.get(pk=items[1].pk).error
    assert [item.track.title for item in job.items.select_related("track").order_by("position")][::2] == ["First", "Third"]
    # Recording the same outcomes again (a duplicate run) counts nothing twice.
    jobs.job_record(model=MetadataFetchTask, job_id=job.pk, items=items, outcomes=outcomes)
    job.refresh_from_db()
    assert (job.processed, job.successful, job.failed) == (3, 2, 1)


def test_when_the_engine_itself_keeps_failing_the_job_fails_with_the_reason(settings, monkeypatch):
    from core.tasks import run_job

    settings.JOB_ERROR_RETRIES = 2
    settings.METADATA_PROVIDERS = []
    job = queued_job()

    def database_gone(**kwargs):
        raise OperationalError("the database went away")

    monkeypatch.setattr(jobs, "job_record", database_gone)
    run_job.apply(args=["tracks.metadatafetchtask", str(job.pk)], task_id="message-1")
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.last_error == "Gave up after 3 attempts: OperationalError: the database went away"
    assert job.runs == 3


def test_duration_text_reads_as_a_person_says_it():
    assert [jobs.duration_text(s) for s in (21600, 3600, 5400, 90, 4)] == ["6 h", "1 h", "90 min", "2 min", "4 s"]


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_mid_job_leaves_it_queued_for_the_sweep_not_failed(broker_down):
    from providers.base import RateLimited

    job = queued_job()
    token = jobs.job_claim(model=MetadataFetchTask, job_id=job.pk, celery_id="message-1")
    result = jobs.job_wait(model=MetadataFetchTask, job_id=job.pk, token=token,
                           wait=RateLimited("soundcharts", "GET /song", 30))
    job.refresh_from_db()
    assert result.outcome == "waiting"
    assert (job.status, job.celery_task_id, job.last_error) == ("waiting", "", "")
    MetadataFetchTask.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    jobs.jobs_resume_abandoned()  # the broker is still down: it stays as it is, to be sent later
    job.refresh_from_db()
    assert (job.status, job.celery_task_id) == ("waiting", "")


def test_a_handler_that_must_come_back_later_hands_its_worker_back_without_a_rate_limit_wait(settings, monkeypatch):
    settings.JOB_MAX_WAIT = 1  # a rate-limit wait of a second would fail the job; coming back later never does
    job = queued_job(2)
    handler = jobs.handler_for(MetadataFetchTask)
    batches = []

    def process_batch(job, items, ctx):
        batches.append([item.pk for item in items])
        if len(batches) == 1:
            # The first item is done; the other needs something that takes a while (a peer, a search).
            return jobs.BatchOutcome(done={items[0].pk: ItemOutcome()}, later=jobs.Later(0.5, "waiting for the moon"))
        return jobs.BatchOutcome(done={item.pk: ItemOutcome() for item in items})

    monkeypatch.setattr(handler, "process_batch", process_batch)
    result = jobs.job_run(model=MetadataFetchTask, job_id=job.pk, celery_id="message-1")

    job.refresh_from_db()
    assert result.outcome == "waiting" and len(batches) == 1
    assert (job.status, job.processed, job.run_token, job.worker) == ("waiting", 1, "", "")
    assert job.waiting_reason == f"waiting for the moon; looking again at {timezone.localtime(job.waiting_until):%H:%M:%S}"
    assert job.status_text == job.waiting_reason[:1].upper() + job.waiting_reason[1:]
    assert 0 < (job.waiting_until - timezone.now()).total_seconds() <= 0.5
    # Queued again for then, under a new message; not a rate-limit wait, so JOB_MAX_WAIT has nothing to count.
    assert job.celery_task_id not in ("", "message-1") and job.waiting_since is None

    time.sleep(1.1)
    job = jobs.job_run_here(model=MetadataFetchTask, job_id=job.pk)
    assert (job.status, job.processed, job.successful, job.last_error) == ("completed", 2, 2, "")
    assert batches[1] == batches[0][1:]  # only what was left


def test_items_not_due_yet_bring_the_job_back_when_the_handler_says_and_a_cancel_lets_go_of_them(monkeypatch):
    job = queued_job(2)
    handler = jobs.handler_for(MetadataFetchTask)
    let_go = []
    monkeypatch.setattr(handler, "select_items", lambda queryset: queryset.none())  # nothing is due yet
    monkeypatch.setattr(handler, "later", lambda job: jobs.Later(30, "waiting for two peers"))
    monkeypatch.setattr(handler, "on_cancel", lambda job: let_go.append(job.pk))

    result = jobs.job_run(model=MetadataFetchTask, job_id=job.pk, celery_id="message-1")

    job.refresh_from_db()
    assert result.outcome == "waiting" and job.status == "waiting" and job.processed == 0
    assert job.waiting_reason.startswith("waiting for two peers; looking again at ")
    assert jobs.job_cancel(job=job) and let_go == [job.pk]
    assert not jobs.job_cancel(job=job) and let_go == [job.pk]  # cancelled once
