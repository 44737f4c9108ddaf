import os
import shutil
from pathlib import Path

import pytest

from audio.tagging import track_tags_write
from tests.audio_factory import make_audio
from tests.browser.conftest import CHROMIUM, PASSWORD, log_in
from tests.factories import TrackFactory, UserFactory
from tests.replay import Replay
from tests.services import WorkerProcess, clear_test_cache, require_redis

PROVIDER_URL_SETTINGS = (
    "MUSICBRAINZ_URL", "COVERART_URL", "DISCOGS_API_URL", "SPOTIFY_ACCOUNTS_URL", "SPOTIFY_API_URL",
    "SOUNDCHARTS_API_URL", "ITUNES_API_URL", "DEEZER_API_URL", "BEATPORT_API_URL", "SLSKD_URL", "ACOUSTID_URL",
)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: nothing an earlier test or an earlier run cached (a list of genres, a
    provider's answer) answers it."""
    clear_test_cache()


@pytest.fixture(autouse=True)
def no_external_hosts(settings):
    """Point every provider at a closed local port: no test ever reaches a real host by accident."""
    for name in PROVIDER_URL_SETTINGS:
        setattr(settings, name, "http://127.0.0.1:9")


@pytest.fixture
def redis_url() -> str:
    return require_redis()


@pytest.fixture
def celery_worker(redis_url, transactional_db, tmp_path):
    """A real Celery worker process on Redis, writing to the test database."""
    worker = WorkerProcess(tmp_path / "worker.log").start()
    yield worker
    worker.stop()


@pytest.fixture
def broker_down(settings):
    """Point Celery at a port where no broker listens, as when Redis has stopped."""
    from config.celery import app

    dead = "redis://127.0.0.1:1/0"
    original = app.conf.broker_url
    app.conf.broker_url = dead
    settings.CELERY_BROKER_URL = dead
    app._after_fork()  # drop pooled connections to the real broker
    yield dead
    app.conf.broker_url = original
    app._after_fork()


@pytest.fixture
def replay(httpserver, settings):
    """A local replay server; no provider request leaves 127.0.0.1."""
    settings.PROVIDER_BACKOFF_SECONDS = 0.05
    settings.PROVIDER_RATE_LIMITS = {}
    root = httpserver.url_for("").rstrip("/")
    for name in (
        "MUSICBRAINZ_URL", "COVERART_URL", "DISCOGS_API_URL", "SPOTIFY_ACCOUNTS_URL",
        "SOUNDCHARTS_API_URL", "ITUNES_API_URL", "DEEZER_API_URL", "SLSKD_URL", "ACOUSTID_URL",
    ):
        setattr(settings, name, root)
    # These two carry a version path in production; keep it so tests see real paths.
    settings.SPOTIFY_API_URL = f"{root}/v1"
    settings.BEATPORT_API_URL = f"{root}/v4"
    clear_test_cache()
    yield Replay(httpserver)
    clear_test_cache()


# --- The browser (one Chromium for the whole run, whatever folder a browser test lives in) -----------------


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def admin_page(page, live_server):
    """A browser page logged into the admin as a superuser."""
    UserFactory(password=PASSWORD)
    log_in(page, live_server.url, "admin")
    page.live_server_url = live_server.url
    return page


@pytest.fixture
def filed(settings, tmp_path):
    """A catalogue track with a FLAC file in the music folder, its tags already written once."""
    settings.MUSIC_ROOT = str(tmp_path / "music")
    path = make_audio(tmp_path / "music" / "Daft Punk - One More Time.flac", format="flac", seconds=2)
    track = TrackFactory(title="One More Time", artists=["Daft Punk"], credit_name="Daft Punk", album="Discovery",
                         isrc="GBDUW0000059", file_path=str(path), file_format="flac")
    track_tags_write(track=track)
    return track
