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


def test_the_track_form_takes_artists_as_names_and_says_what_is_wrong_in_words(admin_page):
    track = TrackFactory(title="Strobe", credit_name="deadmau5", artists=["deadmau5"], duration=634)
    url = f"{admin_page.live_server_url}/admin/tracks/track/{track.pk}/change/"
    admin_page.goto(url)
    assert admin_page.input_value("#id_duration") == "10:34"
    assert admin_page.inner_text("label[for=id_itunes_id]").startswith("iTunes id")
    admin_page.fill("#id_artists", "deadmau5\nKaskade")
    admin_page.fill("#id_bpm", "0")
    admin_page.fill("#id_key", "banana")
    admin_page.click("input[name=_continue]")
    errors = admin_page.inner_text("#content-main")
    assert "BPM counts beats per minute, so it is at least 1." in errors
    assert "“banana” is not a key." in errors
    assert "constraint" not in errors.lower() and "JSON" not in errors
    screenshot(admin_page, "track-form-errors")
    admin_page.fill("#id_bpm", "128")
    admin_page.fill("#id_key", "Am")
    admin_page.click("input[name=_continue]")
    admin_page.wait_for_selector("text=was changed successfully")
    track.refresh_from_db()
    assert (track.artists, track.key, str(track.bpm)) == (["deadmau5", "Kaskade"], "8A", "128.00")


def test_a_view_only_user_sees_no_button_that_leads_to_a_refusal(page, live_server):
    from django.contrib.auth.models import Permission

    from tests.browser.conftest import PASSWORD
    from tests.factories import UserFactory

    viewer = UserFactory(username="viewer", is_superuser=False, password=PASSWORD)
    viewer.user_permissions.add(Permission.objects.get(codename="view_track"))
    track = TrackFactory(title="Subzero")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "viewer")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/tracks/track/")
    assert page.is_visible("text=Subzero")
    for button in ("Import from Soundcharts", "Search Spotify", "Fetch all stale metadata"):
        assert not page.is_visible(f"text={button}"), button
    page.goto(f"{live_server.url}/admin/tracks/track/{track.pk}/change/")
    assert not page.is_visible("#fetch-now") and not page.is_visible("#fetch-background")
    assert not page.is_visible("text=System status")
