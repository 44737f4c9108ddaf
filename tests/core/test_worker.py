"""The job engine on real Celery workers against Redis and the test database.

A local Soundcharts stand-in serves the recorded song body, counting requests
per song, and can be told to stall on a song or to answer 429 for a while.
"""

import collections
import os
import re
import signal
import threading
import time

import pytest
from werkzeug import Response

from core import jobs
from tests.factories import TrackFactory
from tests.replay import FIXTURES
from tests.services import WorkerProcess, clear_test_cache, wait_for
from tests.tracks.conftest import SOUNDCHARTS_SONG
from tracks import services
from tracks.models import MetadataFetchTask

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


class StandIn:
    """A Soundcharts stand-in: the recorded body, a delay per song, stalls and 429 storms."""

    def __init__(self, httpserver, delay: float = 0.3):
        self.body = (FIXTURES / SOUNDCHARTS_SONG).read_bytes()
        self.delay = delay
        self.counts = collections.Counter()
        self.stall: dict[str, float] = {}  # song uuid -> seconds to stall on its first request
        self.limited_until = 0.0  # answer 429 until this time.monotonic()
        self.lock = threading.Lock()
        self.url = httpserver.url_for("").rstrip("/")
        httpserver.expect_request(re.compile(r"^/api/v2\.25/song/[0-9a-f-]+$")).respond_with_handler(self.answer)

    def answer(self, request):
        song = request.path.rsplit("/", 1)[-1]
        if time.monotonic() < self.limited_until:
            return Response("slow down", status=429, headers={"Retry-After": "1"})
        with self.lock:
            self.counts[song] += 1
            first = self.counts[song] == 1
        time.sleep(self.stall.get(song, 0) if first else 0)
        time.sleep(self.delay)
        return Response(self.body, content_type="application/json")

    def env(self, **extra) -> dict[str, str]:
        return {
            "SOUNDCHARTS_API_URL": self.url, "SOUNDCHARTS_APP_ID": "soundcharts", "SOUNDCHARTS_API_KEY": "soundcharts",
            "METADATA_PROVIDERS": "soundcharts", "SOUNDCHARTS_RATE_LIMIT": "100/s", "PROVIDER_BACKOFF_SECONDS": "0.05",
            **extra,
        }


@pytest.fixture
def stand_in(httpserver, settings, redis_url):
    settings.SOUNDCHARTS_APP_ID = settings.SOUNDCHARTS_API_KEY = "soundcharts"
    clear_test_cache()
    return StandIn(httpserver)


def songs(count: int) -> list:
    uuids = [f"00000000-0000-0000-0000-{n:012d}" for n in range(count)]
    return [
        TrackFactory(title="bad guy", credit_name="Billie Eilish", artists=["Billie Eilish"], soundcharts_uuid=uuid,
                     label="")
        for uuid in uuids
    ]


def start_job(tracks) -> MetadataFetchTask:
    [job] = services.metadata_fetch_jobs_create(tracks=tracks, provider="soundcharts", force_refresh=True)
    return job


def job_of(job) -> MetadataFetchTask:
    return MetadataFetchTask.objects.get(pk=job.pk)


def wait_until_processed(job, count: int, worker, timeout: float = 60) -> MetadataFetchTask:
    return wait_for(
        lambda: job_of(job) if job_of(job).processed >= count else None, timeout=timeout,
        message=f"{count} items to be done; log:\n{worker.log_text()[-2000:]}",
    )


def wait_until_finished(job, worker, timeout: float = 90) -> MetadataFetchTask:
    return wait_for(
        lambda: job_of(job) if job_of(job).is_finished else None, timeout=timeout,
        message=f"the job to finish; log:\n{worker.log_text()[-3000:]}",
    )


def seconds_until_it_carries_on(job, since: float, done: int, worker) -> float:
    """Wait for the job to get past done items; return the seconds from since until it did."""
    wait_for(lambda: job_of(job).processed > done, timeout=60,
             message=f"the job to carry on; log:\n{worker.log_text()[-2000:]}")
    return time.monotonic() - since


def assert_each_counted_once(job, tracks):
    job = job_of(job)
    assert (job.status, job.total, job.processed, job.succeeded, job.failed) == (
        "completed", len(tracks), len(tracks), len(tracks), 0,
    ), job.last_error
    assert job.items.filter(status="succeeded").count() == len(tracks)
    for track in tracks:
        track.refresh_from_db()
        assert track.label == "Interscope"


def test_sigkill_of_the_whole_worker_resumes_within_seconds_of_a_new_worker(stand_in, tmp_path):
    tracks = songs(30)
    first = WorkerProcess(tmp_path / "first.log", extra_env=stand_in.env()).start()
    try:
        job = start_job(tracks)
        wait_until_processed(job, 10, first)
    finally:
        first.kill()
    killed = job_of(job)
    assert killed.status == "running" and 10 <= killed.processed < 30
    done_before = set(killed.items.filter(status="succeeded").values_list("track__soundcharts_uuid", flat=True))

    # A new worker at once: the lease (60 s) has not lapsed, but the dead run's process is gone.
    restarted = time.monotonic()
    second = WorkerProcess(tmp_path / "second.log", extra_env=stand_in.env()).start()
    try:
        resumed_after = seconds_until_it_carries_on(job, restarted, killed.processed, second)
        wait_until_finished(job, second)
    finally:
        second.stop()
    print(f"whole worker SIGKILLed: the job carried on {resumed_after:.1f} s after a new worker started")
    assert resumed_after < 60
    assert_each_counted_once(job, tracks)
    for uuid in done_before:
        assert stand_in.counts[uuid] == 1, f"{uuid} was fetched again after the restart"
    # At most the batch in flight when the worker died is fetched twice.
    assert sum(stand_in.counts.values()) <= 30 + 10


def pool_pid_running(job) -> int:
    worker = job_of(job).worker
    return int(worker.split("|")[2])


def test_sigkill_of_the_pool_process_alone_is_redelivered_and_carries_on(stand_in, tmp_path):
    tracks = songs(30)
    worker = WorkerProcess(tmp_path / "worker.log", extra_env=stand_in.env()).start()
    try:
        job = start_job(tracks)
        wait_until_processed(job, 5, worker)
        pid = pool_pid_running(job)
        assert pid != worker.process.pid
        os.kill(pid, signal.SIGKILL)
        killed_at = time.monotonic()
        resumed_after = seconds_until_it_carries_on(job, killed_at, job_of(job).processed, worker)
        wait_until_finished(job, worker)
    finally:
        worker.stop()
    print(f"pool process SIGKILLed: the job carried on {resumed_after:.1f} s later")
    assert resumed_after < 60
    assert_each_counted_once(job, tracks)
    assert job_of(job).runs >= 2


def test_an_item_slower_than_the_lease_is_never_run_twice(stand_in, tmp_path):
    tracks = songs(4)
    # Four leases, and still within the 10 s request timeout (past it the HTTP client retries by design).
    stand_in.stall[tracks[1].soundcharts_uuid] = 8
    env = stand_in.env(JOB_LEASE_SECONDS="2", JOB_RESUME_INTERVAL="1")
    first = WorkerProcess(tmp_path / "first.log", extra_env=env).start()
    second = WorkerProcess(tmp_path / "second.log", extra_env=env).start()  # an idle worker eager to take it over
    try:
        job = start_job(tracks)
        wait_until_finished(job, first, timeout=60)
    finally:
        first.stop()
        second.stop()
    assert_each_counted_once(job, tracks)
    assert job_of(job).runs == 1, "a second run took the job over while the first was alive"
    assert all(count == 1 for count in stand_in.counts.values()), stand_in.counts


def test_a_long_429_storm_waits_without_losing_the_job_then_finishes(stand_in, tmp_path):
    tracks = songs(5)
    stand_in.limited_until = time.monotonic() + 12
    # No retries for errors at all: waiting for a rate limit must not use them up.
    env = stand_in.env(JOB_ERROR_RETRIES="0", PROVIDER_RATE_WAIT_MAX="1")
    worker = WorkerProcess(tmp_path / "worker.log", extra_env=env).start()
    try:
        job = start_job(tracks)
        waiting = wait_for(lambda: job_of(job) if job_of(job).status == "waiting" else None, timeout=30,
                           message=f"the job to wait; log:\n{worker.log_text()[-2000:]}")
        assert waiting.status_text.startswith("Waiting for Soundcharts until ")
        assert waiting.waiting_until is not None
        wait_until_finished(job, worker, timeout=90)
    finally:
        worker.stop()
    assert_each_counted_once(job, tracks)
    assert job_of(job).runs > 2  # it waited several times, each time handed back, never lost


def test_waiting_past_job_max_wait_fails_with_the_reason(stand_in, tmp_path):
    tracks = songs(2)
    stand_in.limited_until = time.monotonic() + 3600
    worker = WorkerProcess(tmp_path / "worker.log", extra_env=stand_in.env(JOB_MAX_WAIT="4")).start()
    try:
        job = start_job(tracks)
        failed = wait_until_finished(job, worker, timeout=60)
    finally:
        worker.stop()
    assert failed.status == "failed"
    assert failed.last_error == "Gave up after waiting 4 s for Soundcharts's rate limit; retry the job later."


def test_a_soft_time_limit_hands_the_job_to_a_new_run_that_counts_each_item_once(stand_in, tmp_path, monkeypatch):
    from core.tasks import run_job

    tracks = songs(15)
    env = stand_in.env(CELERY_TASK_SOFT_TIME_LIMIT="2", CELERY_TASK_TIME_LIMIT="30")
    # The sender stamps its own limits on the message (web and workers share settings in use),
    # and caches them at its first message: this process must send the worker's limits.
    task = run_job._get_current_object()
    monkeypatch.setattr(task, "soft_time_limit", 2)
    monkeypatch.setattr(task, "time_limit", 30)
    monkeypatch.setattr(task, "_exec_options", None)
    worker = WorkerProcess(tmp_path / "worker.log", extra_env=env).start()
    try:
        job = start_job(tracks)
        wait_until_finished(job, worker, timeout=120)
    finally:
        worker.stop()
    assert_each_counted_once(job, tracks)
    finished = job_of(job)
    assert finished.runs >= 2 and finished.last_error == ""
    assert "SoftTimeLimitExceeded" not in "".join(finished.items.values_list("error", flat=True))


def test_cancel_while_an_item_runs_stops_after_it(stand_in, tmp_path):
    tracks = songs(6)
    stand_in.stall[tracks[0].soundcharts_uuid] = 4
    env = stand_in.env(JOB_LEASE_SECONDS="4", JOB_RESUME_INTERVAL="1")
    worker = WorkerProcess(tmp_path / "worker.log", extra_env=env).start()
    try:
        job = start_job(tracks)
        wait_for(lambda: stand_in.counts[tracks[0].soundcharts_uuid], timeout=30, message="the first song to be asked")
        assert jobs.job_cancel(job=job_of(job))
        time.sleep(8)
    finally:
        worker.stop()
    cancelled = job_of(job)
    assert cancelled.status == "cancelled"
    assert cancelled.processed <= 1
    assert sum(stand_in.counts.values()) <= 2  # the running item, and at most the one begun beside it
