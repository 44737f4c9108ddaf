import datetime
from decimal import Decimal

from providers.itunes import ITunes
from tests.replay import fixture_json

ALBUM = "itunes/harmony-lookup-album-1441458047-gb.json"


def recorded_song(track_id: int) -> dict:
    return next(item for item in fixture_json(ALBUM)["results"] if item.get("trackId") == track_id)


def test_search_maps_every_song_in_the_recorded_body(replay):
    replay.serve("/search", ALBUM)
    candidates = ITunes().search_tracks("queen death on two legs", limit=25)
    songs = [item for item in fixture_json(ALBUM)["results"] if item.get("kind") == "song"]
    assert len(candidates) == len(songs) == 18
    first = candidates[0]
    assert (first.source, first.external_id) == ("itunes", "1441458049")
    assert first.title == "Death On Two Legs (Dedicated To...)"
    assert first.artists == ("Queen",)
    assert first.album == "A Night at the Opera (Deluxe Edition)"
    assert first.duration == round(recorded_song(1441458049)["trackTimeMillis"] / 1000)
    assert first.release_date == datetime.date(1975, 11, 21)
    request = replay.requests()[0]
    assert request.args["term"] == "queen death on two legs" and request.args["entity"] == "song"


def test_lookup_maps_the_track_and_purchase_links_carry_the_price(replay):
    replay.serve("/lookup", ALBUM)
    replay.serve("/search", ALBUM)
    client = ITunes()
    metadata = client.get_metadata("1441458049")
    song = recorded_song(1441458049)
    assert metadata.title == song["trackName"]
    assert metadata.genre == song["primaryGenreName"]
    assert (metadata.track_number, metadata.disc_number) == (song["trackNumber"], song["discNumber"])
    assert metadata.artwork_url.endswith("600x600bb.jpg")
    links = client.purchase_links(artist="Queen", title="Death On Two Legs")
    assert links[0].store == "iTunes"
    assert links[0].price == Decimal("0.99") and links[0].currency == song["currency"]
    assert links[0].url == song["trackViewUrl"]


def test_unknown_id_is_none(replay):
    replay.serve("/lookup", body='{"resultCount":0,"results":[]}')
    assert ITunes().get_metadata("1") is None
