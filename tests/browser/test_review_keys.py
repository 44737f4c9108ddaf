"""The review queue from the keyboard, as a DJ clears it: step through, accept by number, refuse with a key."""

import pytest

from tests.browser.conftest import screenshot
from tests.factories import LineToReviewFactory

pytestmark = pytest.mark.browser


def _listing(external_id, duration, **fields):
    return {"source": "musicbrainz", "external_id": external_id, "title": "Everywhere", "artists": ["Fleetwood Mac"],
            "version": "", "label": "", "duration": duration, "score": 1.0, "reasons": ["title 100%"],
            "comment": "", "album": "", "album_date": "", "country": "", **fields}


def test_the_review_keys_step_accept_and_refuse(admin_page):
    from library.models import DiscoveryStatus, TrackDiscovery

    candidates = [_listing("studio", 227, album="Tango in the Night", album_date="1987"),
                  _listing("other", 301, album="Live at the BBC", album_date="1995")]
    first = LineToReviewFactory(position=1, raw_text="Fleetwood Mac - Everywhere", artist="Fleetwood Mac",
                                title="Everywhere", candidates=candidates, confidence=1.0)
    second = LineToReviewFactory(tracklist=first.tracklist, position=2, raw_text="Fleetwood Mac - Seven Wonders",
                                 artist="Fleetwood Mac", title="Seven Wonders", candidates=candidates)
    third = LineToReviewFactory(tracklist=first.tracklist, position=3, raw_text="Somebody - Something",
                                candidates=candidates)
    page = admin_page
    page.goto(f"{page.live_server_url}/admin/library/trackdiscovery/{first.pk}/change/")
    page.wait_for_selector("#review-keys")
    assert "accept that candidate" in page.inner_text("#review-keys")
    screenshot(page, "review-keys")

    page.keyboard.press("j")  # next line
    page.wait_for_url(f"**/{second.pk}/change/")
    page.keyboard.press("k")  # and back
    page.wait_for_url(f"**/{first.pk}/change/")

    page.keyboard.press("2")  # accept the second candidate: the page moves on to the next line
    page.wait_for_url(f"**/{second.pk}/change/")
    assert "as you chose" in page.inner_text("body")
    line = TrackDiscovery.objects.get(pk=first.pk)
    assert (line.status, line.library_track.track.musicbrainz_recording_id) == (DiscoveryStatus.IDENTIFIED, "other")

    # Typing in the search form is typing, not a key: nothing is decided.
    page.keyboard.press("/")
    page.keyboard.type("ua")
    assert TrackDiscovery.objects.get(pk=second.pk).status == DiscoveryStatus.NEEDS_REVIEW
    page.keyboard.press("Escape")

    page.keyboard.press("u")  # unidentifiable
    page.wait_for_url(f"**/{third.pk}/change/")
    assert TrackDiscovery.objects.get(pk=second.pk).status == DiscoveryStatus.UNIDENTIFIABLE
