import datetime
import logging
from decimal import Decimal

import pytest

from providers.base import PITCH_CLASSES, ProviderError
from providers.soundcharts import SongPage, Soundcharts
from tests.replay import fixture_json

SONG_V225 = "soundcharts/mcai-song-v2.25-7d534228-bad-guy.json"
SONG_V2 = "soundcharts/instr-song-7d534228-bad-guy.json"
BY_ISRC = "soundcharts/instr-song-by-isrc-USAT22003158.json"
ARTIST_SONGS = "soundcharts/instr-artist-songs-alessia-cara-p1.json"
ERROR_404 = "soundcharts/instr-error-404.json"

BAD_GUY = "7d534228-5165-11e9-9375-549f35161576"
ALESSIA_CARA = "11e81bbe-5b34-a426-8614-a0369fe50396"
APP_ID = "test-app"
API_KEY = "test-key-never-shown"
HTML = "<!DOCTYPE html><html><body>Bad gateway</body></html>"


@pytest.fixture
def credentials(settings):
    settings.SOUNDCHARTS_APP_ID = APP_ID
    settings.SOUNDCHARTS_API_KEY = API_KEY


def test_v2_25_song_maps_labels_genres_duration_and_audio(replay, credentials):
    replay.serve(f"/api/v2.25/song/{BAD_GUY}", SONG_V225)
    metadata = Soundcharts().get_metadata(BAD_GUY)
    song = fixture_json(SONG_V225)["object"]
    assert (metadata.source, metadata.external_id) == ("soundcharts", BAD_GUY)
    assert metadata.title == song["name"] == "bad guy"
    assert metadata.artists == ("Billie Eilish",)
    assert metadata.credit_name == song["creditName"]
    assert metadata.isrc == song["isrc"]["value"] == "USUM71900764"
    assert metadata.release_date == datetime.date(2019, 3, 29)
    assert metadata.duration == song["duration"] == 194
    assert metadata.labels == tuple(label["name"] for label in song["labels"]) == ("Interscope", "Darkroom")
    assert metadata.label == "Interscope"
    assert metadata.genres == tuple(genre["root"] for genre in song["genres"]) == ("alternative", "electronic", "rock")
    assert metadata.genre == "alternative"
    assert metadata.bpm == Decimal(str(song["audio"]["tempo"])) == Decimal("135.13")
    assert (song["audio"]["key"], song["audio"]["mode"]) == (7, 1)
    assert metadata.key == f"{PITCH_CLASSES[7]} major" == "G major"
    assert metadata.artwork_url == song["imageUrl"]
    assert metadata.url == song["appUrl"]
    assert metadata.ids == {"soundcharts_uuid": BAD_GUY}
    request = replay.requests()[0]
    assert request.headers["x-app-id"] == APP_ID
    assert request.headers["x-api-key"] == API_KEY
    assert API_KEY not in request.url


def test_v2_song_maps_its_single_label_and_plain_isrc(replay, credentials):
    replay.serve(f"/api/v2.25/song/{BAD_GUY}", SONG_V2)
    metadata = Soundcharts().get_metadata(BAD_GUY)
    song = fixture_json(SONG_V2)["object"]
    assert metadata.title == "bad guy"
    assert metadata.credit_name == song["creditName"] == "Billie Eilish & Justin Bieber"
    assert metadata.artists == ("Billie Eilish",)
    assert metadata.isrc == song["isrc"] == "USUM71900764"
    assert metadata.label == song["label"] == "Darkroom/Interscope Records"
    assert metadata.labels == ("Darkroom/Interscope Records",)
    assert (metadata.genre, metadata.genres) == ("", ())
    assert (metadata.duration, metadata.bpm, metadata.key) == (None, None, "")
    assert metadata.release_date == datetime.date(2019, 3, 29)


def test_isrc_lookup_maps_the_song(replay, credentials):
    replay.serve("/api/v2.25/song/by-isrc/USAT22003158", BY_ISRC)
    metadata = Soundcharts().lookup_isrc("usat22003158")
    song = fixture_json(BY_ISRC)["object"]
    assert metadata.external_id == song["uuid"]
    assert metadata.title == song["name"]
    assert metadata.artists == ("Tones and I",)
    assert metadata.isrc == "USAT22003158"
    assert metadata.label == "Elektra (NEK)"
    assert metadata.release_date == datetime.date(2020, 5, 28)


def test_unknown_song_and_isrc_are_none(replay, credentials):
    replay.serve("/api/v2.25/song/by-isrc/XX0000000000", ERROR_404, status=404)
    replay.serve(f"/api/v2.25/song/{BAD_GUY}", ERROR_404, status=404)
    client = Soundcharts()
    assert client.lookup_isrc("XX0000000000") is None
    assert client.get_metadata(BAD_GUY) is None


def test_blacklisted_isrc_is_none_not_an_error(replay, credentials):
    replay.serve("/api/v2.25/song/by-isrc/USAT22003158", body="", status=410)
    assert Soundcharts().lookup_isrc("USAT22003158") is None


def test_artist_songs_page_carries_paging(replay, credentials):
    replay.serve(f"/api/v2.21/artist/{ALESSIA_CARA}/songs", ARTIST_SONGS)
    page = Soundcharts().artist_songs(ALESSIA_CARA, limit=500)
    body = fixture_json(ARTIST_SONGS)
    assert isinstance(page, SongPage)
    assert len(page.items) == len(body["items"]) == 100
    assert (page.offset, page.limit, page.total) == (0, 100, body["page"]["total"]) == (0, 100, 334)
    assert page.next_offset == 100  # from the recorded next link
    first = page.items[0]
    assert (first.source, first.external_id) == ("soundcharts", body["items"][0]["uuid"])
    assert first.title == "Scars to Your Beautiful"
    assert first.artists == ("Alessia Cara",)
    assert first.release_date == datetime.date(2015, 11, 13)
    featured = next(item for item in page.items if item.title == "1-800-273-8255")
    assert featured.artists == ("Logic & Alessia Cara & Khalid",)
    request = replay.requests()[0]
    assert (request.args["offset"], request.args["limit"]) == ("0", "100")  # 500 asked, 100 allowed


def test_artist_songs_asks_for_the_page_given(replay, credentials):
    replay.serve(f"/api/v2.21/artist/{ALESSIA_CARA}/songs", ARTIST_SONGS)
    Soundcharts().artist_songs(ALESSIA_CARA, offset=100, limit=50)
    request = replay.requests()[0]
    assert (request.args["offset"], request.args["limit"]) == ("100", "50")


def test_unknown_artist_is_none(replay, credentials):
    replay.serve(f"/api/v2.21/artist/{ALESSIA_CARA}/songs", ERROR_404, status=404)
    assert Soundcharts().artist_songs(ALESSIA_CARA) is None


def test_search_quotes_the_term_and_caps_the_limit(replay, credentials):
    # No recorded song search exists; the artist-songs page is the same song collection.
    replay.serve("/api/v2/song/search/Alessia Cara Scars/Beautiful", ARTIST_SONGS)
    candidates = Soundcharts().search_tracks("Alessia Cara Scars/Beautiful", limit=50)
    assert len(candidates) == 100
    assert candidates[0].title == "Scars to Your Beautiful"
    request = replay.requests()[0]
    assert "/api/v2/song/search/Alessia%20Cara%20Scars%2FBeautiful?" in request.environ["REQUEST_URI"]
    assert (request.args["offset"], request.args["limit"]) == ("0", "20")


def test_search_without_hits_is_an_empty_list(replay, credentials):
    replay.serve("/api/v2/song/search/bad guy billie", ERROR_404, status=404)
    assert Soundcharts().search_tracks(artist="billie", title="bad guy") == []


def test_audience_of_an_unknown_song_is_none(replay, credentials):
    # The corpus holds no recorded audience answer: only 404 and garbage are tested.
    replay.serve(f"/api/v2/song/{BAD_GUY}/audience/spotify", ERROR_404, status=404)
    assert Soundcharts().audience(BAD_GUY) is None


@pytest.mark.parametrize(
    ("path", "body", "call", "endpoint"),
    [
        (f"/api/v2.25/song/{BAD_GUY}", HTML, lambda c: c.get_metadata(BAD_GUY), "GET /api/v2.25/song/{uuid}"),
        (f"/api/v2.25/song/{BAD_GUY}", '{"type":"song","object":[]}', lambda c: c.get_metadata(BAD_GUY),
         "GET /api/v2.25/song/{uuid}"),
        (f"/api/v2.25/song/{BAD_GUY}", '{"type":"song","object":{"uuid":7,"name":"bad guy"}}',
         lambda c: c.get_metadata(BAD_GUY), "GET /api/v2.25/song/{uuid}"),
        ("/api/v2.25/song/by-isrc/USAT22003158", '{"errors":[]}', lambda c: c.lookup_isrc("USAT22003158"),
         "GET /api/v2.25/song/by-isrc/{isrc}"),
        (f"/api/v2.21/artist/{ALESSIA_CARA}/songs", '{"items":"none"}', lambda c: c.artist_songs(ALESSIA_CARA),
         "GET /api/v2.21/artist/{uuid}/songs"),
        (f"/api/v2.21/artist/{ALESSIA_CARA}/songs", '{"items":[{"name":"Here"}]}',
         lambda c: c.artist_songs(ALESSIA_CARA), "GET /api/v2.21/artist/{uuid}/songs"),
        ("/api/v2/song/search/here", '{"items":null}', lambda c: c.search_tracks("here"),
         "GET /api/v2/song/search/{term}"),
        (f"/api/v2/song/{BAD_GUY}/audience/spotify", HTML, lambda c: c.audience(BAD_GUY),
         "GET /api/v2/song/{uuid}/audience/{platform}"),
        (f"/api/v2/song/{BAD_GUY}/audience/spotify", '{"items":[{"date":5,"plots":[]}]}',
         lambda c: c.audience(BAD_GUY), "GET /api/v2/song/{uuid}/audience/{platform}"),
        (f"/api/v2/song/{BAD_GUY}/audience/spotify",
         '{"items":[{"date":"2025-08-28T00:00:00+00:00","plots":[{"identifier":"x","value":"many"}]}]}',
         lambda c: c.audience(BAD_GUY), "GET /api/v2/song/{uuid}/audience/{platform}"),
    ],
)
def test_garbage_raises_provider_error_naming_soundcharts(replay, credentials, path, body, call, endpoint):
    replay.serve(path, body=body)
    with pytest.raises(ProviderError) as caught:
        call(Soundcharts())
    assert caught.value.provider == "soundcharts"
    assert caught.value.endpoint == endpoint
    assert str(caught.value).startswith(f"soundcharts: {endpoint}: ")


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (401, '{"errors":[{"code":401,"message":"You are not logged in"}]}'),
        (403, '{"errors":[{"code":403,"message":"This endpoint is not included in your current plan"}]}'),
        (400, '{"errors":[{"code":400,"message":"Invalid parameter"}]}'),
        (500, HTML),
        (200, HTML),
    ],
)
def test_the_api_key_never_appears_in_errors_or_logs(replay, credentials, caplog, status, body):
    caplog.set_level(logging.DEBUG)
    replay.serve(f"/api/v2.25/song/{BAD_GUY}", body=body, status=status)
    with pytest.raises(ProviderError) as caught:
        Soundcharts().get_metadata(BAD_GUY)
    assert API_KEY not in str(caught.value)
    assert API_KEY not in caplog.text


def test_quota_header_is_logged_at_debug_and_never_fails(replay, credentials, caplog):
    caplog.set_level(logging.DEBUG, logger="providers.soundcharts")
    replay.serve(f"/api/v2.25/song/{BAD_GUY}", SONG_V225, headers={"x-quota-remaining": "9841"})
    replay.serve("/api/v2.25/song/by-isrc/USAT22003158", BY_ISRC, headers={"x-quota-remaining": "plenty"})
    client = Soundcharts()
    assert client.get_metadata(BAD_GUY).title == "bad guy"
    assert client.lookup_isrc("USAT22003158").isrc == "USAT22003158"
    quota_lines = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG and "quota" in r.getMessage()]
    assert quota_lines == ["soundcharts: quota remaining 9841", "soundcharts: quota remaining plenty"]


def test_disabled_without_credentials(settings):
    settings.SOUNDCHARTS_APP_ID = ""
    settings.SOUNDCHARTS_API_KEY = "x"
    assert Soundcharts.disabled_reason().startswith("SOUNDCHARTS_APP_ID is not set")


def test_check_looks_up_a_known_song(replay, credentials):
    replay.serve(f"/api/v2.25/song/{BAD_GUY}", SONG_V225)
    assert Soundcharts().check() == "song lookup answered: bad guy"


def test_artist_search_by_name_maps_the_recorded_answer(replay, settings):
    from tests.replay import fixture_json

    settings.SOUNDCHARTS_APP_ID = settings.SOUNDCHARTS_API_KEY = "soundcharts"
    replay.serve("/api/v2/artist/search/billie", "soundcharts/instr-artist-search-billie.json")
    from providers.registry import get_provider

    found = get_provider("soundcharts").search_artists("billie")
    items = fixture_json("soundcharts/instr-artist-search-billie.json")["items"]
    assert [artist.uuid for artist in found] == [item["uuid"] for item in items]
    assert found[2].name == "Billie Holiday" and found[2].url == items[2]["appUrl"]
    assert get_provider("soundcharts").search_artists("   ") == []
