import pytest

from tests.browser.conftest import screenshot
from tests.factories import TrackFactory

pytestmark = pytest.mark.browser


def test_login_lands_on_the_admin_index(admin_page):
    assert "Your music library" in admin_page.inner_text("#content h1")
    assert admin_page.is_visible("text=Catalogue")
    assert screenshot(admin_page, "admin-index").stat().st_size > 10_000


def test_track_changelist_lists_tracks(admin_page):
    TrackFactory(title="Subzero", credit_name="Ben Klock")
    admin_page.goto(f"{admin_page.live_server_url}/admin/tracks/track/")
    assert admin_page.is_visible("text=Subzero")
    screenshot(admin_page, "track-changelist")


def test_the_dashboard_with_data(admin_page):
    from django.core.cache import cache

    from tracks.models import MetadataFetchTask

    cache.delete("dashboard:chart:tracks-by-genre")
    for genre, count in (("Techno", 5), ("House", 3), ("Ambient", 1)):
        TrackFactory.create_batch(count, genre=genre)
    MetadataFetchTask.objects.create(total=40, processed=12, successful=11, failed=1, status="running",
                                     started_by="admin", last_error="musicbrainz: GET /ws/2/recording: 503")
    admin_page.goto(f"{admin_page.live_server_url}/admin/")
    assert admin_page.is_visible("#running-jobs .job-progress")
    assert "12 of 40 (30%)" in admin_page.inner_text("#running-jobs")
    assert admin_page.locator("#dashboard svg rect").count() == 3
    assert admin_page.is_visible("#provider-states")
    screenshot(admin_page, "dashboard")


def test_the_crate_shows_each_column_as_djs_read_it(admin_page):
    import datetime
    from decimal import Decimal

    for n in range(12):
        TrackFactory(
            title=f"An Extraordinarily Long Track Title That Goes On And On Number {n} (Extended Dub Mix)",
            credit_name="Artist With A Very Long Name & Another Artist feat. Somebody Else",
            label="A Record Label Whose Name Is Far Longer Than Any Column", genre="Progressive House",
            bpm=Decimal("123.50") if n % 2 else Decimal("124"), key="A minor", duration=431,
            isrc="GBAYE0601498"[:10] + f"{n:02d}", release_date=datetime.date(2019, 1, 1), spotify_id=f"sp{n}",
            musicbrainz_recording_id=f"mb{n}", file_path="/music/x.flac", file_format="flac", file_bitrate=1411,
        )
    admin_page.set_viewport_size({"width": 1280, "height": 900})
    admin_page.goto(f"{admin_page.live_server_url}/admin/tracks/track/")
    screenshot(admin_page, "track-crate")
    # Long titles are cut with an ellipsis rather than pushing the other columns out of view.
    assert admin_page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0
    row = admin_page.inner_text("#result_list tbody tr:first-child")
    assert "124" in row and "8A · A minor" in row and "7:11" in row and "FLAC · 1411" in row and "2019" in row
