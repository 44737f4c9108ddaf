"""yt-dlp as the source of last resort: a link a person gives, downloaded, verified and filed, never 'best'."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.jobs import job_run_here
from downloads import steps
from downloads.models import Download, DownloadJob, DownloadState
from downloads.starts import download_choose, download_search_again, downloads_request
from providers import ytdlp
from providers.base import ProviderError
from tests.audio_factory import make_audio
from tests.factories import TrackFactory
from tests.slskd_standin import standin_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(httpserver, tmp_path):
    """A plain web server on 127.0.0.1 serving one MP3, as a link to a stream would."""
    audio = make_audio(tmp_path / "stream.mp3", format="mp3", seconds=3, bitrate_kbps=128)
    httpserver.expect_request("/media/stream.mp3").respond_with_data(audio.read_bytes(), content_type="audio/mpeg")
    return httpserver.url_for("/media/stream.mp3")


def test_a_link_gives_one_candidate_labelled_with_its_real_format(media):
    [candidate] = ytdlp.candidates_for_url(media)
    assert candidate.source == "ytdlp" and candidate.filename == media and candidate.extension == "mp3"


def test_a_link_that_is_not_there_is_a_clear_error(httpserver):
    httpserver.expect_request("/gone.mp3").respond_with_data("", status=404)
    with pytest.raises(ProviderError, match="404") as raised:
        ytdlp.candidates_for_url(httpserver.url_for("/gone.mp3"))
    assert raised.value.transient is False


def test_a_person_searches_again_with_a_link_and_picks_the_stream(media, settings, tmp_path, monkeypatch):
    settings.MUSIC_ROOT = str(tmp_path / "music")
    settings.DOWNLOAD_QUARANTINE_DIR = str(tmp_path / "quarantine")
    settings.DOWNLOAD_WORK_DIR = str(tmp_path / "work")
    settings.SLSKD_SEARCHES_PER_WINDOW = 1000
    settings.SLSKD_SEARCH_TIMEOUT = 2
    monkeypatch.setattr(steps, "POLL_SECONDS", 0.1)
    slskd = standin_for(settings, tmp_path)  # an empty network: nothing found there
    try:
        track = TrackFactory(title="Stream", artists=["Nobody"], duration=3)
        requested = downloads_request(tracks=[track], quality="best", enqueue_now=False)
        job_run_here(model=DownloadJob, job_id=requested.job.pk)
        download = Download.objects.get()
        assert download.state == DownloadState.FAILED and "Nothing found" in download.error

        again = downloads_request(tracks=[track], quality="best", enqueue_now=False).created[0]
        # Awaiting a person: give it a link instead of words.
        again.state = DownloadState.AWAITING_CHOICE
        again.save(update_fields=["state"])
        job = download_search_again(download=again, query=media, started_by="test")
        job_run_here(model=DownloadJob, job_id=job.pk)
        again.refresh_from_db()
        # A stream copy never meets "best" on its own: it waits for the person...
        assert again.state == DownloadState.AWAITING_CHOICE and again.candidates[0]["source"] == "ytdlp"
        assert "lossy stream copy" in " ".join(again.candidates[0]["reasons"])
        first = again.candidates[0]
        job = download_choose(
            download=again, username=first["username"], filename=first["filename"], started_by="test"
        )
        job_run_here(model=DownloadJob, job_id=job.pk)
        again.refresh_from_db()
        # ... who may take it: filed, labelled with what it really is.
        assert again.state == DownloadState.COMPLETED, again.error
        assert (again.source, again.file_format, again.file_bitrate) == ("ytdlp", "mp3", 128)
        assert Path(again.file_path).is_relative_to(Path(settings.MUSIC_ROOT))
    finally:
        slskd.close()
