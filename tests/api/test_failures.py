"""When something is down or breaks: a 503 in words with nothing left half-made, a 500 as JSON with no traceback,
a 413 for a body the API does not take."""

from __future__ import annotations

import logging

import pytest

from api.models import IdempotencyKey
from downloads.models import Download, DownloadState
from library import services
from library.models import DiscoveryJob, Tracklist
from tests.api.conftest import error_of
from tests.factories import TrackFactory
from tests.slskd_standin import standin_for


@pytest.mark.django_db(transaction=True)
def test_the_broker_down_is_a_503_and_leaves_no_job_queued(api, broker_down):
    tracklist = services.tracklist_create(name="Mix", raw_text="A - B")
    response = api.post(f"/api/v1/tracklists/{tracklist.pk}/discover-tracks/", {}, format="json")
    assert response.status_code == 503 and "is unreachable" in error_of(response)["message"]
    assert not DiscoveryJob.objects.exclude(status="failed").exists()
    sent = api.post("/api/v1/tracklists/", {"name": "New", "text": "C - D", "discover": True}, format="json")
    assert sent.status_code == 503 and "not saved" in error_of(sent)["message"]
    assert list(Tracklist.objects.values_list("name", flat=True)) == ["Mix"]


@pytest.mark.django_db(transaction=True)
def test_the_broker_down_on_a_download_fails_it_with_the_reason(api, broker_down, settings, tmp_path):
    track = TrackFactory()
    slskd = standin_for(settings, tmp_path)
    try:
        response = api.post(f"/api/v1/tracks/{track.pk}/download/?quality=any", HTTP_IDEMPOTENCY_KEY="try-1")
    finally:
        slskd.close()
    assert response.status_code == 503 and "is unreachable" in error_of(response)["message"]
    assert not Download.objects.exclude(state=DownloadState.FAILED).exists()
    # The key is forgotten: the same request, sent again when the broker is back, does the work.
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db
def test_an_unexpected_error_is_a_json_500_without_a_traceback(api, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("boom in the service")

    monkeypatch.setattr(services, "tracklist_create", broken)
    with caplog.at_level(logging.ERROR):
        response = api.post("/api/v1/tracklists/", {"name": "Mix", "text": "A - B"}, format="json")
    error = error_of(response)
    assert response.status_code == 500 and "boom" not in error["message"] and "logged" in error["message"]
    assert "boom in the service" in caplog.text


@pytest.mark.django_db
def test_a_body_larger_than_the_api_takes_is_a_413(api):
    response = api.post("/api/v1/want-list/", data=b"{" + b" " * (7 * 1024 * 1024) + b"}",
                        content_type="application/json")
    assert response.status_code == 413 and "MB" in error_of(response)["message"]


@pytest.mark.django_db
def test_a_body_that_is_not_json_is_a_400_in_words(api):
    response = api.post("/api/v1/want-list/", data=b"{not json", content_type="application/json")
    assert response.status_code == 400 and error_of(response)["message"]
    response = api.post("/api/v1/want-list/", data=b"x", content_type="text/csv")
    assert response.status_code == 415 and error_of(response)["message"]
