"""An edit of a track in the admin reaches its file's tags by a tag write job, in a real browser."""

from __future__ import annotations

import pytest

from audio import tagging
from audio.models import TagWriteJob
from audio.tags import read_tags
from core.jobs import job_run_here
from tests.audio_factory import make_audio
from tests.browser.conftest import screenshot
from tests.factories import TrackFactory

pytestmark = pytest.mark.browser


def test_an_edit_in_the_admin_reaches_the_file(admin_page, settings, tmp_path):
    settings.MUSIC_ROOT = str(tmp_path / "music")
    path = make_audio(tmp_path / "music" / "Bicep - Glue.mp3", format="mp3", seconds=2)
    track = TrackFactory(title="Glue", artists=["Bicep"], credit_name="Bicep", album="Isles", file_path=str(path),
                         file_format="mp3", file_bitrate=320)
    tagging.track_tags_write(track=track)
    page = admin_page
    page.goto(f"{page.live_server_url}/admin/tracks/track/{track.pk}/change/")
    page.fill("#id_version", "Hammer Remix")
    page.fill("#id_bpm", "130")
    page.click("button[name=_continue]")
    page.wait_for_selector("text=The file's tags are being written in the background")
    page.click("nav a:text-is('File'), a:text-is('File')")
    page.wait_for_selector("text=Out of date until its tag write job has run")
    assert read_tags(path).full_title == "Glue"  # the save left the file to the job
    # The job, run here as a worker would run it.
    job_run_here(model=TagWriteJob, job_id=TagWriteJob.objects.get().pk)
    tags = read_tags(path)
    assert tags.full_title == "Glue (Hammer Remix)" and float(tags.bpm) == 130 and tags.album == "Isles"
    page.reload()
    page.click("nav a:text-is('File'), a:text-is('File')")
    page.wait_for_selector("text=Tags in the file")
    assert "Written" in page.inner_text("body")
    screenshot(page, "track-tags-written")
