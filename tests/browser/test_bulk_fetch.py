"""The bulk metadata action, run in a real browser, on a real worker: the job page stays live to 100 %."""

import re
import time

import pytest
from werkzeug import Response

from tests.browser.conftest import screenshot
from tests.factories import TrackFactory
from tests.replay import FIXTURES
from tests.services import WorkerProcess, clear_test_cache
from tests.tracks.conftest import SOUNDCHARTS_SONG

pytestmark = [pytest.mark.browser, pytest.mark.services]


def test_bulk_action_progress_bar_reaches_100_percent(admin_page, redis_url, httpserver, tmp_path, settings):
    body = (FIXTURES / SOUNDCHARTS_SONG).read_bytes()

    def slow_song(request):
        time.sleep(0.5)  # slow enough to watch the bar move
        return Response(body, content_type="application/json")

    httpserver.expect_request(re.compile(r"^/api/v2\.25/song/")).respond_with_handler(slow_song)
    settings.SOUNDCHARTS_APP_ID = settings.SOUNDCHARTS_API_KEY = "soundcharts"
    clear_test_cache()  # an earlier run's cached songs would finish the task before the page loads
    for n in range(12):
        TrackFactory(title="bad guy", credit_name="Billie Eilish", artists=["Billie Eilish"],
                     soundcharts_uuid=f"00000000-0000-0000-0000-{n:012d}", label="")
    worker = WorkerProcess(tmp_path / "worker.log", extra_env={
        "SOUNDCHARTS_API_URL": httpserver.url_for("").rstrip("/"), "SOUNDCHARTS_APP_ID": "soundcharts",
        "SOUNDCHARTS_API_KEY": "soundcharts", "METADATA_PROVIDERS": "soundcharts", "SOUNDCHARTS_RATE_LIMIT": "100/s",
    }).start()
    try:
        page = admin_page
        page.goto(f"{page.live_server_url}/admin/tracks/track/")
        page.check("#action-toggle")
        page.select_option("select[name=action]", "create_bulk_fetch_task")
        page.click("button[name=index]")
        page.wait_for_selector("text=Started 1 job over 12 tracks")
        component = page.locator(".job-progress")
        # While the worker runs, every part of the component moves without a reload...
        page.wait_for_function(
            "(() => { const v = document.querySelector('.job-progress progress').value; return v > 0 && v < 100; })()",
            timeout=30_000,
        )
        assert component.locator(".job-status").inner_text() == "Running"
        assert component.locator(".job-heartbeat").inner_text() != "—"
        assert component.locator(".job-cancel").is_visible() and not component.locator(".job-retry").is_visible()
        screenshot(page, "fetch-task-progress")
        # ...and it ends at 100 %, Completed, with Cancel gone, still without a reload.
        page.wait_for_selector(".job-progress .job-counts:has-text('12 of 12 (100%)')", timeout=60_000)
        page.wait_for_function("document.querySelector('.job-progress .job-status').textContent === 'Completed'")
        assert component.locator("progress").get_attribute("value") == "100" or page.evaluate(
            "document.querySelector('.job-progress progress').value"
        ) == 100
        assert "12 ok · 0 failed" in component.locator(".job-counts").inner_text()
        assert not component.locator(".job-cancel").is_visible()
        assert component.locator(".job-finished-at").inner_text() != "—"
        screenshot(page, "fetch-task-complete")
    finally:
        worker.stop()
