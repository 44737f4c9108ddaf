import datetime

import pytest
from django.utils import timezone

from library.models import DiscoveryStatus
from tests.browser.conftest import screenshot
from tests.factories import LibraryTrackFactory, TrackDiscoveryFactory, TrackFactory, TracklistFactory, WantListFactory
from tests.services import clear_test_cache

pytestmark = pytest.mark.browser


@pytest.fixture
def discoveries():
    """A week of digging: techno and house tracks sighted in two mixes, lines identified by the providers."""
    clear_test_cache()  # the page's figures are cached for 15 minutes
    now = timezone.now()
    mixes = [TracklistFactory(name="Fabric 101", dj="Ben Klock"), TracklistFactory(name="Boiler Room", dj="Peggy Gou")]
    tracks = [
        ("Subzero", "Ben Klock", "Ostgut Ton", "Techno"), ("Glue", "Bicep", "Ninja Tune", "Techno"),
        ("Dark Sky", "Slam", "Soma", "Techno"), ("Starry Night", "Peggy Gou", "Gudu", "House"),
        ("Apricots", "Bicep", "Ninja Tune", "House"),
    ]
    entries = []
    for n, (title, artist, label, genre) in enumerate(tracks):
        entry = LibraryTrackFactory(track=TrackFactory(title=title, credit_name=artist, label=label, genre=genre))
        for mix in mixes[: 1 + n % 2]:
            TrackDiscoveryFactory(tracklist=mix, library_track=entry, status=DiscoveryStatus.IDENTIFIED, method="api",
                                  sources_consulted=["musicbrainz", "spotify"], identified_at=now)
        if n < 2:
            TrackDiscoveryFactory(tracklist=mixes[1], library_track=entry, status=DiscoveryStatus.IDENTIFIED,
                                  identified_at=now - datetime.timedelta(days=35))
        entries.append(entry)
    WantListFactory(library_track=entries[0], status="purchased")
    WantListFactory(library_track=entries[3])
    yield
    clear_test_cache()


def test_the_statistics_page_draws_its_charts_and_each_figure_opens_its_rows(admin_page, discoveries):
    url = f"{admin_page.live_server_url}/admin/library/discoverystatistics/"
    admin_page.goto(url)
    assert admin_page.inner_text("#tracks-discovered") == "5"
    # The theme's charts, drawn by its bundled Chart.js (served from static files, not a CDN).
    assert admin_page.evaluate("typeof Chart") == "function"
    charts = admin_page.locator("#statistics canvas.chart")
    assert charts.count() >= 7
    for index in range(charts.count()):
        assert charts.nth(index).bounding_box()["height"] > 100, index
    assert admin_page.evaluate("Chart.getChart(document.querySelector('#chart-genres canvas')).data.labels") == [
        "Techno", "House",
    ]
    screenshot(admin_page, "statistics")

    # A figure's link opens the library filtered to it.
    admin_page.click("#figures-genres a:has-text('Techno')")
    admin_page.wait_for_url("**/admin/library/librarytrack/?genre=Techno")
    shown = admin_page.locator("#result_list tbody tr").all_inner_texts()
    assert len(shown) == 3 and all("Techno" in row for row in shown)

    # So does a click on a bar: House is the second one.
    admin_page.goto(url)
    canvas = admin_page.locator("#chart-genres canvas")
    box = canvas.bounding_box()
    bar = admin_page.evaluate("""() => {
        const bar = Chart.getChart(document.querySelector('#chart-genres canvas')).getDatasetMeta(0).data[1];
        return {x: bar.x, y: (bar.y + bar.base) / 2};
    }""")
    admin_page.mouse.click(box["x"] + bar["x"], box["y"] + bar["y"])
    admin_page.wait_for_url("**/admin/library/librarytrack/?genre=House")

    # The sightings behind the headline figures, and a mix.
    admin_page.goto(url)
    admin_page.click("#counts a:has(#tracks-discovered)")
    admin_page.wait_for_url("**/admin/library/trackdiscovery/?status__in=*")
    assert admin_page.locator("#result_list tbody tr").count() == 7  # this week's sightings
    admin_page.goto(url)
    admin_page.click("#figures-mixes a:has-text('Fabric 101')")
    admin_page.wait_for_selector("text=Fabric 101")
    assert "/admin/library/tracklist/" in admin_page.url and admin_page.url.endswith("/change/")


def test_the_period_switcher_and_the_stored_summaries(admin_page, discoveries):
    admin_page.goto(f"{admin_page.live_server_url}/admin/library/discoverystatistics/")
    admin_page.click("#periods a:has-text('All time')")
    admin_page.wait_for_url("**/?period=all-time")
    assert admin_page.inner_text("#periods [aria-current=page]") == "All time"
    assert admin_page.inner_text("#tracks-discovered") == "5"
    assert "Since" in admin_page.inner_text("#period-dates")
    screenshot(admin_page, "statistics-all-time")
    # Another day: the month of 35 days ago holds the two older sightings (and maybe this week's).
    day = (timezone.localdate() - datetime.timedelta(days=35))
    admin_page.click("#periods a:has-text('Month')")
    admin_page.fill("#stats-date", day.isoformat())
    admin_page.click("#period-day button")
    admin_page.wait_for_url(f"**/?period=monthly&date={day.isoformat()}")
    assert admin_page.inner_text("#period-dates").startswith(day.replace(day=1).strftime("%b"))
    admin_page.click("#stored-summaries")
    admin_page.wait_for_url("**/admin/library/discoverystatistics/stored/")
    assert admin_page.is_visible("#changelist") and "Stored discovery summaries" in admin_page.title()
