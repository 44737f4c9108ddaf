import datetime
from decimal import Decimal

import pytest

from providers.base import Capability, ProviderError, RateLimited
from providers.deezer import Deezer
from tests.replay import fixture_json

SEARCH = "deezer/dzpy-search-track-soliloquy.json"
TRACK = "deezer/dzpy-track-3135556.json"
DUET = "deezer/harmony-track-2947516331.json"

# Hand-written bodies in the format Deezer documents at https://developers.deezer.com/api/errors
# (Deezer sends them with HTTP 200); no recorded error body is in the corpus.
NO_DATA = '{"error":{"type":"DataException","message":"no data","code":800}}'
QUOTA = '{"error":{"type":"Exception","message":"Quota limit exceeded","code":4}}'
BAD_QUERY = '{"error":{"type":"InvalidQueryException","message":"Invalid query","code":600}}'


def test_search_maps_every_track_in_the_recorded_body(replay):
    replay.serve("/search/track", SEARCH)
    candidates = Deezer().search_tracks("Soliloquy", limit=25)
    tracks = fixture_json(SEARCH)["data"]
    assert len(candidates) == len(tracks) == 25
    first, recorded = candidates[0], tracks[0]
    assert (first.source, first.external_id) == ("deezer", str(recorded["id"]))
    assert first.title == recorded["title"] == "Soliloquy"
    assert first.artists == (recorded["artist"]["name"],) == ("Dave Brubeck",)
    assert first.album == recorded["album"]["title"]
    assert first.duration == recorded["duration"]
    assert first.url == recorded["link"]
    request = replay.requests()[0]
    assert (request.args["q"], request.args["limit"]) == ("Soliloquy", "25")


def test_search_by_artist_and_title_uses_the_advanced_syntax(replay):
    replay.serve("/search/track", SEARCH)
    Deezer().search_tracks(artist="Dave Brubeck", title='Soliloquy "live"')
    assert replay.requests()[0].args["q"] == 'artist:"Dave Brubeck" track:"Soliloquy live"'


def test_track_lookup_maps_the_recorded_fields(replay):
    replay.serve("/track/3135556", TRACK)
    metadata = Deezer().get_metadata("3135556")
    body = fixture_json(TRACK)
    assert (metadata.source, metadata.external_id) == ("deezer", "3135556")
    assert metadata.title == body["title"] == "Harder Better Faster Stronger"
    assert metadata.artists == ("Daft Punk",) and metadata.credit_name == "Daft Punk"
    assert metadata.album == body["album"]["title"] == "Discovery"
    assert metadata.isrc == body["isrc"] == "GBDUW0000059"
    assert metadata.release_date == datetime.date(2001, 3, 7)
    assert metadata.duration == body["duration"] == 224
    assert metadata.bpm == Decimal(body["bpm"]) == Decimal(123)
    assert (metadata.track_number, metadata.disc_number) == (body["track_position"], body["disk_number"]) == (4, 1)
    assert metadata.artwork_url == body["album"]["cover_xl"]
    assert metadata.url == body["link"]
    assert metadata.ids == {"deezer_id": "3135556"}


def test_isrc_lookup_lists_every_contributor_and_drops_an_unmeasured_bpm(replay):
    replay.serve("/track/isrc:USUM72409273", DUET)
    metadata = Deezer().lookup_isrc("usum72409273")
    body = fixture_json(DUET)
    assert metadata.external_id == str(body["id"])
    assert metadata.artists == tuple(item["name"] for item in body["contributors"]) == ("Lady Gaga", "Bruno Mars")
    assert body["artist"]["name"] == "Lady Gaga"
    assert body["bpm"] == 0 and metadata.bpm is None
    assert metadata.isrc == "USUM72409273"


def test_no_data_in_a_200_answer_is_none(replay):
    replay.serve("/track/1", body=NO_DATA)
    replay.serve("/track/isrc:XX0000000000", body=NO_DATA)
    client = Deezer()
    assert client.get_metadata("1") is None
    assert client.lookup_isrc("XX0000000000") is None


def test_quota_in_a_200_answer_raises_rate_limited(replay):
    replay.serve("/track/3135556", body=QUOTA)
    with pytest.raises(RateLimited) as caught:
        Deezer().get_metadata("3135556")
    assert caught.value.provider == "deezer" and caught.value.retry_after == 5


def test_other_errors_in_a_200_answer_raise_provider_error_with_the_message(replay):
    replay.serve("/search/track", body=BAD_QUERY)
    with pytest.raises(ProviderError) as caught:
        Deezer().search_tracks("x")
    assert caught.value.provider == "deezer" and caught.value.endpoint == "GET /search/track"
    assert "Invalid query" in str(caught.value) and "600" in str(caught.value)


@pytest.mark.parametrize(
    ("path", "body", "call"),
    [
        ("/track/3135556", "<html><body>Bad gateway</body></html>", lambda d: d.get_metadata("3135556")),
        ("/track/3135556", '{"id": 3135556}', lambda d: d.get_metadata("3135556")),
        ("/track/3135556", '"track"', lambda d: d.get_metadata("3135556")),
        ("/search/track", '{"data": {"id": 1}}', lambda d: d.search_tracks("x")),
    ],
)
def test_garbage_raises_provider_error_naming_deezer(replay, path, body, call):
    replay.serve(path, body=body, content_type="text/html" if body.startswith("<") else None)
    with pytest.raises(ProviderError) as caught:
        call(Deezer())
    assert caught.value.provider == "deezer" and caught.value.endpoint == f"GET {path}"


def test_deezer_offers_no_purchase_links():
    # It is a streaming service: nothing there to buy.
    assert Capability.PURCHASE_LINKS not in Deezer.capabilities


def test_check_reports_the_search_answer(replay):
    replay.serve("/search/track", SEARCH)
    assert Deezer().check() == "search answered with 25 tracks"
