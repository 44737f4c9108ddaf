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
