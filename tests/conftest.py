import pytest

from tests.replay import Replay
from tests.services import WorkerProcess, clear_test_cache, require_redis

PROVIDER_URL_SETTINGS = (
    "MUSICBRAINZ_URL", "COVERART_URL", "DISCOGS_API_URL", "SPOTIFY_ACCOUNTS_URL", "SPOTIFY_API_URL",
    "SOUNDCHARTS_API_URL", "ITUNES_API_URL", "DEEZER_API_URL", "BEATPORT_API_URL", "SLSKD_URL", "ACOUSTID_URL",
)


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
