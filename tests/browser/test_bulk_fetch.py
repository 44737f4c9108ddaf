"""The bulk metadata action, run in a real browser, on a real worker: the progress bar reaches 100 %."""

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
        TrackFactory(title=f"Song {n}", soundcharts_uuid=f"00000000-0000-0000-0000-{n:012d}", label="")
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
        page.wait_for_selector("text=Started a fetch task over 12 track(s)")
        bar = page.locator(".fetch-progress progress")
        # The bar moves while the worker runs, without reloading the page...
        page.wait_for_function(
            "(() => { const v = document.querySelector('.fetch-progress progress').value; return v > 0 && v < 100; })()",
            timeout=30_000,
        )
        screenshot(page, "fetch-task-progress")
        # ...and reaches 100 % when it is done.
        page.wait_for_selector("text=12 of 12 (100%)", timeout=60_000)
        assert bar.get_attribute("value") == "100"
        assert "12 ok · 0 failed · Completed" in page.inner_text(".fetch-progress")
        screenshot(page, "fetch-task-complete")
    finally:
        worker.stop()
