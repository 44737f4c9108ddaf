import pytest

from tests.services import WorkerProcess, require_redis


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
