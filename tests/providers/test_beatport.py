import datetime
from decimal import Decimal

import pytest

from providers.base import ProviderError, Unauthorized
from providers.beatport import Beatport, map_metadata
from tests.replay import fixture_json

TRACKS = "beatport/postmanlog-catalog-tracks-name-feeling-artist-newtone.json"
TOKEN = "beatport-test-token-93ad"


@pytest.fixture
def beatport(replay, settings):
    settings.BEATPORT_TOKEN = TOKEN
    return Beatport()


def recorded(index: int) -> dict:
    return fixture_json(TRACKS)["results"][index]


def test_search_by_artist_and_title_maps_the_recorded_tracks(replay, beatport):
    replay.serve("/v4/catalog/tracks/", TRACKS)
    candidates = beatport.search_tracks(artist="Newtone", title="feeling")
    assert len(candidates) == fixture_json(TRACKS)["count"] == 2
    first, track = candidates[0], recorded(0)
    assert (first.source, first.external_id) == ("beatport", str(track["id"]))
    # The name and the mix name kept apart, as Beatport keeps them.
    assert (first.title, first.version) == (track["name"], track["mix_name"]) == ("Feeling", "Original Mix")
    assert first.artists == ("Newtone",)
    assert candidates[1].artists == ("Newtone", "4LV")
    assert first.album == track["release"]["name"]
    assert first.isrc == track["isrc"] == "NL3M12513031"
    assert first.label == track["release"]["label"]["name"] == "Bassfeature"
    assert first.duration == round(track["length_ms"] / 1000) == 434
    assert first.release_date == datetime.date(2025, 8, 15)
    assert first.url == "https://www.beatport.com/track/feeling/20722554"

    request = replay.requests()[0]
    assert (request.args["name"], request.args["artist_name"], request.args["per_page"]) == ("feeling", "Newtone", "10")
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in request.url


def test_recorded_track_maps_bpm_key_label_and_catalog_number():
    # No single-track (GET /catalog/tracks/{id}/) body is in the corpus; the search
    # answer carries the same track objects, so the mapper is checked on those.
    track = recorded(0)
    metadata = map_metadata(track)
    assert (metadata.title, metadata.version) == ("Feeling", "Original Mix")
    assert metadata.bpm == Decimal(track["bpm"]) == Decimal(124)
    assert metadata.key == track["key"]["name"] == "E Major"
    assert metadata.isrc == "NL3M12513031"
    assert metadata.label == "Bassfeature" and metadata.labels == ("Bassfeature",)
    assert metadata.catalog_number == track["catalog_number"] == "BF291"
    assert metadata.genre == track["genre"]["name"] == "Techno (Peak Time / Driving)"
    assert metadata.release_date == datetime.date(2025, 8, 15)
    assert metadata.duration == 434
    assert metadata.artwork_url == track["release"]["image"]["uri"]
    assert metadata.slug == "feeling"
    assert metadata.url == "https://www.beatport.com/track/feeling/20722554"
    assert metadata.ids == {"beatport_id": "20722554"}
    second = map_metadata(recorded(1))
    assert (second.key, second.bpm, second.catalog_number) == ("Gb Minor", Decimal(87), "CAT90141")
    assert second.credit_name == "Newtone, 4LV"


def test_purchase_links_carry_the_store_price(replay, beatport):
    replay.serve("/v4/catalog/tracks/", TRACKS)
    links = beatport.purchase_links(artist="Newtone", title="feeling")
    track = recorded(0)
    assert [link.external_id for link in links] == ["20722554", "8476663"]
    assert links[0].store == "Beatport"
    assert links[0].url == "https://www.beatport.com/track/feeling/20722554"
    assert links[0].price == Decimal(str(track["price"]["value"])) == Decimal("1.49")
    assert links[0].currency == track["price"]["code"] == "USD"


def test_free_query_uses_catalog_search(replay, beatport):
    # Hand-written empty answer: no recorded /catalog/search/ body is in the corpus.
    replay.serve("/v4/catalog/search/", body='{"tracks": []}')
    assert beatport.search_tracks("newtone feeling") == []
    request = replay.requests()[0]
    assert (request.args["q"], request.args["type"]) == ("newtone feeling", "tracks")


def test_unknown_track_is_none(replay, beatport):
    replay.serve("/v4/catalog/tracks/1/", status=404)
    assert beatport.get_metadata("1") is None


def test_refused_token_raises_unauthorized_naming_beatport(replay, beatport):
    replay.serve("/v4/catalog/tracks/20722554/", status=401)
    with pytest.raises(Unauthorized) as caught:
        beatport.get_metadata("20722554")
    assert caught.value.provider == "beatport"
    assert "beatport" in str(caught.value) and TOKEN not in str(caught.value)


@pytest.mark.parametrize(
    ("path", "body", "call"),
    [
        ("/v4/catalog/tracks/", "<html><body>Just a moment...</body></html>",
         lambda b: b.search_tracks(artist="Newtone", title="feeling")),
        ("/v4/catalog/tracks/", '{"results": [{"id": 1}]}', lambda b: b.search_tracks(artist="Newtone", title="x")),
        ("/v4/catalog/tracks/", '{"detail": "ok"}', lambda b: b.purchase_links(artist="Newtone", title="feeling")),
        ("/v4/catalog/tracks/5/", "[]", lambda b: b.get_metadata("5")),
    ],
)
def test_garbage_raises_provider_error_naming_beatport(replay, beatport, path, body, call):
    replay.serve(path, body=body, content_type="text/html" if body.startswith("<") else None)
    with pytest.raises(ProviderError) as caught:
        call(beatport)
    assert caught.value.provider == "beatport"
    assert caught.value.endpoint == f"GET {path.removeprefix('/v4')}"


def test_check_reports_the_search_answer(replay, beatport):
    replay.serve("/v4/catalog/tracks/", TRACKS)
    assert beatport.check() == "search answered with 1 track"
