import datetime
import io
import xml.etree.ElementTree as ET

import pytest
from musicbrainzngs import mbxml

from providers.base import ProviderError
from providers.musicbrainz import MusicBrainz, map_metadata
from tests.replay import FIXTURES

SEARCH_2025 = "musicbrainz/revsrev-search-recording-artist-fleetwood-mac.xml"
SEARCH_MBNGS = "musicbrainz/mbngs-search-recording.xml"
LOOKUP_MBID = "f606f733-c1eb-43f3-93c1-71994ea611e3"
LOOKUP = f"musicbrainz/mbngs-recording-{LOOKUP_MBID}-artist-rels.xml"

NS = {"mb": "http://musicbrainz.org/ns/mmd-2.0#"}
SCORE = "{http://musicbrainz.org/ns/ext#-2.0}score"


# The expected values come from the recorded XML read with ElementTree, not from musicbrainzngs.
def recorded_recordings(fixture: str) -> list[ET.Element]:
    root = ET.parse(FIXTURES / fixture).getroot()
    return root.findall("mb:recording-list/mb:recording", NS) or root.findall("mb:recording", NS)


def text(element: ET.Element, path: str) -> str:
    found = element.find(path, NS)
    return found.text or "" if found is not None else ""


def recorded_artists(recording: ET.Element) -> tuple[str, ...]:
    return tuple(
        artist.text for artist in recording.findall("mb:artist-credit/mb:name-credit/mb:artist/mb:name", NS)
    )


def recorded_date(value: str) -> datetime.date | None:
    if not value:
        return None
    parts = [int(part) for part in value.split("-")] + [1, 1]
    return datetime.date(parts[0], parts[1], parts[2])


def parsed_recording(fixture: str, mbid: str) -> dict:
    """The recording as the client sees it after musicbrainzngs parsed the recorded bytes."""
    message = mbxml.parse_message(io.BytesIO((FIXTURES / fixture).read_bytes()))
    return next(item for item in message["recording-list"] if item["id"] == mbid)


def test_search_maps_every_recording_of_the_2025_capture(replay):
    replay.serve("/ws/2/recording", SEARCH_2025)
    candidates = MusicBrainz().search_tracks("Fleetwood Mac", limit=100)

    recorded = recorded_recordings(SEARCH_2025)
    assert len(candidates) == len(recorded) == 100
    for candidate, recording in zip(candidates, recorded, strict=True):
        first_release = recording.find("mb:release-list/mb:release", NS)
        assert candidate.source == "musicbrainz"
        assert candidate.external_id == recording.get("id")
        assert candidate.title == text(recording, "mb:title")
        assert candidate.artists == recorded_artists(recording)
        assert candidate.score == int(recording.get(SCORE)) / 100
        length = text(recording, "mb:length")
        assert candidate.duration == (round(int(length) / 1000) if length else None)
        assert candidate.album == text(first_release, "mb:title")
        assert candidate.release_date == recorded_date(text(first_release, "mb:date"))
        first_isrc = recording.find("mb:isrc-list/mb:isrc", NS)
        assert candidate.isrc == (first_isrc.get("id") if first_isrc is not None else "")
        assert candidate.url == f"https://musicbrainz.org/recording/{recording.get('id')}"

    first = candidates[0]
    assert (first.title, first.artists, first.score) == ("Come softly to me", ("Fleetwood Mac",), 1.0)
    with_isrc = next(candidate for candidate in candidates if candidate.external_id.startswith("8326d2c9"))
    assert with_isrc.isrc == "USRE11300172"

    request = replay.requests()[0]
    assert request.path == "/ws/2/recording"
    assert request.args["query"] == "Fleetwood Mac"
    assert request.args["limit"] == "100"
    assert "fmt" not in request.args
    assert request.headers["Accept"] == "application/xml"
    assert request.headers["User-Agent"].startswith("Cratedigger/")


def test_artist_and_title_become_an_escaped_lucene_query(replay):
    replay.serve("/ws/2/recording", SEARCH_MBNGS)
    candidates = MusicBrainz().search_tracks(artist="AC/DC", title='Thief "of" Hearts (Live)', limit=25)

    assert replay.requests()[0].args["query"] == (
        r'recording:"Thief \"of\" Hearts \(Live\)" AND artist:"AC\/DC"'
    )
    recorded = recorded_recordings(SEARCH_MBNGS)
    assert len(candidates) == len(recorded) == 25
    first, last = candidates[0], candidates[-1]
    assert first.external_id == recorded[0].get("id") == "cb4d4d70-930c-4d1a-a157-776de18be66a"
    assert (first.title, first.artists) == (text(recorded[0], "mb:title"), recorded_artists(recorded[0]))
    assert first.album == "Folly, Vice & Madness"
    assert first.release_date == datetime.date(2006, 11, 3)
    assert first.score == 1.0
    assert last.score == int(recorded[-1].get(SCORE)) / 100 == 0.16


def test_lookup_maps_the_recorded_recording(replay):
    replay.serve(f"/ws/2/recording/{LOOKUP_MBID}", LOOKUP)
    metadata = MusicBrainz().get_metadata(LOOKUP_MBID)

    recording = recorded_recordings(LOOKUP)[0]
    assert metadata.source == "musicbrainz"
    assert metadata.external_id == recording.get("id") == LOOKUP_MBID
    assert metadata.title == text(recording, "mb:title") == "Shades of Gray"
    assert metadata.duration == round(int(text(recording, "mb:length")) / 1000) == 260
    assert metadata.ids == {"musicbrainz_recording_id": LOOKUP_MBID}
    # This recorded body has no artist credit, release, ISRC or tag: nothing is invented for them.
    assert (metadata.artists, metadata.album, metadata.isrc, metadata.genre) == ((), "", "", "")
    assert metadata.release_date is None

    request = replay.requests()[0]
    assert request.args["inc"] == "artists releases isrcs tags genres"
    assert request.headers["Accept"] == "application/xml"
    assert request.headers["User-Agent"].startswith("Cratedigger/")


def test_metadata_maps_credit_release_isrcs_and_top_tag_of_a_recorded_recording():
    mbid = "8326d2c9-fa64-46a3-b9dc-2e7b09d6c07d"
    metadata = map_metadata(parsed_recording(SEARCH_2025, mbid))

    recording = next(item for item in recorded_recordings(SEARCH_2025) if item.get("id") == mbid)
    release = recording.find("mb:release-list/mb:release", NS)
    medium = release.find("mb:medium-list/mb:medium", NS)
    tags = [(int(tag.get("count")), text(tag, "mb:name")) for tag in recording.findall("mb:tag-list/mb:tag", NS)]
    top_count = max(count for count, _name in tags)
    assert metadata.title == text(recording, "mb:title") == "Searching for Madge"
    assert metadata.artists == recorded_artists(recording) == ("Fleetwood Mac",)
    assert metadata.credit_name == text(recording, "mb:artist-credit/mb:name-credit/mb:name")
    assert metadata.isrc == recording.find("mb:isrc-list/mb:isrc", NS).get("id") == "USRE11300172"
    assert metadata.album == text(release, "mb:title")
    assert metadata.album_artist == text(release, "mb:artist-credit/mb:name-credit/mb:name")
    assert metadata.release_date == recorded_date(text(release, "mb:date"))
    assert metadata.disc_number == int(text(medium, "mb:position"))
    assert metadata.track_number == int(text(medium, "mb:track-list/mb:track/mb:number"))
    assert metadata.genre == "blues rock" and (top_count, "blues rock") in tags
    assert metadata.genres[0] == metadata.genre and set(metadata.genres) == {name for _count, name in tags}
    artist_ids = [artist.get("id") for artist in recording.findall("mb:artist-credit/mb:name-credit/mb:artist", NS)]
    album_artist_ids = [artist.get("id") for artist in release.findall("mb:artist-credit/mb:name-credit/mb:artist", NS)]
    assert metadata.ids == {
        "musicbrainz_recording_id": mbid, "musicbrainz_release_id": release.get("id"),
        "musicbrainz_release_group_id": release.find("mb:release-group", NS).get("id"),
        "musicbrainz_artist_ids": artist_ids, "musicbrainz_album_artist_ids": album_artist_ids,
    }
    assert artist_ids == ["bd13909f-1c29-4c27-a874-d4aaf27c5b1a"]


def test_credit_name_is_the_credit_as_printed_and_artists_are_the_artists_names():
    mbid = "be66c099-10ff-4118-ae38-9a032ae13644"
    metadata = map_metadata(parsed_recording(SEARCH_2025, mbid))

    recording = next(item for item in recorded_recordings(SEARCH_2025) if item.get("id") == mbid)
    assert metadata.credit_name == text(recording, "mb:artist-credit/mb:name-credit/mb:name") == "Fleetwood"
    assert metadata.artists == recorded_artists(recording) == ("Fleetwood Mac",)


def test_unknown_recording_and_unknown_isrc_are_none(replay):
    replay.serve("/ws/2/recording/00000000-0000-0000-0000-000000000000", status=404, body="<error/>")
    replay.serve("/ws/2/isrc/USRE11300172", status=404, body="<error/>")
    client = MusicBrainz()
    assert client.get_metadata("00000000-0000-0000-0000-000000000000") is None
    assert client.lookup_isrc("us-re1-13-00172") is None
    isrc_request = replay.requests()[1]
    assert isrc_request.path == "/ws/2/isrc/USRE11300172"
    assert isrc_request.args["inc"] == "artists releases"
    assert isrc_request.headers["User-Agent"].startswith("Cratedigger/")


GARBAGE = {
    "html": "<!DOCTYPE html><html><head><meta charset='utf-8'><title>MusicBrainz</title></head>"
    "<body><p>Sorry, we are down for maintenance.<br></p></body></html>",
    "xhtml": "<html><body><h1>502 Bad Gateway</h1></body></html>",
    "json": '{"recordings": [], "count": 0}',
}


@pytest.mark.parametrize("body", GARBAGE.values(), ids=GARBAGE.keys())
def test_a_body_that_is_not_musicbrainz_xml_is_a_provider_error(replay, body):
    replay.serve("/ws/2/recording", body=body, content_type="text/html")
    replay.serve(f"/ws/2/recording/{LOOKUP_MBID}", body=body, content_type="text/html")
    client = MusicBrainz()
    with pytest.raises(ProviderError, match="musicbrainz") as search_error:
        client.search_tracks("fleetwood mac")
    assert search_error.value.provider == "musicbrainz"
    assert search_error.value.endpoint == "GET /ws/2/recording"
    with pytest.raises(ProviderError, match="musicbrainz") as lookup_error:
        client.get_metadata(LOOKUP_MBID)
    assert lookup_error.value.endpoint == "GET /ws/2/recording/{mbid}"


def test_an_empty_search_asks_nothing(replay):
    assert MusicBrainz().search_tracks("  ", artist=" ", title="") == []
    assert replay.requests() == []


def test_search_is_cached_and_force_refresh_asks_again(replay):
    replay.serve("/ws/2/recording", SEARCH_MBNGS)
    client = MusicBrainz()
    first = client.search_tracks(artist="Dynamo Go", title="Thief of Hearts")
    assert client.search_tracks(artist="dynamo go", title="thief of hearts") == first
    assert len(replay.requests()) == 1
    client.search_tracks(artist="Dynamo Go", title="Thief of Hearts", force_refresh=True)
    assert len(replay.requests()) == 2


def test_check_makes_one_small_search(replay):
    replay.serve("/ws/2/recording", SEARCH_MBNGS)
    root = ET.parse(FIXTURES / SEARCH_MBNGS).getroot()
    total = int(root.find("mb:recording-list", NS).get("count"))
    assert MusicBrainz().check() == f"search answered with {total:,} recording{'' if total == 1 else 's'}"
    request = replay.requests()[0]
    assert request.args["limit"] == "1"
    assert request.args["query"] == 'recording:"One More Time" AND artist:"Daft Punk"'
