"""What a job's progress says: how long is left while it runs, and what its retry button does once it stopped."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core import selectors
from core.models import ItemStatus, JobStatus
from tests.factories import TrackFactory, UserFactory
from tracks import services
from tracks.models import MetadataFetchTask, MetadataFetchTaskItem

pytestmark = pytest.mark.django_db


def job_of(count: int) -> MetadataFetchTask:
    [job] = services.metadata_fetch_jobs_create(tracks=TrackFactory.create_batch(count), enqueue_now=False)
    return job


def test_a_running_job_says_about_how_long_is_left_from_the_pace_of_its_latest_items():
    job = job_of(40)
    now = timezone.now()
    # Ten items done, one every 6 s: 30 left take about 3 minutes.
    for index, item in enumerate(MetadataFetchTaskItem.objects.filter(job=job).order_by("position")[:10]):
        MetadataFetchTaskItem.objects.filter(pk=item.pk).update(
            status=ItemStatus.SUCCEEDED, processed_at=now - datetime.timedelta(seconds=6 * (9 - index)),
        )
    MetadataFetchTask.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, processed=10, succeeded=10)
    job.refresh_from_db()
    assert selectors.job_progress(job)["eta_text"] == "about 3 min left"
    MetadataFetchTask.objects.filter(pk=job.pk).update(status=JobStatus.WAITING)
    job.refresh_from_db()
    assert selectors.job_progress(job)["eta_text"] == ""


def test_a_cancelled_job_offers_to_resume_what_is_left_and_says_how_much(client):
    client.force_login(UserFactory())
    job = job_of(5)
    MetadataFetchTask.objects.filter(pk=job.pk).update(status=JobStatus.CANCELLED, processed=2, succeeded=2)
    job.refresh_from_db()
    assert selectors.job_progress(job)["retry_text"] == "Resume (3 left)"
    page = client.get(reverse("admin:tracks_metadatafetchtask_change", args=[job.pk])).content.decode()
    assert "Resume (3 left)" in page and "Retry failed" not in page
    MetadataFetchTask.objects.filter(pk=job.pk).update(processed=3, failed=1)
    job.refresh_from_db()
    assert selectors.job_progress(job)["retry_text"] == "Retry the 1 failed item and resume the 2 left"
    MetadataFetchTask.objects.filter(pk=job.pk).update(processed=5, succeeded=3, failed=2, status=JobStatus.COMPLETED)
    job.refresh_from_db()
    assert selectors.job_progress(job)["retry_text"] == "Retry the 2 failed items"


def test_the_progress_endpoints_read_takes_one_query_a_kind_and_only_the_kinds_and_keys_it_may(
    django_assert_num_queries,
):
    queued = [job_of(1) for _ in range(3)]
    keys = [selectors.job_key(job) for job in queued]
    junk = ["junk", "tracks.metadatafetchtask:not-an-id", f"auth.user:{queued[0].pk}"]
    with django_assert_num_queries(1):
        found = selectors.jobs_progress(keys=keys + junk, models=[MetadataFetchTask])
    assert sorted(found) == sorted(keys)
    assert found[keys[0]]["status_text"] == "Queued"
    assert selectors.jobs_progress(keys=keys, models=[]) == {}
