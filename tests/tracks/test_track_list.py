"""The track list: one count a page, the same queries for 1 or 500 rows, exact id search, cheap filters."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import TrackFactory, UserFactory
from tests.services import clear_test_cache
from tracks import selectors

pytestmark = pytest.mark.django_db
URL = reverse("admin:tracks_track_changelist")


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory())
    return client


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
    assert sum("COUNT(" in sql.upper() for sql in five_hundred) == 1


@pytest.mark.parametrize("column", range(1, 10))
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


def test_genre_key_and_file_filters(admin_client):
    clear_test_cache()  # the filters list values from a cache that lives five minutes
    techno = TrackFactory(genre="Techno", key="8A", file_path="/music/a.flac")
    TrackFactory(genre="House", key="9A")
    response, _ = page_queries(admin_client, {"genre": "Techno"})
    assert list(response.context["cl"].result_list) == [techno]
    response, _ = page_queries(admin_client, {"key": "8A", "has_file": "yes"})
    assert list(response.context["cl"].result_list) == [techno]
    assert ">Techno<" in response.content.decode() and ">House<" in response.content.decode()
