import pytest

from tests.browser.conftest import log_in, screenshot
from tests.factories import TrackFactory
from tests.services import clear_test_cache

pytestmark = pytest.mark.browser


def test_login_lands_on_the_dashboard_with_the_menu_grouped_by_what_a_person_does(admin_page):
    assert "Your music library" in admin_page.title()
    sections = admin_page.locator("#nav-sidebar-apps h2").all_inner_texts()
    assert [text.strip().splitlines()[0] for text in sections] == ["Catalogue", "Discovery", "Want list", "Crates",
                                                                   "Downloads", "Jobs", "System"]
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
    MetadataFetchTask.objects.create(total=40, processed=12, succeeded=11, failed=1, status="running",
                                     started_by="admin", last_error="musicbrainz: GET /ws/2/recording: 503")
    admin_page.goto(f"{admin_page.live_server_url}/admin/")
    assert admin_page.is_visible("#running-jobs .job-progress")
    assert "12 of 40 (30%)" in admin_page.inner_text("#running-jobs")
    # The theme's bar chart, drawn by its bundled Chart.js on a canvas.
    chart = admin_page.locator("#dashboard canvas.chart")
    assert chart.count() == 1 and chart.bounding_box()["height"] > 100
    assert admin_page.evaluate("typeof Chart") == "function"
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
    # Nothing scrolls sideways at 1280 px: not the page, not the table inside it.
    assert admin_page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0
    assert admin_page.evaluate(
        "(() => { const t = document.querySelector('#result_list'); "
        "return t.scrollWidth - t.parentElement.clientWidth })()"
    ) <= 0
    assert admin_page.is_visible("#result_list th.column-file")
    row = admin_page.locator("#result_list tr.data-row").first.inner_text()
    assert "124" in row and "124.00" not in row
    assert "8A · Am" in row and "7:11" in row and "FLAC\n1411 kbit/s" in row and "2019" in row
    assert "SP" in row and "MU" in row  # the badges of the providers that know it
    # The whole title is in the tooltip of the cut one.
    title = admin_page.locator("#result_list tr.data-row .field-track .crate-cell").first
    assert title.get_attribute("title").startswith("Artist With A Very Long Name")


def test_the_key_filter_goes_round_the_camelot_wheel(admin_page):
    clear_test_cache()  # the filter lists the keys from a cache that lives five minutes
    for key in ("12A", "1A", "10A", "2B", "8A", "1B", "11B"):
        TrackFactory(key=key)
    admin_page.goto(f"{admin_page.live_server_url}/admin/tracks/track/")
    options = admin_page.locator("select[name=key] option").all_inner_texts()
    codes = [text.split(" ")[0] for text in options if "·" in text]
    assert codes == ["1A", "1B", "2B", "8A", "10A", "11B", "12A"]  # not 10A, 11B, 12A, 1A as text sorts
    assert "8A and compatible keys" in options
    admin_page.click("a:has-text('Filters')")
    admin_page.wait_for_selector("text=Apply Filters")
    screenshot(admin_page, "track-filters")
    admin_page.goto(f"{admin_page.live_server_url}/admin/tracks/track/?key=8A%2B")  # what Apply sends
    shown = admin_page.locator("#result_list tr.data-row .field-key_display").all_inner_texts()
    assert sorted(shown) == ["8A · Am"]  # 7A, 9A and 8B mix with 8A; none of the others here does


def test_a_provider_that_is_not_set_up_shows_its_button_disabled_with_the_reason(admin_page, settings):
    settings.SPOTIFY_CLIENT_ID = ""
    admin_page.goto(f"{admin_page.live_server_url}/admin/tracks/track/")
    button = admin_page.locator("#search-spotify")
    assert button.get_attribute("aria-disabled") == "true" and button.evaluate("el => el.tagName") == "SPAN"
    assert "SPOTIFY_CLIENT_ID" in button.get_attribute("title")
    assert "Spotify is not set up: SPOTIFY_CLIENT_ID" in admin_page.inner_text("#crate-tools-why")
    # Clicking it leads nowhere: no request, no 403.
    url = admin_page.url
    button.click()
    assert admin_page.url == url
    screenshot(admin_page, "track-disabled-provider")
    # The note is said until dismissed, then not again on the next visit.
    admin_page.click("#crate-tools-why-dismiss")
    assert admin_page.locator("#crate-tools-why").is_hidden()
    admin_page.reload()
    assert admin_page.locator("#crate-tools-why").is_hidden() and button.get_attribute("title")


def test_the_track_form_takes_artists_as_names_and_says_what_is_wrong_in_words(admin_page):
    track = TrackFactory(title="Strobe", credit_name="deadmau5", artists=["deadmau5"], duration=634)
    url = f"{admin_page.live_server_url}/admin/tracks/track/{track.pk}/change/"
    admin_page.goto(url)
    assert admin_page.input_value("#id_duration") == "10:34"
    assert admin_page.inner_text("label[for=id_itunes_id]").startswith("iTunes id")
    # Shown, not edited: the providers write the ids.
    assert admin_page.locator("#id_itunes_id").is_disabled()
    admin_page.fill("#id_artists", "deadmau5\nKaskade")
    admin_page.fill("#id_bpm", "0")
    admin_page.fill("#id_key", "banana")
    admin_page.click("button[name=_continue]")
    errors = admin_page.inner_text("#content-main")
    assert "BPM counts beats per minute, so it is at least 1." in errors
    assert "“banana” is not a key." in errors
    assert "constraint" not in errors.lower() and "JSON" not in errors
    screenshot(admin_page, "track-form-errors")
    admin_page.fill("#id_bpm", "128")
    admin_page.fill("#id_key", "Am")
    admin_page.click("button[name=_continue]")
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
    log_in(page, live_server.url, "viewer")
    page.goto(f"{live_server.url}/admin/tracks/track/")
    assert page.is_visible("text=Subzero")
    for button in ("Import from Soundcharts", "Search Spotify", "Fetch all stale metadata"):
        assert not page.is_visible(f"text={button}"), button
    page.goto(f"{live_server.url}/admin/tracks/track/{track.pk}/change/")
    assert not page.is_visible("#fetch-now") and not page.is_visible("#fetch-background")
    assert not page.is_visible("text=System status")
