"""The jobs and downloads API: every kind of job listed and read with its progress and failures, cancel and retry;
downloads listed and read, a person's choice or new search while one waits, cancel."""

from __future__ import annotations

import pytest

from core.models import ItemStatus, JobStatus
from downloads.models import Download, DownloadState
from tests.api.conftest import error_of
from tests.factories import (
    DiscoveryJobFactory,
    DownloadFactory,
    MetadataFetchTaskFactory,
    PurchaseLinksJobFactory,
    TrackFactory,
)
from tracks.models import MetadataFetchTaskItem

pytestmark = pytest.mark.django_db


def test_jobs_of_every_kind_are_listed_newest_first_in_pages(api):
    fetch = MetadataFetchTaskFactory(status=JobStatus.RUNNING, processed=1, succeeded=1)
    discovery = DiscoveryJobFactory()
    links = PurchaseLinksJobFactory(status=JobStatus.COMPLETED, processed=1, succeeded=1)
    listed = api.get("/api/v1/jobs/").json()["results"]
    assert [job["id"] for job in listed] == [str(links.pk), str(discovery.pk), str(fetch.pk)]
    assert {job["kind"] for job in listed} == {"metadata_fetch", "discovery", "purchase_links"}
    running = next(job for job in listed if job["id"] == str(fetch.pk))
    assert running["percent"] == 50 and running["status_text"] == "Running" and running["can_cancel"] is True
    first = api.get("/api/v1/jobs/", {"page_size": 2}).json()
    second = api.get(first["next"]).json()
    assert [job["id"] for job in first["results"] + second["results"]] == [job["id"] for job in listed]
    assert second["next"] is None
    assert [job["id"] for job in api.get("/api/v1/jobs/", {"kind": "discovery"}).json()["results"]] == [
        str(discovery.pk),
    ]
    assert len(api.get("/api/v1/jobs/", {"status": "completed"}).json()["results"]) == 1
    for bad in ({"kind": "nothing"}, {"status": "sleeping"}, {"cursor": "%%%"}):
        response = api.get("/api/v1/jobs/", bad)
        assert response.status_code == 400 and set(bad) <= set(error_of(response)["fields"])


def test_a_job_shows_its_failures_and_is_retried_then_cancelled(api):
    track = TrackFactory(title="Broken")
    job = MetadataFetchTaskFactory(status=JobStatus.COMPLETED, total=1, processed=1, failed=1)
    MetadataFetchTaskItem.objects.create(job=job, track=track, status=ItemStatus.FAILED, error="musicbrainz: 500")
    body = api.get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["status_text"] == "Completed with 1 failure" and body["failures"] == [
        {"item": str(track), "error": "musicbrainz: 500"}]
    assert body["can_retry"] is True and body["created_at"]
    cancel_finished = api.post(f"/api/v1/jobs/{job.pk}/cancel/")
    assert cancel_finished.status_code == 409 and "already" in error_of(cancel_finished)["message"]
    retried = api.post(f"/api/v1/jobs/{job.pk}/retry-failed/")
    assert retried.status_code == 202 and retried.json()["retried"] == 1
    assert retried.json()["job"]["status"] == "pending"
    again = api.post(f"/api/v1/jobs/{job.pk}/retry-failed/")
    assert again.status_code == 409 and "still running" in error_of(again)["message"]
    cancelled = api.post(f"/api/v1/jobs/{job.pk}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["job"]["status"] == "cancelled"
    twice = api.post(f"/api/v1/jobs/{job.pk}/cancel/")
    assert twice.status_code == 200 and twice.json()["cancelled"] is False
    nothing_failed = MetadataFetchTaskFactory(status=JobStatus.COMPLETED, total=0)
    assert api.post(f"/api/v1/jobs/{nothing_failed.pk}/retry-failed/").status_code == 409


def test_a_job_of_a_kind_one_may_not_see_is_refused(db, viewer):
    job = MetadataFetchTaskFactory()
    from django.contrib.auth.models import Permission

    viewer.user.user_permissions.remove(Permission.objects.get(codename="view_metadatafetchtask"))
    from django.contrib.auth import get_user_model

    viewer.user = get_user_model().objects.get(pk=viewer.user.pk)
    response = viewer.get(f"/api/v1/jobs/{job.pk}/")
    assert response.status_code == 403 and "metadata fetch tasks" in error_of(response)["message"]
    assert str(job.pk) not in viewer.get("/api/v1/jobs/").content.decode()


def candidates() -> list[dict]:
    return [{"source": "slskd", "username": "peer", "filename": "@@m\\Artist\\01 Song.flac", "size": 1000,
             "format": "flac", "bitrate": None, "duration": 300, "score": 0.7, "reasons": ["length fits"],
             "meets_quality": True, "confident": False}]


def test_downloads_are_listed_and_read_with_their_candidates(api):
    waiting = DownloadFactory(state=DownloadState.AWAITING_CHOICE, candidates=candidates(), candidates_found=4)
    DownloadFactory(state=DownloadState.FAILED, error="Nothing found.")
    listed = api.get("/api/v1/downloads/", {"state": "awaiting_choice"}).json()["results"]
    assert [row["id"] for row in listed] == [str(waiting.pk)] and listed[0]["awaiting_choice"] is True
    detail = api.get(f"/api/v1/downloads/{waiting.pk}/").json()
    assert detail["candidates"][0]["filename"] == "@@m\\Artist\\01 Song.flac" and detail["candidates_found"] == 4
    assert api.get("/api/v1/downloads/", {"state": "lost"}).status_code == 400


def test_a_person_picks_a_file_while_a_download_waits(api):
    download = DownloadFactory(state=DownloadState.AWAITING_CHOICE, candidates=candidates())
    wrong = api.post(f"/api/v1/downloads/{download.pk}/input/", {"choice": {"username": "peer", "filename": "x"}},
                     format="json")
    assert wrong.status_code == 409 and "no longer on the list" in error_of(wrong)["message"]
    both = api.post(f"/api/v1/downloads/{download.pk}/input/",
                    {"query": "x", "choice": {"username": "p", "filename": "f"}}, format="json")
    assert both.status_code == 400
    response = api.post(f"/api/v1/downloads/{download.pk}/input/",
                        {"choice": {"username": "peer", "filename": "@@m\\Artist\\01 Song.flac"}}, format="json")
    assert response.status_code == 202, response.content
    assert response.json()["download"]["state"] == "queued" and response.json()["job"]["kind"] == "download"
    late = api.post(f"/api/v1/downloads/{download.pk}/input/", {"query": "Artist Song"}, format="json")
    assert late.status_code == 409 and "nothing was changed" in error_of(late)["message"]


def test_a_person_searches_again_while_a_download_waits(api):
    download = DownloadFactory(state=DownloadState.AWAITING_CHOICE, candidates=candidates())
    response = api.post(f"/api/v1/downloads/{download.pk}/input/", {"query": "Artist Song (Extended)"}, format="json")
    assert response.status_code == 202 and response.json()["download"]["state"] == "searching"
    assert response.json()["download"]["query"] == "Artist Song (Extended)"


def test_a_download_is_cancelled_once_and_a_finished_one_is_a_conflict(api):
    download = DownloadFactory(state=DownloadState.AWAITING_CHOICE)
    response = api.post(f"/api/v1/downloads/{download.pk}/cancel/")
    assert response.status_code == 200 and response.json()["download"]["state"] == "cancelled"
    again = api.post(f"/api/v1/downloads/{download.pk}/cancel/")
    assert again.status_code == 200 and again.json()["cancelled"] is False
    done = DownloadFactory(state=DownloadState.COMPLETED)
    late = api.post(f"/api/v1/downloads/{done.pk}/cancel/")
    assert late.status_code == 409 and "too late" in error_of(late)["message"]
    assert Download.objects.get(pk=done.pk).state == DownloadState.COMPLETED


def test_the_admins_bulk_jobs_start_by_kind(api, settings, tmp_path):
    from audio.models import ScanJob, TagWriteJob
    from tests.factories import WantListFactory
    from tracks.models import MetadataFetchTask
    from wantlist.models import PurchaseLinksJob

    tracks = [TrackFactory(), TrackFactory()]
    response = api.post("/api/v1/jobs/", {"kind": "metadata_fetch", "track_ids": [str(t.pk) for t in tracks],
                                          "provider": "musicbrainz", "force_refresh": True}, format="json")
    assert response.status_code == 202, response.content
    [job] = response.json()["jobs"]
    assert job["kind"] == "metadata_fetch" and job["total"] == 2
    assert MetadataFetchTask.objects.get().provider == "musicbrainz"
    stale = api.post("/api/v1/jobs/", {"kind": "metadata_fetch", "stale": True}, format="json")
    assert stale.status_code in (200, 202)
    no_file = api.post("/api/v1/jobs/", {"kind": "tag_write", "track_ids": [str(tracks[0].pk)]}, format="json")
    assert no_file.status_code == 409 and "no tags to write" in error_of(no_file)["message"]
    assert not TagWriteJob.objects.exists()
    want = WantListFactory()
    links = api.post("/api/v1/jobs/", {"kind": "purchase_links", "want_ids": [str(want.pk)]}, format="json")
    assert links.status_code == 202 and PurchaseLinksJob.objects.count() == 1
    settings.MUSIC_ROOT = str(tmp_path)
    scan = api.post("/api/v1/jobs/", {"kind": "scan"}, format="json")
    assert scan.status_code == 202 and scan.json()["jobs"][0]["kind"] == "scan"
    again = api.post("/api/v1/jobs/", {"kind": "scan"}, format="json")
    assert again.status_code == 200 and again.json()["created"] is False and ScanJob.objects.count() == 1
    for bad in ({"kind": "everything"}, {"kind": "tag_write"}, {"kind": "metadata_fetch", "track_ids": ["x"]},
                {"kind": "metadata_fetch", "stale": True, "provider": "napster"}):
        response = api.post("/api/v1/jobs/", bad, format="json")
        assert response.status_code == 400, bad
    unknown = api.post("/api/v1/jobs/", {"kind": "tag_write", "track_ids": ["8f7d2a1e-0000-4000-8000-000000000000"]},
                       format="json")
    assert unknown.status_code == 404 and "No track has the id" in error_of(unknown)["message"]


def test_starting_a_job_needs_the_permission_its_admin_action_does(viewer):
    response = viewer.post("/api/v1/jobs/", {"kind": "scan"}, format="json")
    assert response.status_code == 403 and "audio.add_scanjob" in error_of(response)["message"]
