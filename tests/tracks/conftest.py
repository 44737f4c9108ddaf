import json

import pytest

SOUNDCHARTS_SONG = "soundcharts/mcai-song-v2.25-7d534228-bad-guy.json"
SOUNDCHARTS_SONG_V2 = "soundcharts/instr-song-7d534228-bad-guy.json"
SOUNDCHARTS_UUID = "7d534228-5165-11e9-9375-549f35161576"
ARTIST_SONGS = "soundcharts/instr-artist-songs-alessia-cara-p1.json"
ALESSIA_CARA = "11e81bbe-5b34-a426-8614-a0369fe50396"
SPOTIFY_TRACK = "spotify/swaj-track-3n3Ppam7vgaVa1iaRUc9Lp.json"
SPOTIFY_ID = "3n3Ppam7vgaVa1iaRUc9Lp"
SPOTIFY_SEARCH = "spotify/swaj-search-tracks-muse.json"
MB_RECORDING = "musicbrainz/mbngs-recording-f606f733-c1eb-43f3-93c1-71994ea611e3-artist-rels.xml"
MB_ID = "f606f733-c1eb-43f3-93c1-71994ea611e3"


@pytest.fixture
def credentials(settings):
    settings.SOUNDCHARTS_APP_ID = "soundcharts"
    settings.SOUNDCHARTS_API_KEY = "soundcharts-key-never-shown"
    settings.SPOTIFY_CLIENT_ID = "test-id"
    settings.SPOTIFY_CLIENT_SECRET = "test-secret-never-shown"


def serve_spotify_token(replay):
    body = json.dumps({"access_token": "token-1", "token_type": "Bearer", "expires_in": 3600})
    replay.serve("/api/token", body=body, method="POST")
