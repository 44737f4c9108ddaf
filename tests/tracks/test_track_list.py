"""The track list: one count a page, the same queries for 1 or 500 rows, exact id search, cheap filters."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import TrackFactory
from tests.services import clear_test_cache
from tracks import selectors
from tracks.admin import TrackAdmin

pytestmark = pytest.mark.django_db
URL = reverse("admin:tracks_track_changelist")


def page_queries(client, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return response, [query["sql"] for query in queries.captured_queries]


def test_a_page_costs_the_same_queries_for_1_or_500_tracks_and_counts_once(admin_client):
    TrackFactory()
    page_queries(admin_client)  # warm the session, content types and the filters' cache
    _, one = page_queries(admin_client)
    TrackFactory.create_batch(499)
    response, five_hundred = page_queries(admin_client)
    assert response.context["cl"].result_count == 500
    assert len(five_hundred) == len(one), five_hundred
    # One count of the tracks (the sidebar's count of lines to review is of another table).
    assert sum("COUNT(" in sql.upper() and '"tracks_track"' in sql for sql in five_hundred) == 1


SORTABLE = [index for index, name in enumerate(TrackAdmin.list_display, start=1)
            if name in ("title", "genre", "label", "isrc")
            or getattr(getattr(TrackAdmin, name, None), "admin_order_field", None)]


@pytest.mark.parametrize("column", SORTABLE)
def test_sorting_by_any_column_orders_by_it_then_the_id_only(admin_client, column):
    TrackFactory.create_batch(3)
    _, queries = page_queries(admin_client, {"o": str(column)})
    page = [sql for sql in queries if 'FROM "tracks_track"' in sql and "ORDER BY" in sql.upper()][-1]
    order_by = page.upper().split("ORDER BY", 1)[1]
    assert order_by.count(",") == 1 and '"ID" DESC' in order_by, order_by


def test_prefixed_ids_and_bare_isrcs_find_one_track_exactly(admin_client):
    wanted = TrackFactory(title="Strobe", spotify_id="4uLU6hMCjMI75M1A2tKUQC", isrc="USUS11000356",
                          musicbrainz_recording_id="11111111-2222-3333-4444-555555555555")
    TrackFactory(title="Strobe (Club Edit)", spotify_id="4uLU6hMCjMI75M1A2tKUQCX", isrc="USUS11000357")
    for term in ("spotify:4uLU6hMCjMI75M1A2tKUQC", "isrc:usus-11000356", "USUS11000356",
                 "mbid: 11111111-2222-3333-4444-555555555555"):
        response, _ = page_queries(admin_client, {"q": term})
        assert list(response.context["cl"].result_list) == [wanted], term
    response, _ = page_queries(admin_client, {"q": "strobe"})
    assert response.context["cl"].result_count == 2
    assert selectors.track_id_lookup("Daft Punk: One More Time") is None  # a colon in text is not a prefix


def test_the_crate_filters(admin_client):
    import datetime
    from decimal import Decimal

    clear_test_cache()  # the filters list values from a cache that lives five minutes
    techno = TrackFactory(genre="Techno", key="A minor", bpm=Decimal("128"), file_path="/music/a.flac",
                          release_date=datetime.date(2016, 5, 1), spotify_id="sp1", metadata_fetched_at=None)
    mixes = TrackFactory(genre="House", key="9A", bpm=Decimal("122"), release_date=datetime.date(1996, 1, 1))
    far = TrackFactory(genre="House", key="2B", bpm=Decimal("174"))

    def shown(**params):
        response, _ = page_queries(admin_client, params)
        return set(response.context["cl"].result_list), response.content.decode()

    assert shown(genre="Techno")[0] == {techno}
    assert shown(key="8A", has_file="yes")[0] == {techno}
    assert shown(key="8A+")[0] == {techno, mixes}  # 9A mixes with 8A; 2B does not
    # BPM and year are ranges, from … to …; a bound that is no number is left out, not an error.
    assert shown(bpm_from="125", bpm_to="135")[0] == {techno} and shown(bpm_from="150")[0] == {far}
    assert shown(bpm_from="abc", bpm_to="1e999")[0] == {techno, mixes, far}
    assert shown(year_from="2010", year_to="2019")[0] == {techno} and shown(year_to="1999")[0] == {mixes}
    assert shown(year_from="\x00")[0] == {techno, mixes, far}
    assert shown(known_to="spotify")[0] == {techno}
    assert techno in shown(metadata="stale")[0]
    page = shown()[1]
    # Keys listed in wheel order, each in both notations.
    assert page.index("8A · A minor") < page.index("9A · E minor") and "2B · F# major" in page
    assert ">Techno<" in page and ">House<" in page
    # Provider ids and the "known to" badges: Spotify's for the track it knows.
    assert 'title="Spotify">SP</abbr>' in page
