"""What the download tests share: a slskd stand-in with the music folder and the download folders of the test's
own, quick polls, no rate limits, and a search slot no other test or run holds."""

from __future__ import annotations

import uuid

import pytest

from downloads import searching, steps
from tests.slskd_standin import standin_for


@pytest.fixture
def slskd(settings, tmp_path, monkeypatch):
    settings.MUSIC_ROOT = str(tmp_path / "music")
    settings.DOWNLOAD_QUARANTINE_DIR = str(tmp_path / "quarantine")
    settings.DOWNLOAD_WORK_DIR = str(tmp_path / "work")
    settings.SLSKD_SEARCHES_PER_WINDOW = 1000
    settings.SLSKD_SEARCH_TIMEOUT = 5
    settings.PROVIDER_BACKOFF_SECONDS = 0.01
    settings.PROVIDER_RATE_LIMITS = {}
    settings.DOWNLOAD_PROVIDERS = ["slskd"]
    monkeypatch.setattr(steps, "POLL_SECONDS", 0.1)
    monkeypatch.setattr(searching, "SEARCH_POLL_SECONDS", 0.2)
    # A slot key of this test's own: a search slot left by another test (or another run) never blocks this one.
    monkeypatch.setattr("providers.slskd.SEARCH_SLOT", f"slskd-search-{uuid.uuid4().hex[:8]}")
    standin = standin_for(settings, tmp_path)
    yield standin
    standin.close()
