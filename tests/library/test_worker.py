"""A discovery job on a real worker: killed half-way, a new worker carries on, and no sighting is counted twice."""

import json
import time

import pytest
from werkzeug import Response

from library.discovery_jobs import discovery_jobs_create
from library.models import DiscoveryJob, DiscoveryStatus, LibraryTrack
from library.tracklists import tracklist_create
from tests.replay import FIXTURES
from tests.services import WorkerProcess, clear_test_cache, wait_for
from tracks.models import Track

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

SPOTIFY_UPTOWN = "spotify/zmb3-search-tracks-uptown.json"


@pytest.fixture
def spotify_stand_in(httpserver):
    body = (FIXTURES / SPOTIFY_UPTOWN).read_bytes()

    def slow_search(request):
        time.sleep(0.4)  # slow enough to kill the worker half-way
        return Response(body, content_type="application/json")

    token = json.dumps({"access_token": "token-1", "token_type": "Bearer", "expires_in": 3600})
    httpserver.expect_request("/api/token", method="POST").respond_with_data(token, content_type="application/json")
    httpserver.expect_request("/v1/search").respond_with_handler(slow_search)
    root = httpserver.url_for("").rstrip("/")
    clear_test_cache()
    return {
        "SPOTIFY_ACCOUNTS_URL": root, "SPOTIFY_API_URL": f"{root}/v1", "SPOTIFY_CLIENT_ID": "test-id",
        "SPOTIFY_CLIENT_SECRET": "test-secret", "METADATA_PROVIDERS": "spotify", "SPOTIFY_RATE_LIMIT": "100/s",
    }


def test_a_killed_worker_resumes_the_discovery_without_counting_a_sighting_twice(spotify_stand_in, tmp_path, redis_url):
    spellings = ["Mark Ronson feat. Bruno Mars", "Mark Ronson ft. Bruno Mars", "MARK RONSON FEAT. BRUNO MARS",
                 "Mark Ronson & Bruno Mars"]
    text = "\n".join(f"{spellings[n % 4]} - Uptown Funk" for n in range(12))
    tracklist = tracklist_create(name="Twelve times", raw_text=text)
    first = WorkerProcess(tmp_path / "first.log", extra_env=spotify_stand_in).start()
    try:
        # Bypassing the cache and the library: every line asks Spotify, slowly.
        [started] = discovery_jobs_create(tracklists=[tracklist], started_by="test", force_refresh=True)
        job = started.job
        wait_for(lambda: DiscoveryJob.objects.get(pk=job.pk).processed >= 3, timeout=60,
                 message=f"three lines; log:\n{first.log_text()[-2000:]}")
    finally:
        first.kill()
    assert DiscoveryJob.objects.get(pk=job.pk).processed < 12
    second = WorkerProcess(tmp_path / "second.log", extra_env=spotify_stand_in).start()
    try:
        wait_for(lambda: DiscoveryJob.objects.get(pk=job.pk).is_finished, timeout=90,
                 message=f"the job to finish; log:\n{second.log_text()[-2000:]}")
    finally:
        second.stop()
    job.refresh_from_db()
    assert (job.status, job.processed, job.succeeded) == ("completed", 12, 12), job.last_error
    assert set(tracklist.discoveries.values_list("status", flat=True)) == {DiscoveryStatus.IDENTIFIED}
    # One recording, one library track, one mix: however many lines and runs.
    assert Track.objects.filter(title="Uptown Funk").count() == 1
    [entry] = LibraryTrack.objects.all()
    assert entry.discovery_count == 1 and list(entry.discovered_from.all()) == [tracklist]
