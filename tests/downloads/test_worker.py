"""Downloads on real workers: killed mid-transfer, a new worker carries on from slskd's transfer, and the
file is asked for exactly once; killed mid-search, the next search starts within the lease; waiting in
peers' queues, they leave the workers to other jobs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from downloads.models import Download, DownloadJob, DownloadState
from downloads.starts import downloads_request
from tests.factories import TrackFactory
from tests.replay import FIXTURES
from tests.services import WorkerProcess, wait_for
from tests.slskd_standin import SharedFile, standin_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
FILENAME = "@@music\\Daft Punk\\Discovery\\Daft Punk - One More Time.flac"


def test_a_killed_worker_resumes_the_download_with_exactly_one_enqueue(settings, tmp_path, redis_url):
    slskd = standin_for(settings, tmp_path)
    try:
        slskd.share(SharedFile("peer", FILENAME, "flac", transfer_seconds=8))
        env = {
            **slskd.settings_values(), "MUSIC_ROOT": str(tmp_path / "music"),
            "DOWNLOAD_QUARANTINE_DIR": str(tmp_path / "quarantine"), "SLSKD_SEARCHES_PER_WINDOW": "1000",
            "SLSKD_SEARCH_TIMEOUT": "5", "JOB_LEASE_SECONDS": "4", "JOB_RESUME_INTERVAL": "1",
        }
        track = TrackFactory(title="One More Time", artists=["Daft Punk"], album="Discovery", duration=3)
        first = WorkerProcess(tmp_path / "first.log", extra_env=env).start()
        try:
            requested = downloads_request(tracks=[track], quality="best", started_by="test")
            download = requested.created[0]
            wait_for(lambda: Download.objects.get(pk=download.pk).progress >= 10, timeout=60,
                     message=f"the transfer to move; log:\n{first.log_text()[-2000:]}")
        finally:
            first.kill()
        assert Download.objects.get(pk=download.pk).state == DownloadState.DOWNLOADING
        second = WorkerProcess(tmp_path / "second.log", extra_env=env).start()
        try:
            wait_for(lambda: Download.objects.get(pk=download.pk).is_finished, timeout=90,
                     message=f"the download to finish; log:\n{second.log_text()[-3000:]}")
            # The job's row closes in the step after its last download finishes, so wait for that too.
            wait_for(lambda: DownloadJob.objects.get(pk=requested.job.pk).is_finished, timeout=30,
                     message=f"the job to close; log:\n{second.log_text()[-3000:]}")
        finally:
            second.stop()
        download.refresh_from_db()
        assert download.state == DownloadState.COMPLETED, download.error
        assert slskd.enqueued == [("peer", FILENAME)]
        assert Path(download.file_path).is_file() and Path(download.file_path).is_relative_to(tmp_path / "music")
        job = DownloadJob.objects.get(pk=requested.job.pk)
        # A run per look at the transfer (the job hands its worker back in between), on both workers.
        assert (job.status, job.succeeded) == ("completed", 1) and job.runs >= 2
    finally:
        slskd.close()


def test_a_worker_killed_mid_search_keeps_the_next_search_waiting_no_longer_than_the_lease(settings, tmp_path,
                                                                                             redis_url):
    lease = 15
    slskd = standin_for(settings, tmp_path)
    # slskd takes 3 s to answer the search POST, so the worker is killed inside it, holding the turn at the
    # POST and the search slot; the search collects answers for longer than the test.
    slskd.post_delay, slskd.search_delay = 3.0, 600.0
    try:
        slskd.share(SharedFile("peer", FILENAME, "flac", transfer_seconds=0.5),
                    SharedFile("peer", "@@music\\Daft Punk\\Discovery\\Daft Punk - Aerodynamic.flac", "flac",
                               transfer_seconds=0.5))
        env = {
            **slskd.settings_values(), "MUSIC_ROOT": str(tmp_path / "music"),
            "DOWNLOAD_QUARANTINE_DIR": str(tmp_path / "quarantine"), "SLSKD_SEARCHES_PER_WINDOW": "1000",
            "SLSKD_SEARCH_TIMEOUT": "4", "JOB_LEASE_SECONDS": str(lease), "JOB_RESUME_INTERVAL": "1",
        }
        first_track = TrackFactory(title="One More Time", artists=["Daft Punk"], album="Discovery", duration=3)
        second_track = TrackFactory(title="Aerodynamic", artists=["Daft Punk"], album="Discovery", duration=3)
        first = WorkerProcess(tmp_path / "first.log", extra_env=env).start()
        try:
            killed = downloads_request(tracks=[first_track], quality="best").created[0]
            wait_for(lambda: slskd.searches, timeout=60, message=f"the search POST; log:\n{first.log_text()[-2000:]}")
        finally:
            first.kill()
        killed_at = time.monotonic()
        assert Download.objects.get(pk=killed.pk).search["id"] == slskd.search_log()[0][0]  # its id went first
        second = WorkerProcess(tmp_path / "second.log", concurrency=2, extra_env=env).start()
        try:
            after = downloads_request(tracks=[second_track], quality="best").created[0]
            wait_for(lambda: len(slskd.searches) >= 2, timeout=4 * lease,
                     message=f"the next search to start; log:\n{second.log_text()[-3000:]}")
            started_after = next(at for _, text, at in slskd.search_log() if "Aerodynamic" in text) - killed_at
            print(f"a worker killed mid-search: the next search started {started_after:.1f} s after the kill")
            assert started_after < lease
            for download in (killed, after):
                wait_for(lambda d=download: Download.objects.get(pk=d.pk).is_finished, timeout=60,
                         message=f"the downloads to finish; log:\n{second.log_text()[-3000:]}")
        finally:
            second.stop()
        # The killed run's search was carried on by the next run, never started again.
        assert slskd.searches == ["Daft Punk One More Time", "Daft Punk Aerodynamic"]
        assert [Download.objects.get(pk=d.pk).state for d in (killed, after)] == [DownloadState.COMPLETED] * 2
    finally:
        slskd.close()


SOUNDCHARTS_UUID = "7d534228-5165-11e9-9375-549f35161576"


def test_a_metadata_fetch_starts_within_seconds_while_twenty_downloads_wait_in_peers_queues(
    settings, tmp_path, redis_url, httpserver,
):
    from tracks.models import MetadataFetchTask
    from tracks.services import metadata_fetch_jobs_create

    body = (FIXTURES / "soundcharts/mcai-song-v2.25-7d534228-bad-guy.json").read_bytes()
    httpserver.expect_request(f"/api/v2.25/song/{SOUNDCHARTS_UUID}").respond_with_data(
        body, content_type="application/json")
    settings.SOUNDCHARTS_APP_ID = settings.SOUNDCHARTS_API_KEY = "soundcharts"
    slskd = standin_for(settings, tmp_path)
    try:
        titles = [f"Track {n:02d}" for n in range(1, 21)]
        slskd.share(*(SharedFile("busy", f"@@music\\Daft Punk\\Discovery\\Daft Punk - {title}.mp3", "mp3",
                                 seconds=1, bitrate=320, queued_seconds=3600, queue_length=40) for title in titles))
        env = {
            **slskd.settings_values(), "MUSIC_ROOT": str(tmp_path / "music"), "SLSKD_SEARCHES_PER_WINDOW": "1000",
            "SLSKD_SEARCH_TIMEOUT": "5", "CELERY_CONCURRENCY": "2",
            "SOUNDCHARTS_API_URL": httpserver.url_for("").rstrip("/"), "SOUNDCHARTS_APP_ID": "soundcharts",
            "SOUNDCHARTS_API_KEY": "soundcharts", "METADATA_PROVIDERS": "soundcharts",
        }
        worker = WorkerProcess(tmp_path / "worker.log", concurrency=2, extra_env=env).start()
        try:
            # Twenty downloads asked for one by one, as a person clicking through a list: twenty jobs.
            for title in titles:
                track = TrackFactory(title=title, artists=["Daft Punk"], album="Discovery", duration=1)
                downloads_request(tracks=[track], quality="good")
            wait_for(
                lambda: Download.objects.filter(state=DownloadState.QUEUED, enqueued_at__isnull=False).count() == 20,
                timeout=120, message=f"twenty downloads in the peer's queue; log:\n{worker.log_text()[-3000:]}",
            )
            song = TrackFactory(title="bad guy", artists=["Billie Eilish"], soundcharts_uuid=SOUNDCHARTS_UUID)
            [fetch] = metadata_fetch_jobs_create(tracks=[song], provider="soundcharts", force_refresh=True)
            started = wait_for(lambda: MetadataFetchTask.objects.get(pk=fetch.pk).started_at, timeout=120,
                               message=f"the metadata fetch to start; log:\n{worker.log_text()[-3000:]}")
            delay = (started - MetadataFetchTask.objects.get(pk=fetch.pk).created_at).total_seconds()
            print(f"twenty downloads waiting in peers' queues: the metadata fetch started after {delay:.2f} s")
            assert delay < 5
            wait_for(lambda: MetadataFetchTask.objects.get(pk=fetch.pk).is_finished, timeout=60)
            assert MetadataFetchTask.objects.get(pk=fetch.pk).status == "completed"
            # The downloads still wait, and none holds a worker while it does.
            assert Download.objects.filter(state=DownloadState.QUEUED).count() == 20
            assert DownloadJob.objects.filter(status="waiting").count() >= 18
        finally:
            worker.stop()
    finally:
        slskd.close()
