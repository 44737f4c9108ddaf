"""Pages that show work in progress stay live without a reload: a download's page follows its row as a worker moves
it (state, file, note, which buttons show), and the dashboard picks up a job that starts."""

import pytest

from tests.browser.conftest import screenshot
from tests.factories import DownloadFactory, TrackFactory

pytestmark = pytest.mark.browser


def test_a_downloads_page_follows_its_row_without_a_reload(admin_page):
    from downloads.models import Download, DownloadState

    track = TrackFactory(title="Glue", credit_name="Bicep")
    download = DownloadFactory(
        track=track, state=DownloadState.QUEUED, source="slskd", query="Bicep Glue", place_in_queue=4,
        chosen={"username": "peer", "filename": "Music\\Bicep\\Glue.flac", "size": 1000},
    )
    page = admin_page
    page.goto(f"{page.live_server_url}/admin/downloads/download/{download.pk}/change/")
    page.wait_for_selector("#cancel-download")
    assert "Queued at the peer" in page.inner_text("#download")
    page.evaluate("window.reloaded = false")  # survives only if the page is not reloaded

    # What a worker writes when the file has been verified and filed.
    Download.objects.filter(pk=download.pk).update(
        state=DownloadState.COMPLETED, progress=100, file_path="/music/Bicep/Glue.flac", file_format="flac",
    )
    page.wait_for_function("document.querySelector('#download .job-status').textContent.includes('Completed')",
                           timeout=15_000)
    page.wait_for_selector("#cancel-download", state="detached", timeout=10_000)
    page.wait_for_function("document.querySelector('#download-fields').innerText.includes('/music/Bicep/Glue.flac')",
                           timeout=10_000)
    assert page.evaluate("window.reloaded") is False
    screenshot(page, "download-live-completed")


def test_the_dashboard_shows_a_job_that_starts_while_it_is_open(admin_page):
    from tracks import services

    page = admin_page
    page.goto(f"{page.live_server_url}/admin/")
    page.wait_for_selector("#dashboard")
    assert page.locator("#running-jobs").count() == 0
    page.evaluate("window.reloaded = false")
    services.metadata_fetch_jobs_create(tracks=TrackFactory.create_batch(3), enqueue_now=False)
    page.wait_for_selector("#running-jobs .job-progress", timeout=20_000)
    assert page.evaluate("window.reloaded") is False

