"""A download on a real worker: killed mid-transfer, a new worker carries on from slskd's transfer, and
the file is asked for exactly once."""

from __future__ import annotations

from pathlib import Path

import pytest

from downloads import services
from downloads.models import Download, DownloadJob, DownloadState
from tests.factories import TrackFactory
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
            requested = services.downloads_request(tracks=[track], quality="best", started_by="test")
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
        assert (job.status, job.successful, job.runs) == ("completed", 1, 2)
    finally:
        slskd.close()
