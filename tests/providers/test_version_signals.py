"""Every provider's mapper feeds the version signals it has through to matching (issue 18): a recorded hit, mapped
by the provider's own map_candidate and turned into a matching.Recording by tracks.metadata.recording_from, says
which version it is."""

from __future__ import annotations

import io

import pytest
from musicbrainzngs import mbxml

from matching import parse_title, same_version
from providers import beatport, deezer, itunes, musicbrainz, spotify
from tests.replay import FIXTURES, fixture_json
from tracks.metadata import recording_from

PLAIN = parse_title("Title")


def _musicbrainz(prefix: str):
    message = mbxml.parse_message(
        io.BytesIO((FIXTURES / "musicbrainz/revsrev-search-recording-artist-fleetwood-mac.xml").read_bytes()))
    found = next(item for item in message["recording-list"] if item["id"].startswith(prefix))
    return recording_from(musicbrainz.map_candidate(found))


@pytest.mark.parametrize(
    ("prefix", "types"),
    [
        ("1eaef080", {"live", "video"}),  # Temporary One: "live, 1997-05-23: Warner Brothers Studios..." and a video
        ("eac5e5a0", {"live"}),  # Oh Well: only on a release group typed Live
        ("6cc0b5e7", {"live"}),  # Albatross: "live, 1969-01-25: Shrine Exposition Hall..."
        ("799ba6e4", {"extended"}),  # "Little Lies (extended version)": on a Remix release group, the title says more
        ("66533e0a", {"live"}),  # "Black Magic Woman (live)"
        ("4427b6b2", set()),  # Need Your Love So Bad: compilations only, which name no version
    ],
)
def test_musicbrainz_comment_video_and_release_groups(prefix: str, types: set[str]) -> None:
    found = _musicbrainz(prefix).parsed
    assert {part[1] for part in found.parts} == types


def test_musicbrainz_candidates_carry_what_the_earliest_album_and_release_count_rules_need() -> None:
    madge = _musicbrainz("8326d2c9")
    assert madge.album_date == "1969" and madge.release_count == 19 and madge.isrc


SPOTIFY_HITS = "spotify/harmony-album-32nryzA6XBCX9ZUspVc1yz.json"


def _spotify(name: str):
    # An album answer: its tracks are simplified track objects, which map_candidate takes as search hits.
    track = next(item for item in fixture_json(SPOTIFY_HITS)["tracks"]["items"] if item["name"] == name)
    return recording_from(spotify.map_candidate(track)).parsed


@pytest.mark.parametrize(
    ("name", "base", "version_type"),
    [
        ("(I Can't Get No) Satisfaction - Mono Version", "(I Can't Get No) Satisfaction", "mono"),
        ("Paint It, Black - Mono", "Paint It, Black", "mono"),
        ("Detroit Rock City - Edit", "Detroit Rock City", "edit"),
        ("One Way Or Another - Remastered 2001", "One Way Or Another", "remaster"),
        ("We Got The Beat - 2011 Remaster", "We Got The Beat", "remaster"),
        ("1979 - Remastered 2012", "1979", "remaster"),
        ("White Wedding - Pt. 1 / Remastered 2002", "White Wedding - Pt. 1", "remaster"),
        ("Layla - 40th Anniversary Version / 2010 Remastered", "Layla", "remaster"),
    ],
)
def test_spotify_dash_suffixes(name: str, base: str, version_type: str) -> None:
    found = _spotify(name)
    assert (found.base, found.version_type) == (base, version_type)
    assert same_version(found, parse_title(base)) == (version_type == "remaster")


DEEZER_TOP = "deezer/navidrome-artist-top-daft-punk.json"


def _deezer_track(title: str) -> dict:
    return next(item for item in fixture_json(DEEZER_TOP)["data"] if item["title"] == title)


def test_deezer_reads_a_version_and_a_credit_in_one_bracket_and_every_contributor() -> None:
    track = _deezer_track("Get Lucky (Radio Edit - feat. Pharrell Williams and Nile Rodgers)")
    found = recording_from(deezer.map_candidate(track))
    assert (found.parsed.base, found.parsed.version_type) == ("Get Lucky", "radio")
    assert found.artists == ("Daft Punk", "Pharrell Williams", "Nile Rodgers")
    assert same_version(found.parsed, parse_title("Get Lucky (Radio Edit)"))


def test_deezer_adds_a_title_version_the_title_left_out() -> None:
    # The recorded track, with `title` cut to `title_short` as some answers give it: title_version still says it.
    track = dict(_deezer_track("Get Lucky (Radio Edit - feat. Pharrell Williams and Nile Rodgers)"), title="Get Lucky")
    candidate = deezer.map_candidate(track)
    assert candidate.title == "Get Lucky (Radio Edit - feat. Pharrell Williams and Nile Rodgers)"
    assert deezer.map_metadata(track).title == candidate.title
    plain = _deezer_track("One More Time")
    assert deezer.map_candidate(plain).title == "One More Time"


ITUNES_ALBUM = "itunes/harmony-lookup-album-1441458047-gb.json"


def _itunes_song(track_id: int) -> dict:
    return next(item for item in fixture_json(ITUNES_ALBUM)["results"] if item.get("trackId") == track_id)


def test_itunes_takes_the_version_its_censored_name_alone_gives() -> None:
    song = _itunes_song(1441458162)
    assert song["trackName"] == "Love Of My Life"
    found = recording_from(itunes.map_candidate(song))
    assert found.title == "Love Of My Life (Live At Milton Keynes Bowl / June 1982)"
    assert found.parsed.version_type == "live"
    assert itunes.map_metadata(song).title == found.title
    assert itunes.map_purchase_link({**song, "trackViewUrl": "https://example.invalid/x"}).title == found.title
    studio = recording_from(itunes.map_candidate(_itunes_song(1441458079)))
    assert (studio.title, studio.parsed.version_type) == ("Love of My Life", "")


def test_itunes_keeps_the_track_name_when_the_censored_name_stars_letters_out() -> None:
    song = dict(_itunes_song(1441458079), trackName="Love of My Life", trackCensoredName="L**e of My Life (Live)")
    assert itunes.map_candidate(song).title == "Love of My Life"


BEATPORT = "beatport/postmanlog-catalog-tracks-name-feeling-artist-newtone.json"


def test_beatport_mix_name_is_the_version() -> None:
    [feeling, feeling_good] = fixture_json(BEATPORT)["results"][:2]
    found = recording_from(beatport.map_candidate(feeling))
    assert (found.title, found.version) == ("Feeling", "Original Mix")
    assert found.parsed.version_type == "original" and same_version(found.parsed, parse_title("Feeling"))
    extended = recording_from(beatport.map_candidate(dict(feeling, mix_name="Extended Mix")))
    assert not same_version(extended.parsed, parse_title("Feeling"))
    assert recording_from(beatport.map_candidate(feeling_good)).parsed.featuring == ("Newtone",)


TECHPARA = "musicbrainz/mbngs-release-212895ca-ee36-439a-a824-d2620cd10461-recordings.xml"


@pytest.mark.parametrize(
    ("title", "base", "version_type"),
    [
        ('WILD BOY <MISSION"B"RE-EDIT>', "WILD BOY", "edit"),
        ('A LOVE AT FIRST SIGHT <MISSION"HMX"REMIX>', "A LOVE AT FIRST SIGHT", "remix"),
        ("MADE IN NEWYORK <DJ KEN-BOW EDIT>", "MADE IN NEWYORK", "edit"),
        ("U TURN ME ON <SUPER RAVE REMIX>", "U TURN ME ON", "remix"),
        ("TEMPO <ONLY THE SHORT TechPara SHOW VERSION>", "TEMPO", "version"),
    ],
)
def test_musicbrainz_angle_brackets_name_the_version(title: str, base: str, version_type: str) -> None:
    message = mbxml.parse_message(io.BytesIO((FIXTURES / TECHPARA).read_bytes()))
    titles = {track["recording"]["title"] for medium in message["release"]["medium-list"]
              for track in medium["track-list"]}
    assert title in titles  # the recorded spelling
    found = parse_title(title)
    assert (found.base, found.version_type) == (base, version_type)
    assert not same_version(found, parse_title(base))
