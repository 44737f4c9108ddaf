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
