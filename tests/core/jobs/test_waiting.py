"""A job set aside: for a provider's rate limit, or until its work is due (later), and said in words a person uses."""

import datetime
import time

import pytest
from django.utils import timezone

from common.text import duration_text
from core import jobs
from core.jobs import ItemOutcome
from tests.core.jobs.conftest import queued_job
from tracks.models import MetadataFetchTask

pytestmark = pytest.mark.django_db


def test_duration_text_reads_as_a_person_says_it():
    assert [duration_text(s) for s in (21600, 3600, 5400, 90, 4)] == ["6 h", "1 h", "90 min", "2 min", "4 s"]


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
    assert job.waiting_reason == (
        f"waiting for the moon; looking again at {timezone.localtime(job.waiting_until):%H:%M:%S}"
    )
    assert job.status_text == job.waiting_reason[:1].upper() + job.waiting_reason[1:]
    assert 0 < (job.waiting_until - timezone.now()).total_seconds() <= 0.5
    # Queued again for then, under a new message; not a rate-limit wait, so JOB_MAX_WAIT has nothing to count.
    assert job.celery_task_id not in ("", "message-1") and job.waiting_since is None

    time.sleep(1.1)
    job = jobs.job_run_here(model=MetadataFetchTask, job_id=job.pk)
    assert (job.status, job.processed, job.succeeded, job.last_error) == ("completed", 2, 2, "")
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
