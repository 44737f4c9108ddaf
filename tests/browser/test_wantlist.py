"""Adding to the want list from the review queue, in a real browser."""

import pytest

from tests.browser.conftest import screenshot
from tests.factories import LineToReviewFactory

pytestmark = pytest.mark.browser


def test_add_to_the_want_list_from_the_review_queue(admin_page):
    from wantlist.models import WantList

    line = LineToReviewFactory(raw_text="Fleetwood Mac - Black Magic Woman", artist="Fleetwood Mac",
                               title="Black Magic Woman")
    page = admin_page
    page.goto(f"{page.live_server_url}/admin/library/linetoreview/")
    page.click("text=Fleetwood Mac - Black Magic Woman")
    page.wait_for_selector("#candidates")
    page.click("#line-tools button:has-text('Add to want list')")
    page.wait_for_selector("text=Want list: 1 added.")
    want = WantList.objects.get()
    assert want.found_in == line.tracklist and want.priority == 3
    page.click("text=See the want list")
    page.wait_for_selector("#result_list")
    assert "Black Magic Woman" in page.inner_text("#result_list")
    screenshot(page, "want-list")
