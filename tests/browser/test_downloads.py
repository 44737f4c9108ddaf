"""Starting a download from the crate and picking a file when none was sure, in a real browser."""

from __future__ import annotations

import pytest

from core.jobs import job_run_here
from downloads.models import Download, DownloadJob, DownloadState
from tests.browser.conftest import screenshot
from tests.factories import TrackFactory
from tests.slskd_standin import SharedFile, standin_for

pytestmark = pytest.mark.browser
FOLDER = "@@music\\Daft Punk\\Discovery"


@pytest.fixture
def slskd(settings, tmp_path):
    settings.MUSIC_ROOT = str(tmp_path / "music")
    settings.DOWNLOAD_QUARANTINE_DIR = str(tmp_path / "quarantine")
    settings.SLSKD_SEARCHES_PER_WINDOW = 1000
    settings.SLSKD_SEARCH_TIMEOUT = 5
    settings.PROVIDER_RATE_LIMITS = {}
    standin = standin_for(settings, tmp_path)
    yield standin
    standin.close()


def run_latest_job() -> None:
    job = DownloadJob.objects.order_by("-created_at").first()
    job_run_here(model=DownloadJob, job_id=job.pk)


def test_a_person_picks_the_file_when_no_file_was_sure(admin_page, slskd):
    slskd.share(SharedFile("remixer", f"{FOLDER}\\Daft Punk - One More Time (Romanthony Remix).flac", "flac",
                           transfer_seconds=0.3))
    slskd.add_search_results("one more time", SharedFile("crate", f"{FOLDER}\\track01.flac", "flac",
                                                         transfer_seconds=0.3))
    track = TrackFactory(title="One More Time", artists=["Daft Punk"], credit_name="Daft Punk", album="Discovery",
                         duration=3)
    page = admin_page
    page.goto(f"{page.live_server_url}/admin/tracks/track/")
    page.check(f"input[name=_selected_action][value='{track.pk}']")
    page.select_option("select[name=action]", "download_best")
    page.click("button[name=index]")
    page.wait_for_selector("text=Started 1 download.")
    run_latest_job()  # the worker's part, here

    page.click("text=See the downloads")
    page.wait_for_selector("#result_list")
    assert "Awaiting your choice" in page.inner_text("#result_list")
    page.click("#result_list a.crate-link")
    page.wait_for_selector("#candidates")
    rows = page.locator("#candidates tbody tr")
    assert rows.count() == 2
    table = page.inner_text("#candidates")
    assert "version differs" in table and "track01.flac" in table and "FLAC" in table
    screenshot(page, "download-awaiting-choice")

    rows.filter(has_text="track01.flac").locator("button:has-text('Download this')").click()
    page.wait_for_selector("text=Downloading “track01.flac”")
    run_latest_job()
    page.reload()
    page.wait_for_selector(".job-status:has-text('Completed')")
    download = Download.objects.get()
    assert download.state == DownloadState.COMPLETED and download.chosen_by_person
    assert slskd.enqueued == [("crate", f"{FOLDER}\\track01.flac")]
    track.refresh_from_db()
    assert track.file_path == download.file_path and track.file_format == "flac"
