"""Downloads that wait hold no worker: a run steps what is due and hands the job back, saying what it waits for.

A search is made in steps (its id on the row before slskd is asked), a file waiting in a peer's queue is
looked at again later, a download that only waits leaves its place in the batch to the next, and a cancel
of the job (or of one download) while it waits lets go of the transfer and of the search slot.
"""

from __future__ import annotations

import datetime
import threading
import time
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from core.jobs import RunResult, job_cancel, job_run, job_run_here
from downloads import steps
from downloads.jobs import CANCELLED_WITH_JOB
from downloads.models import Download, DownloadJob, DownloadState
from downloads.moves import download_cancel
from downloads.starts import downloads_request
from providers import ratelimit
from tests.factories import TrackFactory
from tests.slskd_standin import SharedFile

pytestmark = pytest.mark.django_db(transaction=True)
FOLDER = "@@music\\Daft Punk\\Discovery"
HOUR = 3600.0


def track(title: str = "One More Time", **fields):
    return TrackFactory(**{"title": title, "artists": ["Daft Punk"], "album": "Discovery", "duration": 3, **fields})


def shared(title: str, user: str = "peer", **options) -> SharedFile:
    return SharedFile(user, f"{FOLDER}\\Daft Punk - {title}.flac", "flac", **{"transfer_seconds": 0.3, **options})


def run_once(job, *, within: float = 15.0) -> RunResult:
    """Run the job once, as a worker's task would; fail if the run holds on to its worker for more than `within` s."""
    result: list[RunResult] = []

    def target():
        try:
            result.append(job_run(model=DownloadJob, job_id=job.pk))
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(within)
    if thread.is_alive():
        job_cancel(job=DownloadJob.objects.get(pk=job.pk))  # lets a run that loops see it must stop
        thread.join(60)
        pytest.fail(f"the run held its worker for more than {within:g} s while its downloads only waited")
    return result[0]


def search_slot_holder():
    from providers import slskd as client

    return ratelimit.slot_holder(client.SEARCH_SLOT)


def test_a_download_in_a_peers_queue_hands_its_worker_back_and_the_job_says_what_it_waits_for(slskd):
    slskd.share(shared("One More Time", queued_seconds=HOUR, queue_length=7))
    requested = downloads_request(tracks=[track()], quality="best", enqueue_now=False)

    result = run_once(requested.job)

    job = DownloadJob.objects.get(pk=requested.job.pk)
    download = Download.objects.get()
    assert result.outcome == "waiting"
    assert (download.state, download.place_in_queue) == (DownloadState.QUEUED, 7) and download.enqueued_at is not None
    assert job.status == "waiting" and job.waiting_until is not None
    looking_again = timezone.localtime(job.waiting_until)
    assert job.waiting_reason == f"waiting for a peer's queue; looking again at {looking_again:%H:%M:%S}"
    assert job.status_text.startswith("Waiting for a peer's queue; looking again at")
    # Looked at again when the download is due: the queued message's countdown, not a sleep.
    assert abs((job.waiting_until - download.next_step_at).total_seconds()) < 1
    assert 5 <= (job.waiting_until - timezone.now()).total_seconds() <= steps.QUEUED_POLL_SECONDS
    # Not a rate limit: no wait that JOB_MAX_WAIT counts has started.
    assert job.waiting_since is None and job.celery_task_id
    assert slskd.enqueued == [("peer", f"{FOLDER}\\Daft Punk - One More Time.flac")]

    # Due again: the next run looks at the transfer (never asking for the file twice) and hands back again.
    Download.objects.filter(pk=download.pk).update(next_step_at=timezone.now())
    assert run_once(job).outcome == "waiting"
    assert len(slskd.enqueued) == 1 and Download.objects.get().state == DownloadState.QUEUED


def test_downloads_that_only_wait_leave_their_place_in_the_batch_to_the_next(slskd, settings):
    settings.SLSKD_MAX_CONCURRENT = 2
    titles = [f"Track {n}" for n in range(1, 6)]
    for title in titles:
        slskd.share(shared(title, queued_seconds=HOUR))
    requested = downloads_request(tracks=[track(title) for title in titles], quality="best",
                                  enqueue_now=False)

    assert run_once(requested.job).outcome == "waiting"

    # Five downloads in a batch of two: the three beyond it started as soon as the first ones only waited.
    assert sorted(Download.objects.values_list("state", flat=True)) == [DownloadState.QUEUED] * 5
    assert len(slskd.enqueued) == 5 and len(slskd.searches) == 5
    job = DownloadJob.objects.get()
    assert job.waiting_reason.startswith("waiting for peers' queues (5); looking again at")


def test_searches_take_turns_and_the_one_waiting_says_so(slskd):
    slskd.search_delay = 1.5  # slskd collects answers this long
    slskd.share(shared("One More Time"), shared("Aerodynamic"))
    requested = downloads_request(tracks=[track(), track("Aerodynamic")], quality="best", enqueue_now=False)

    assert run_once(requested.job).outcome == "waiting"
    job = DownloadJob.objects.get()
    assert job.waiting_reason.startswith("waiting for a search's answers, a turn to search; looking again at")
    second = Download.objects.get(track__title="Aerodynamic")
    assert second.state == DownloadState.SEARCHING and second.error.startswith("Waiting for a turn to search")
    assert len(slskd.searches) == 1

    job = job_run_here(model=DownloadJob, job_id=job.pk)
    assert (job.status, job.succeeded) == ("completed", 2)
    (first_id, _, first_at), (_, _, second_at) = slskd.search_log()
    # One search at a time: the second began once the first had its answers.
    assert second_at - first_at >= 1.5
    assert search_slot_holder() is None and first_id
    assert all(d.search == {} and d.error == "" for d in Download.objects.all())


def test_a_run_that_resumes_carries_on_with_the_search_on_the_row_and_never_starts_another(slskd):
    slskd.search_delay = 1.0
    slskd.share(shared("One More Time"))
    requested = downloads_request(tracks=[track()], quality="best", enqueue_now=False)

    assert run_once(requested.job).outcome == "waiting"
    download = Download.objects.get()
    search_id = download.search["id"]
    assert download.state == DownloadState.SEARCHING and slskd.search_log()[0][0] == search_id
    holder = search_slot_holder()
    assert holder is not None and holder[0] == f"slskd search {search_id}"

    # Whatever run comes next (the worker was killed, another took the job) looks at that same search.
    job = job_run_here(model=DownloadJob, job_id=requested.job.pk)
    assert job.status == "completed" and Download.objects.get().state == DownloadState.COMPLETED
    assert [entry[0] for entry in slskd.search_log()] == [search_id]
    assert search_slot_holder() is None


def test_a_search_whose_run_died_before_asking_slskd_is_started_under_the_id_on_the_row(slskd):
    slskd.share(shared("One More Time"))
    requested = downloads_request(tracks=[track()], quality="best", enqueue_now=False)
    download = requested.created[0]
    # What a run killed between writing its intent and slskd's answer leaves behind.
    search_id = str(uuid.uuid4())
    until = timezone.now() + datetime.timedelta(seconds=5)
    Download.objects.filter(pk=download.pk).update(state=DownloadState.SEARCHING, search={
        "source": "slskd", "query": "Daft Punk One More Time", "id": search_id, "until": until.isoformat(),
        "restarts": 0, "found": [], "failure": None, "used_query": "Daft Punk One More Time",
    })

    job = job_run_here(model=DownloadJob, job_id=requested.job.pk)

    assert job.status == "completed" and Download.objects.get().state == DownloadState.COMPLETED
    assert [(entry[0], entry[1]) for entry in slskd.search_log()] == [(search_id, "Daft Punk One More Time")]


def test_cancelling_a_waiting_job_cancels_its_transfers_and_frees_the_search_slot(slskd):
    slskd.share(shared("One More Time", queued_seconds=HOUR))
    queued = downloads_request(tracks=[track()], quality="best", enqueue_now=False)
    assert run_once(queued.job).outcome == "waiting"
    slskd.search_delay = HOUR
    slskd.share(shared("Aerodynamic"))
    searching = downloads_request(tracks=[track("Aerodynamic")], quality="best", enqueue_now=False)
    assert run_once(searching.job).outcome == "waiting"
    assert search_slot_holder() is not None

    for requested in (queued, searching):
        assert job_cancel(job=DownloadJob.objects.get(pk=requested.job.pk))

    # No run comes to do it: the cancel itself let go of the transfer and of the search slot.
    assert list(Download.objects.values_list("state", flat=True)) == [DownloadState.CANCELLED, DownloadState.CANCELLED]
    assert slskd.cancelled == [("peer", f"{FOLDER}\\Daft Punk - One More Time.flac")]
    assert search_slot_holder() is None
    assert run_once(queued.job).outcome == "not claimed"


def test_cancelling_a_searching_download_frees_the_search_slot_and_its_job_finishes(slskd):
    slskd.search_delay = HOUR
    slskd.share(shared("One More Time"))
    requested = downloads_request(tracks=[track()], quality="best", enqueue_now=False)
    assert run_once(requested.job).outcome == "waiting"
    download = Download.objects.get()
    assert download.state == DownloadState.SEARCHING and search_slot_holder() is not None

    assert download_cancel(download=download)

    assert search_slot_holder() is None
    Download.objects.filter(pk=download.pk).update(next_step_at=None)
    job = job_run_here(model=DownloadJob, job_id=requested.job.pk)
    assert (job.status, job.processed) == ("completed", 1)


def test_a_search_past_its_deadline_reads_what_arrived(slskd, settings):
    settings.SLSKD_SEARCH_TIMEOUT = 1
    slskd.search_delay = HOUR  # slskd never says it is complete
    slskd.share(shared("One More Time"))
    requested = downloads_request(tracks=[track()], quality="best", enqueue_now=False)

    started = time.monotonic()
    job = job_run_here(model=DownloadJob, job_id=requested.job.pk)

    assert job.status == "completed" and Download.objects.get().state == DownloadState.COMPLETED
    assert 1 <= time.monotonic() - started < 30  # read at the deadline, not at slskd's own end an hour on
    assert search_slot_holder() is None


def test_retry_failed_after_a_cancel_downloads_afresh_what_the_cancel_stopped(slskd):
    from core.jobs import job_retry_failed

    slskd.share(shared("One More Time", queued_seconds=HOUR))
    requested = downloads_request(tracks=[track()], quality="best", enqueue_now=False)
    assert run_once(requested.job).outcome == "waiting"
    assert job_cancel(job=DownloadJob.objects.get(pk=requested.job.pk))
    stopped = Download.objects.get()
    assert (stopped.state, stopped.error) == (DownloadState.CANCELLED, CANCELLED_WITH_JOB)

    assert job_retry_failed(job=DownloadJob.objects.get(pk=requested.job.pk)) == 1
    assert run_once(requested.job).outcome == "waiting"

    fresh = Download.objects.exclude(pk=stopped.pk).get()
    assert fresh.state == DownloadState.QUEUED and fresh.job_id == requested.job.pk
    assert len(slskd.enqueued) == 2 and len(slskd.cancelled) == 1
