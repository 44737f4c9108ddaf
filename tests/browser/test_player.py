"""Listening in a real browser: the play button in the track list plays the file, a second click pauses."""

import pytest

from tests.audio_factory import make_audio
from tests.browser.conftest import screenshot
from tests.factories import TrackFactory

pytestmark = pytest.mark.browser


def test_the_play_button_plays_the_file_and_pauses_it(admin_page, tmp_path):
    path = make_audio(tmp_path / "glue.ogg", format="ogg", seconds=20)
    TrackFactory(title="Glue", credit_name="Bicep", file_path=str(path), file_format="ogg")
    page = admin_page
    page.goto(f"{page.live_server_url}/admin/tracks/track/")
    button = page.locator("button.crate-play").first
    button.click()
    page.wait_for_function("document.querySelector('button.crate-play').classList.contains('crate-playing')")
    screenshot(page, "track-list-playing")
    assert button.locator(".material-symbols-outlined").inner_text() == "pause"
    button.click()
    page.wait_for_function("!document.querySelector('button.crate-play').classList.contains('crate-playing')")
