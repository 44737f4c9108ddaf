"""Discovery as a DJ does it, in a real browser on a real worker: paste a tracklist, discover, review, accept."""

import pytest

from tests.browser.conftest import screenshot
from tests.replay import FIXTURES
from tests.services import WorkerProcess, clear_test_cache

pytestmark = [pytest.mark.browser, pytest.mark.services]

MB_FLEETWOOD = "musicbrainz/revsrev-search-recording-artist-fleetwood-mac.xml"


def test_paste_discover_review_accept(admin_page, redis_url, httpserver, tmp_path):
    from library.models import DiscoveryStatus, TrackDiscovery

    httpserver.expect_request("/ws/2/recording").respond_with_data(
        (FIXTURES / MB_FLEETWOOD).read_bytes(), content_type="application/xml",
    )
    clear_test_cache()
    worker = WorkerProcess(tmp_path / "worker.log", extra_env={
        "MUSICBRAINZ_URL": httpserver.url_for("").rstrip("/"), "METADATA_PROVIDERS": "musicbrainz",
        "MUSICBRAINZ_RATE_LIMIT": "100/s",
    }).start()
    try:
        page = admin_page
        page.goto(f"{page.live_server_url}/admin/library/tracklist/add/")
        page.fill("#id_name", "Peter Green tribute")
        page.fill("#id_raw_text", "Tracklist:\n01. Fleetwood Mac - Black Magic Woman\n02. ID - ID\n")
        page.click("button[name=_continue]")
        page.wait_for_selector("text=Read 2 lines.")
        screenshot(page, "tracklist-lines")
        page.click("#discover")
        page.wait_for_selector("text=Identifying 1 line of 1 tracklist")  # "ID - ID" is never searched
        page.wait_for_function("document.querySelector('.job-status').textContent.startsWith('Completed')",
                               timeout=60_000)
        # Two takes of one title and no length to tell them apart: a close call, for a person.
        page.goto(f"{page.live_server_url}/admin/library/linetoreview/")
        page.click("text=Fleetwood Mac - Black Magic Woman")
        page.wait_for_selector("#candidates")
        assert page.locator("#candidates tr.candidate").count() >= 2
        screenshot(page, "review-candidates")
        page.locator("#candidates tr.candidate").first.locator("button").click()
        page.wait_for_selector("text=as you chose")
        line = TrackDiscovery.objects.get(position=1)
        assert (line.status, line.method) == (DiscoveryStatus.IDENTIFIED, "manual")
        assert TrackDiscovery.objects.get(position=2).status == DiscoveryStatus.UNIDENTIFIABLE
    finally:
        worker.stop()
