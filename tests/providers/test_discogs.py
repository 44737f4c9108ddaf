import datetime

import pytest

from providers.base import ProviderError, Unauthorized
from providers.discogs import Discogs
from tests.replay import fixture_json

SEARCH = "discogs/jdc-search-q-trash80.json"
RELEASE = "discogs/harmony-release-1503102.json"
OLD_RELEASE = "discogs/jdc-release-3329867.json"
TOKEN = "discogs-test-token-5f1c"


@pytest.fixture
def discogs(replay, settings):
    settings.DISCOGS_TOKEN = TOKEN
    return Discogs()


def test_search_maps_the_recorded_releases_and_sends_the_token_as_a_header(replay, discogs):
    replay.serve("/database/search", SEARCH)
    candidates = discogs.search_tracks("trash80", limit=50)
    releases = [item for item in fixture_json(SEARCH)["results"] if item["type"] == "release"]
    # The recorded body also holds one artist hit, which is not a release.
    assert len(candidates) == len(releases) == 12
    first = candidates[0]
    assert (first.source, first.external_id) == ("discogs", str(releases[0]["id"]))
    assert releases[0]["title"] == "Trash80 - Icarus"
    assert (first.artists, first.title, first.album) == (("Trash80",), "Icarus", "Icarus")
    assert first.label == releases[0]["label"] == "8bitpeoples"
    assert first.release_date == datetime.date(int(releases[0]["year"]), 1, 1)
    assert first.url == "https://www.discogs.com" + releases[0]["uri"]
    # "Not On Label" is Discogs's way of saying there is none.
    darwinia = next(candidate for candidate in candidates if candidate.external_id == "3329867")
    assert darwinia.label == "" and darwinia.artists == ("Trash80 & Dma-Sc",)

    request = replay.requests()[0]
    assert request.args["q"] == "trash80" and request.args["type"] == "release"
    assert (request.args["per_page"], request.args["page"]) == ("50", "1")
    assert request.headers["Authorization"] == f"Discogs token={TOKEN}"
    assert request.headers["User-Agent"].startswith("Cratedigger/")
    assert "token" not in request.args and TOKEN not in request.url


def test_release_maps_label_catalog_number_styles_and_artwork(replay, discogs):
    replay.serve("/releases/1503102", RELEASE)
    metadata = discogs.get_metadata("1503102")
    body = fixture_json(RELEASE)
    assert (metadata.source, metadata.external_id) == ("discogs", "1503102")
    assert metadata.album == body["title"] == "Never Gonna Give You Up"
    assert metadata.artists == ("Rick Astley",) and metadata.credit_name == "Rick Astley"
    assert metadata.label == body["labels"][0]["name"] == "RCA Victor"
    assert metadata.catalog_number == body["labels"][0]["catno"] == "TDS 407"
    # The style is the more specific tag, so it leads.
    assert metadata.genre == body["styles"][0] == "Synth-pop"
    assert metadata.genres == ("Synth-pop", "Electronic", "Pop")
    assert metadata.release_date == datetime.date(1987, 1, 1)
    primary = next(image for image in body["images"] if image["type"] == "primary")
    assert metadata.artwork_url == primary["uri"]
    assert metadata.url == body["uri"]
    assert metadata.ids == {"discogs_id": "1503102"}
    assert replay.requests()[0].headers["Authorization"] == f"Discogs token={TOKEN}"


def test_older_release_format_maps_joined_artists_and_skips_placeholders(replay, discogs):
    replay.serve("/releases/3329867", OLD_RELEASE)
    metadata = discogs.get_metadata("3329867")
    body = fixture_json(OLD_RELEASE)
    assert metadata.artists == ("Trash80", "Dma-Sc")
    assert metadata.credit_name == "Trash80 & Dma-Sc"
    # The label is "Not On Label" and the catalog number "none": both mean "not given".
    assert body["labels"][0]["catno"] == "none"
    assert (metadata.label, metadata.catalog_number) == ("", "")
    assert metadata.genre == body["styles"][0] == "Modern Classical"
    assert metadata.release_date == datetime.date(2005, 1, 1)
    # The test suite that recorded this body made its image URLs relative; those are useless.
    assert metadata.artwork_url == ""
    assert metadata.url == "https://www.discogs.com/release/3329867"


def test_unknown_release_is_none(replay, discogs):
    replay.serve("/releases/1", status=404)
    assert discogs.get_metadata("1") is None


def test_refused_token_raises_unauthorized_without_the_token(replay, discogs):
    replay.serve("/releases/1503102", status=401)
    with pytest.raises(Unauthorized) as caught:
        discogs.get_metadata("1503102")
    assert caught.value.provider == "discogs"
    assert TOKEN not in str(caught.value)
    assert TOKEN not in replay.requests()[0].url


@pytest.mark.parametrize(
    ("path", "body", "call"),
    [
        ("/releases/1503102", "<html><body>Service Unavailable</body></html>", lambda d: d.get_metadata("1503102")),
        ("/releases/1503102", "[]", lambda d: d.get_metadata("1503102")),
        ("/database/search", '{"results": "nothing", "pagination": {}}', lambda d: d.search_tracks("trash80")),
        ("/database/search", '{"pagination": {}}', lambda d: d.search_tracks("trash80")),
    ],
)
def test_garbage_raises_provider_error_naming_discogs(replay, discogs, path, body, call):
    replay.serve(path, body=body, content_type="text/html" if body.startswith("<") else None)
    with pytest.raises(ProviderError) as caught:
        call(discogs)
    assert caught.value.provider == "discogs"
    assert caught.value.endpoint.startswith(f"GET {path}")
    assert TOKEN not in str(caught.value)


def test_purchase_links_search_by_artist_and_track_then_ask_the_marketplace(replay, discogs):
    # No recorded /marketplace/stats body exists in the corpus, so this checks only the
    # requests and the "nothing listed" answer (404), not the price mapping.
    replay.serve("/database/search", SEARCH)
    for release_id in ("1743771", "1346442", "480740"):
        replay.serve(f"/marketplace/stats/{release_id}", status=404)
    assert discogs.purchase_links(artist="Trash80", title="Icarus") == []
    search, *stats = replay.requests()
    assert (search.args["artist"], search.args["track"], search.args["type"]) == ("Trash80", "Icarus", "release")
    assert [request.path for request in stats] == [
        "/marketplace/stats/1743771", "/marketplace/stats/1346442", "/marketplace/stats/480740",
    ]
    assert all(request.headers["Authorization"] == f"Discogs token={TOKEN}" for request in stats)
