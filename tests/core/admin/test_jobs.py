"""The job pages: the progress endpoint, cancel and retry (buttons and actions), and the page of every kind's jobs."""

import pytest
from django.urls import reverse

from tests.factories import TrackFactory, UserFactory
from tests.pages import messages_of
from tracks.models import MetadataFetchTask

pytestmark = pytest.mark.django_db


def test_progress_endpoint_reports_every_field(admin_client):
    job = MetadataFetchTask.objects.create(total=4, processed=3, succeeded=2, failed=1, status="running")
    bad = TrackFactory(title="Broken")
    job.items.create(track=bad, status="failed", error="soundcharts: 404", position=0)
    key = f"tracks.metadatafetchtask:{job.pk}"
    data = admin_client.get(reverse("admin:job_progress"), {"job": [key, "junk", "auth.user:1"], "detail": "1"}).json()
    assert list(data["jobs"]) == [key]
    progress = data["jobs"][key]
    assert {k: progress[k] for k in ("status", "status_text", "finished", "total", "processed", "succeeded",
                                     "failed", "percent", "can_cancel", "can_retry")} == {
        "status": "running", "status_text": "Running", "finished": False, "total": 4, "processed": 3,
        "succeeded": 2, "failed": 1, "percent": 75, "can_cancel": True, "can_retry": False,
    }
    assert progress["failures"] == [{
        "item": str(bad), "url": reverse("admin:tracks_track_change", args=[bad.pk]), "error": "soundcharts: 404",
    }]


def test_progress_endpoint_shows_nothing_to_a_user_who_may_not_view_jobs(client):
    client.force_login(UserFactory(username="viewer", is_superuser=False))
    job = MetadataFetchTask.objects.create(total=1)
    data = client.get(reverse("admin:job_progress"), {"job": f"tracks.metadatafetchtask:{job.pk}"}).json()
    assert data == {"jobs": {}}


def test_cancel_and_retry_buttons_on_the_job_page(admin_client, django_capture_on_commit_callbacks):
    running = MetadataFetchTask.objects.create(total=2, status="running")
    cancel = reverse("admin:job_cancel", kwargs={"label": "tracks.metadatafetchtask", "pk": running.pk})
    response = admin_client.post(cancel, follow=True)
    assert messages_of(response)[0].startswith("Cancelled ")
    running.refresh_from_db()
    assert running.status == "cancelled"
    retry = reverse("admin:job_retry", kwargs={"label": "tracks.metadatafetchtask", "pk": running.pk})
    response = admin_client.post(retry, follow=True)
    assert messages_of(response) == ["Nothing failed in this job; there is nothing to retry."]

    track = TrackFactory()
    done = MetadataFetchTask.objects.create(total=1, processed=1, failed=1, status="completed")
    done.items.create(track=track, status="failed", error="boom")
    with django_capture_on_commit_callbacks(execute=False):
        response = admin_client.post(
            reverse("admin:job_retry", kwargs={"label": "tracks.metadatafetchtask", "pk": done.pk}), follow=True
        )
    assert "again over 1 item." in messages_of(response)[0]
    done.refresh_from_db()
    assert (done.status, done.processed, done.failed) == ("pending", 0, 0)


def test_cancel_and_retry_actions(admin_client):
    running = MetadataFetchTask.objects.create(total=2, status="running")
    url = reverse("admin:tracks_metadatafetchtask_changelist")
    response = admin_client.post(url, {"action": "cancel_jobs", "_selected_action": [running.pk]}, follow=True)
    assert messages_of(response) == ["Cancelled 1 job; finished ones were left alone."]
    running.refresh_from_db()
    assert running.status == "cancelled"
    response = admin_client.post(url, {"action": "retry_failed", "_selected_action": [running.pk]}, follow=True)
    assert messages_of(response) == ["No finished job among those selected had failed items."]


def test_the_jobs_page_lists_jobs_of_every_kind_with_who_started_them(admin_client):
    running = MetadataFetchTask.objects.create(total=2, status="running", started_by="alice")
    done = MetadataFetchTask.objects.create(total=1, processed=1, failed=1, status="completed", started_by="schedule")
    page = admin_client.get(reverse("admin:jobs")).content.decode()
    assert page.index(str(running.pk)) < page.index(str(done.pk))  # running first
    assert "alice" in page and "schedule" in page and "Completed with 1 failure" in page
