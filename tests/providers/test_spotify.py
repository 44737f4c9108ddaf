import base64
import datetime
import json
import logging
from decimal import Decimal

import pytest
from django.core.cache import cache

from providers.base import PITCH_CLASSES, ProviderError, Unauthorized
from providers.spotify import Spotify, token_cache_key
from tests.replay import fixture_json

SEARCH_MUSE = "spotify/swaj-search-tracks-muse.json"
SEARCH_UPTOWN = "spotify/zmb3-search-tracks-uptown.json"
SEARCH_HAPPY = "spotify/beets-track_request.json"
SEARCH_EMPTY = "spotify/beets-missing_request.json"
TRACK_HAPPY = "spotify/beets-track_info.json"
TRACK_BRIGHTSIDE = "spotify/swaj-track-3n3Ppam7vgaVa1iaRUc9Lp.json"
TRACK_TIMBER = "spotify/zmb3-track-1zHlj4dQ8ZAtrayhuDDmkY.json"
FEATURES = "spotify/swaj-audio-features-06AKEBrKUckW0KREUWRnvT.json"

CLIENT_ID = "test-id"
CLIENT_SECRET = "test-secret-never-shown"
HTML = "<!DOCTYPE html><html><body>Service Unavailable</body></html>"


@pytest.fixture
def credentials(settings):
    settings.SPOTIFY_CLIENT_ID = CLIENT_ID
    settings.SPOTIFY_CLIENT_SECRET = CLIENT_SECRET


def serve_token(replay, token="token-1", expires_in=3600, times=None):
    body = json.dumps({"access_token": token, "token_type": "Bearer", "expires_in": expires_in})
    return replay.serve("/api/token", body=body, method="POST", times=times)


def token_requests(replay):
    return [request for request in replay.requests() if request.path == "/api/token"]


def api_requests(replay):
    return [request for request in replay.requests() if request.path.startswith("/v1/")]


def test_search_by_artist_and_title_maps_every_hit(replay, credentials):
    serve_token(replay)
    replay.serve("/v1/search", SEARCH_MUSE)
    candidates = Spotify().search_tracks(artist="Muse", title="Supermassive Black Hole", limit=25)
    items = fixture_json(SEARCH_MUSE)["tracks"]["items"]
    assert len(candidates) == len(items) == 10
    first, raw = candidates[0], items[0]
    assert (first.source, first.external_id) == ("spotify", raw["id"])
    assert first.title == raw["name"] == "Supermassive Black Hole"
    assert first.artists == ("Muse",)
    assert first.album == raw["album"]["name"]
    assert first.duration == round(raw["duration_ms"] / 1000)
    assert first.isrc == raw["external_ids"]["isrc"]
    assert first.url == raw["external_urls"]["spotify"]
    request = api_requests(replay)[0]
    assert request.args["q"] == 'track:"Supermassive Black Hole" artist:"Muse"'
    assert request.args["type"] == "track"
    assert request.args["limit"] == "10"  # Development Mode apps may ask for 10 at most
    assert request.headers["Authorization"] == "Bearer token-1"


def test_token_request_uses_basic_auth_and_client_credentials(replay, credentials):
    serve_token(replay)
    replay.serve("/v1/search", SEARCH_UPTOWN)
    candidates = Spotify().search_tracks("uptown", limit=2)
    assert [c.title for c in candidates] == ["Uptown Funk", "Uptown Girl"]
    assert candidates[0].artists == ("Mark Ronson", "Bruno Mars")
    (token_request,) = token_requests(replay)
    assert token_request.method == "POST"
    assert token_request.form["grant_type"] == "client_credentials"
    expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert token_request.headers["Authorization"] == f"Basic {expected}"
    assert CLIENT_SECRET not in token_request.url
    assert api_requests(replay)[0].args["q"] == "uptown"


def test_a_bare_isrc_is_searched_as_an_isrc(replay, credentials):
    serve_token(replay)
    replay.serve("/v1/search", SEARCH_HAPPY)
    Spotify().search_tracks("usq4e1300686")
    assert api_requests(replay)[0].args["q"] == "isrc:USQ4E1300686"


def test_empty_search_is_an_empty_list(replay, credentials):
    serve_token(replay)
    replay.serve("/v1/search", SEARCH_EMPTY)
    assert Spotify().search_tracks(artist="lkajsdflakjsd", title="duifhjslkef") == []


def test_track_lookup_maps_the_recorded_track(replay, credentials):
    serve_token(replay)
    replay.serve("/v1/tracks/6NPVjNh8Jhru9xOmyQigds", TRACK_HAPPY)
    metadata = Spotify().get_metadata("6NPVjNh8Jhru9xOmyQigds")
    raw = fixture_json(TRACK_HAPPY)
    assert (metadata.source, metadata.external_id) == ("spotify", "6NPVjNh8Jhru9xOmyQigds")
    assert metadata.title == raw["name"] == "Happy"
    assert metadata.artists == ("Pharrell Williams",)
    assert metadata.credit_name == "Pharrell Williams"
    assert metadata.album == raw["album"]["name"]
    assert metadata.album_artist == "Various Artists"
    assert metadata.release_date == datetime.date(2013, 6, 18)
    assert metadata.duration == round(raw["duration_ms"] / 1000) == 233
    assert metadata.isrc == raw["external_ids"]["isrc"] == "USQ4E1300686"
    assert (metadata.track_number, metadata.disc_number) == (raw["track_number"], raw["disc_number"]) == (4, 1)
    assert metadata.artwork_url == raw["album"]["images"][0]["url"]  # the 640x640 one
    assert metadata.url == raw["external_urls"]["spotify"]
    assert metadata.ids == {"spotify_id": "6NPVjNh8Jhru9xOmyQigds"}


def test_several_artists_make_one_credit_and_the_largest_image_wins(replay, credentials):
    serve_token(replay)
    replay.serve("/v1/tracks/1zHlj4dQ8ZAtrayhuDDmkY", TRACK_TIMBER)
    replay.serve("/v1/tracks/3n3Ppam7vgaVa1iaRUc9Lp", TRACK_BRIGHTSIDE)
    client = Spotify()
    timber = client.get_metadata("1zHlj4dQ8ZAtrayhuDDmkY")
    assert timber.artists == ("Pitbull", "Ke$ha")
    assert timber.credit_name == "Pitbull, Ke$ha"
    assert timber.isrc == "USRC11301695"
    brightside = client.get_metadata("3n3Ppam7vgaVa1iaRUc9Lp")
    images = fixture_json(TRACK_BRIGHTSIDE)["album"]["images"]
    largest = max(images, key=lambda image: image["width"] * image["height"])
    assert brightside.artwork_url == largest["url"]
    assert brightside.release_date is None  # this recorded album carries no release_date
    assert brightside.track_number == 2


def test_unknown_track_is_none(replay, credentials):
    serve_token(replay)
    replay.serve("/v1/tracks/0000000000000000000000",
                 body='{"error":{"status":404,"message":"Not found."}}', status=404)
    assert Spotify().get_metadata("0000000000000000000000") is None


def test_isrc_lookup_returns_the_first_hit_with_that_isrc(replay, credentials):
    serve_token(replay)
    replay.serve("/v1/search", SEARCH_HAPPY)
    client = Spotify()
    metadata = client.lookup_isrc("USQ4E1300686")
    assert metadata.title == "Happy"
    assert metadata.isrc == "USQ4E1300686"
    assert metadata.ids == {"spotify_id": "6NPVjNh8Jhru9xOmyQigds"}
    assert api_requests(replay)[0].args["q"] == "isrc:USQ4E1300686"
    # A hit that carries another ISRC is not the recording asked for.
    assert client.lookup_isrc("GBAHT0500593") is None


def test_audio_features_give_bpm_and_key(replay, credentials):
    serve_token(replay)
    replay.serve("/v1/audio-features/06AKEBrKUckW0KREUWRnvT", FEATURES)
    features = Spotify().audio_features("06AKEBrKUckW0KREUWRnvT")
    raw = fixture_json(FEATURES)
    assert features.external_id == raw["id"]
    assert features.bpm == Decimal(str(raw["tempo"])).quantize(Decimal("0.01")) == Decimal("98.00")
    assert (raw["key"], raw["mode"]) == (5, 0)
    assert features.key == f"{PITCH_CLASSES[5]} minor" == "F minor"


def test_audio_features_closed_to_the_app_is_none_not_an_error(replay, credentials):
    serve_token(replay)
    replay.serve("/v1/audio-features/06AKEBrKUckW0KREUWRnvT", body='{"error":{"status":403}}', status=403)
    assert Spotify().audio_features("06AKEBrKUckW0KREUWRnvT") is None
    assert len(token_requests(replay)) == 1  # a 403 is not a stale token: no renewal


def test_token_is_fetched_once_for_two_calls_and_again_after_expiry(replay, credentials):
    serve_token(replay)
    replay.serve("/v1/tracks/6NPVjNh8Jhru9xOmyQigds", TRACK_HAPPY)
    replay.serve("/v1/audio-features/06AKEBrKUckW0KREUWRnvT", FEATURES)
    client = Spotify()
    client.get_metadata("6NPVjNh8Jhru9xOmyQigds")
    Spotify().audio_features("06AKEBrKUckW0KREUWRnvT")  # another instance shares the cached token
    assert len(token_requests(replay)) == 1
    assert cache.get(token_cache_key(CLIENT_ID)) == "token-1"
    # Expiry: the cache entry is gone, so the next call asks for a new token.
    cache.delete(token_cache_key(CLIENT_ID))
    client.get_metadata("6NPVjNh8Jhru9xOmyQigds", force_refresh=True)
    assert len(token_requests(replay)) == 2


def test_a_token_about_to_expire_is_not_reused(replay, credentials):
    serve_token(replay, expires_in=30)  # shorter than the renewal margin
    replay.serve("/v1/tracks/6NPVjNh8Jhru9xOmyQigds", TRACK_HAPPY)
    client = Spotify()
    client.get_metadata("6NPVjNh8Jhru9xOmyQigds")
    client.get_metadata("6NPVjNh8Jhru9xOmyQigds", force_refresh=True)
    assert len(token_requests(replay)) == 2
    assert cache.get(token_cache_key(CLIENT_ID)) is None


def test_a_401_renews_the_token_and_retries_once(replay, credentials):
    serve_token(replay, token="token-old", times=1)
    serve_token(replay, token="token-new")
    replay.serve("/v1/tracks/6NPVjNh8Jhru9xOmyQigds", body='{"error":{"status":401}}', status=401, times=1)
    replay.serve("/v1/tracks/6NPVjNh8Jhru9xOmyQigds", TRACK_HAPPY)
    metadata = Spotify().get_metadata("6NPVjNh8Jhru9xOmyQigds")
    assert metadata.title == "Happy"
    assert [r.headers["Authorization"] for r in api_requests(replay)] == ["Bearer token-old", "Bearer token-new"]
    assert len(token_requests(replay)) == 2
    assert cache.get(token_cache_key(CLIENT_ID)) == "token-new"


def test_a_second_401_is_raised_not_retried_forever(replay, credentials):
    serve_token(replay)
    replay.serve("/v1/tracks/6NPVjNh8Jhru9xOmyQigds", body='{"error":{"status":401}}', status=401)
    with pytest.raises(Unauthorized) as caught:
        Spotify().get_metadata("6NPVjNh8Jhru9xOmyQigds")
    assert caught.value.provider == "spotify"
    assert len(api_requests(replay)) == 2


@pytest.mark.parametrize(
    ("path", "body", "call", "endpoint"),
    [
        ("/v1/tracks/x", HTML, lambda c: c.get_metadata("x"), "GET /tracks/{id}"),
        ("/v1/tracks/x", '{"id": 5, "name": "Happy", "artists": []}',
         lambda c: c.get_metadata("x"), "GET /tracks/{id}"),
        ("/v1/tracks/x", '{"name": "Happy"}', lambda c: c.get_metadata("x"), "GET /tracks/{id}"),
        ("/v1/search", '{"tracks": []}', lambda c: c.search_tracks("happy"), "GET /search"),
        ("/v1/search", '{"tracks": {"items": [{"id": "x"}]}}', lambda c: c.search_tracks("happy"), "GET /search"),
        ("/v1/audio-features/x", '{"error": "none"}', lambda c: c.audio_features("x"), "GET /audio-features/{id}"),
    ],
)
def test_garbage_raises_provider_error_naming_spotify(replay, credentials, path, body, call, endpoint):
    serve_token(replay)
    replay.serve(path, body=body)
    with pytest.raises(ProviderError) as caught:
        call(Spotify())
    assert caught.value.provider == "spotify"
    assert caught.value.endpoint == endpoint
    assert str(caught.value).startswith(f"spotify: {endpoint}: ")


def test_refused_credentials_are_asked_about_once(replay, credentials):
    replay.serve("/api/token", body='{"error":"invalid_client"}', method="POST", status=401)
    with pytest.raises(Unauthorized) as caught:
        Spotify().get_metadata("x")
    assert caught.value.endpoint == "POST /api/token"
    assert len(token_requests(replay)) == 1
    assert api_requests(replay) == []


def test_garbage_token_answer_raises_provider_error(replay, credentials):
    replay.serve("/api/token", body='{"token_type": "Bearer"}', method="POST")
    with pytest.raises(ProviderError) as caught:
        Spotify().get_metadata("x")
    assert (caught.value.provider, caught.value.endpoint) == ("spotify", "POST /api/token")


@pytest.mark.parametrize(
    ("token_status", "token_body", "api_status", "api_body"),
    [
        (400, '{"error":"invalid_client","error_description":"Invalid client secret"}', None, None),
        (401, '{"error":"invalid_client"}', None, None),
        (200, HTML, None, None),
        (200, None, 401, '{"error":{"status":401,"message":"Invalid access token"}}'),
        (200, None, 200, HTML),
        (200, None, 400, '{"error":{"status":400,"message":"Invalid limit"}}'),
    ],
)
def test_the_secret_and_token_never_appear_in_errors_or_logs(
    replay, credentials, caplog, token_status, token_body, api_status, api_body
):
    caplog.set_level(logging.DEBUG)
    token = "token-never-shown"
    if token_body is None:
        serve_token(replay, token=token)
    else:
        replay.serve("/api/token", body=token_body, method="POST", status=token_status)
    if api_status is not None:
        replay.serve("/v1/tracks/x", body=api_body, status=api_status)
    with pytest.raises(ProviderError) as caught:
        Spotify().get_metadata("x")
    for secret in (CLIENT_SECRET, token, base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()):
        assert secret not in str(caught.value)
        assert secret not in caplog.text


def test_disabled_without_credentials_says_where_to_get_them(settings):
    settings.SPOTIFY_CLIENT_ID = ""
    settings.SPOTIFY_CLIENT_SECRET = ""
    reason = Spotify.disabled_reason()
    assert "SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET are not set" in reason
    assert "https://developer.spotify.com/dashboard" in reason


def test_check_fetches_a_token_and_searches(replay, credentials):
    serve_token(replay)
    replay.serve("/v1/search", SEARCH_UPTOWN)
    assert Spotify().check() == "token accepted; search answered with 2 tracks"
