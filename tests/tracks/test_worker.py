"""Bulk fetches on a real Celery worker: killed in the middle and restarted, the task finishes
without counting a track twice or fetching again the tracks already done."""

import collections
import re
import threading
import time

import pytest
from werkzeug import Response

from tests.factories import TrackFactory
from tests.replay import FIXTURES
from tests.services import WorkerProcess, wait_for
from tests.tracks.conftest import SOUNDCHARTS_SONG
from tracks import services
from tracks.models import FetchItemStatus, MetadataFetchTask

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def slow_soundcharts(httpserver):
    """A Soundcharts replay that takes 0.4 s a song and counts the requests for each."""
    body = (FIXTURES / SOUNDCHARTS_SONG).read_bytes()
    counts = collections.Counter()
    lock = threading.Lock()

    def answer(request):
        with lock:
            counts[request.path.rsplit("/", 1)[-1]] += 1
        time.sleep(0.4)
        return Response(body, content_type="application/json")

    httpserver.expect_request(re.compile(r"^/api/v2\.25/song/[0-9a-f-]+$")).respond_with_handler(answer)
    return httpserver.url_for("").rstrip("/"), counts


def worker_env(url: str) -> dict[str, str]:
    return {
        "SOUNDCHARTS_API_URL": url, "SOUNDCHARTS_APP_ID": "soundcharts", "SOUNDCHARTS_API_KEY": "soundcharts",
        "METADATA_PROVIDERS": "soundcharts", "SOUNDCHARTS_RATE_LIMIT": "100/s",
        # A task silent for 2 s counts as abandoned (the default is 300 s).
        "FETCH_TASK_LEASE_SECONDS": "2",
    }


def test_a_killed_worker_restarted_finishes_the_task_without_double_counting(redis_url, slow_soundcharts, tmp_path, settings):
    url, counts = slow_soundcharts
    settings.SOUNDCHARTS_APP_ID = settings.SOUNDCHARTS_API_KEY = "soundcharts"
    uuids = [f"00000000-0000-0000-0000-{n:012d}" for n in range(10)]
    tracks = [TrackFactory(soundcharts_uuid=uuid, label="") for uuid in uuids]

    first = WorkerProcess(tmp_path / "first.log", extra_env=worker_env(url)).start()
    try:
        task = services.metadata_fetch_task_create(tracks=tracks, provider="soundcharts", force_refresh=True)
        wait_for(lambda: MetadataFetchTask.objects.get(pk=task.pk).processed >= 3, timeout=60,
                 message=f"three tracks to be done; log:\n{first.log_text()[-1500:]}")
    finally:
        first.kill()

    killed = MetadataFetchTask.objects.get(pk=task.pk)
    assert killed.status == "running" and 3 <= killed.processed < 10
    assert killed.processed == killed.successful + killed.failed
    done_before = set(
        killed.items.filter(status=FetchItemStatus.SUCCEEDED).values_list("track__soundcharts_uuid", flat=True)
    )

    time.sleep(2.5)  # the lease runs out: the task is taken to be abandoned
    second = WorkerProcess(tmp_path / "second.log", extra_env=worker_env(url)).start()
    try:
        finished = wait_for(
            lambda: MetadataFetchTask.objects.filter(pk=task.pk, status="completed").first(), timeout=120,
            message=f"the task to complete after the restart; log:\n{second.log_text()[-2000:]}",
        )
    finally:
        second.stop()

    assert (finished.total, finished.processed, finished.successful, finished.failed) == (10, 10, 10, 0)
    assert finished.items.filter(status=FetchItemStatus.SUCCEEDED).count() == 10
    for uuid in done_before:
        assert counts[uuid] == 1, f"{uuid} was fetched again after the restart"
    assert set(counts) == set(uuids)
    # At most the one track in flight when the worker died is fetched twice.
    assert sum(counts.values()) <= 11
    for track in tracks:
        track.refresh_from_db()
        assert track.label == "Interscope"
