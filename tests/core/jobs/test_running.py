"""How a run writes a batch (one item's failing write fails it alone),
and what happens when the engine keeps failing."""

import pytest
from django.db import OperationalError

from core import jobs
from core.jobs import ItemOutcome
from tests.core.jobs.conftest import queued_job
from tracks.models import MetadataFetchTask

pytestmark = pytest.mark.django_db


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
    assert (job.processed, job.succeeded, job.failed) == (3, 2, 1)
    assert [item.status for item in job.items.order_by("position")] == ["succeeded", "failed", "succeeded"]
    assert "OperationalError: disk I/O error" in job.items.get(pk=items[1].pk).error
    assert [item.track.title for item in job.items.select_related("track").order_by("position")][::2] == [
        "First", "Third",
    ]
    # Recording the same outcomes again (a duplicate run) counts nothing twice.
    jobs.job_record(model=MetadataFetchTask, job_id=job.pk, items=items, outcomes=outcomes)
    job.refresh_from_db()
    assert (job.processed, job.succeeded, job.failed) == (3, 2, 1)


def test_when_the_engine_itself_keeps_failing_the_job_fails_with_the_reason(settings, monkeypatch):
    from core.tasks import run_job

    settings.JOB_ERROR_RETRIES = 2
    settings.METADATA_PROVIDERS = []
    job = queued_job()

    def database_gone(**kwargs):
        raise OperationalError("the database went away")

    monkeypatch.setattr(jobs.running, "job_record", database_gone)  # where job_run looks it up
    run_job.apply(args=["tracks.metadatafetchtask", str(job.pk)], task_id="message-1")
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.last_error == "Gave up after 3 attempts: OperationalError: the database went away"
    assert job.runs == 3
