"""The DJ-software formats on their own: written, then read back by pyrekordbox and the standard XML parser, and
compared with files Rekordbox and Traktor wrote themselves."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from pyrekordbox.rbxml import RekordboxXml

from crates.djformats import m3u, rekordbox, traktor
from crates.djformats.common import (
    ExportPlaylist,
    ExportTrack,
    FormatError,
    classic_key,
    key_of_traktor_number,
    path_for_dj,
    path_from_dj,
    traktor_key_number,
)
from tests.crates.conftest import FIXTURES
from tracks import keys

TRACKS = [
    ExportTrack(key="1", path="/Users/dj/Music/Bicep/Glue (Hammer Remix).flac", title="Glue (Hammer Remix)",
                artist="Bicep", album="Isles", genre="Techno", label="Ninja Tune", remixer="Hammer", mix="Hammer Remix",
                year=2021, bpm=Decimal("130.00"), key_code="8A", duration=301.4, file_format="flac", bitrate=1411,
                sample_rate=44100, size=45_000_000, rating=4, comment="peak\ntime"),
    ExportTrack(key="2", path="D:\\Music\\Ø [Phase]\\Ort & Zeit #1.mp3", title="Ort & Zeit #1", artist="Ø [Phase]",
                bpm=Decimal("124.5"), key_code="2B", duration=405, file_format="mp3", bitrate=320, sample_rate=44100,
                size=9_000_000),
    ExportTrack(key="3", path="/Volumes/USB/Sets/100% \"Raw\".aiff", title="100% \"Raw\" <live>", artist="",
                file_format="aiff"),
]
PLAYLISTS = [
    ExportPlaylist(name="Peak time", keys=("2", "1"), folders=("Gigs", "2026")),
    ExportPlaylist(name="Warm-up", keys=("3",)),
]


def _written(writer, **options) -> bytes:
    out = io.BytesIO()
    writer.write(out, tracks=TRACKS, playlists=PLAYLISTS, **options)
    return out.getvalue()


def test_rekordbox_xml_reads_back_in_pyrekordbox_with_every_track_path_bpm_key_and_playlist(tmp_path):
    target = tmp_path / "rekordbox.xml"
    target.write_bytes(_written(rekordbox))
    collection = RekordboxXml(str(target))
    assert collection.num_tracks == 3
    read = {track["Name"]: track for track in collection.get_tracks()}
    glue = read["Glue (Hammer Remix)"]
    # pyrekordbox decodes Location without its leading "/" on a POSIX path (it strips "file://localhost/").
    assert "/" + glue["Location"] == TRACKS[0].path
    assert glue["AverageBpm"] == 130.0 and glue["Tonality"] == "Am" and glue["Rating"] == 4
    assert glue["TotalTime"] == 301 and glue["Kind"] == "FLAC File" and glue["BitRate"] == 1411
    assert glue["SampleRate"] == 44100.0 and glue["Size"] == 45_000_000 and glue["Year"] == 2021
    assert glue["Label"] == "Ninja Tune" and glue["Genre"] == "Techno" and glue["Album"] == "Isles"
    assert glue["Remixer"] == "Hammer" and glue["Mix"] == "Hammer Remix" and glue["Comments"] == "peak\ntime"
    ort = read["Ort & Zeit #1"]
    assert ort["Location"] == "D:/Music/Ø [Phase]/Ort & Zeit #1.mp3"
    assert ort["AverageBpm"] == 124.5 and ort["Tonality"] == "F#" and ort["Artist"] == "Ø [Phase]"
    assert read['100% "Raw" <live>']["Location"] == 'Volumes/USB/Sets/100% "Raw".aiff'
    peak = collection.get_playlist("Gigs", "2026", "Peak time")
    ids = {track["Name"]: track["TrackID"] for track in collection.get_tracks()}
    assert peak.get_tracks() == [ids["Ort & Zeit #1"], ids["Glue (Hammer Remix)"]]
    assert collection.get_playlist("Warm-up").get_tracks() == [ids['100% "Raw" <live>']]


def test_rekordbox_xml_reads_back_in_the_standard_parser_as_rekordbox_writes_it():
    root = ET.fromstring(_written(rekordbox))
    assert root.tag == "DJ_PLAYLISTS" and root.get("Version") == "1.0.0"
    collection = root.find("COLLECTION")
    assert collection.get("Entries") == "3"
    first = collection.find("TRACK")
    # Every attribute Rekordbox writes, in its order, Location as a file://localhost/ URI.
    assert list(first.attrib) == list(rekordbox.TRACK_ATTRIBUTES)
    assert first.get("Location") == "file://localhost/Users/dj/Music/Bicep/Glue%20%28Hammer%20Remix%29.flac"
    assert first.get("AverageBpm") == "130.00" and first.get("Rating") == "204"
    assert [node.get("Name") for node in root.iter("NODE")] == ["ROOT", "Gigs", "2026", "Peak time", "Warm-up"]
    ours = [rekordbox.path_of_location(track.get("Location")) for track in collection.iter("TRACK")]
    assert ours == ["/Users/dj/Music/Bicep/Glue (Hammer Remix).flac", "D:/Music/Ø [Phase]/Ort & Zeit #1.mp3",
                    '/Volumes/USB/Sets/100% "Raw".aiff']


def test_our_reader_reads_what_we_write_and_what_rekordbox_wrote(tmp_path):
    read = rekordbox.read(io.BytesIO(_written(rekordbox)))
    assert [(track.path, track.bpm, track.tonality, track.rating) for track in read.tracks] == [
        (TRACKS[0].path, Decimal("130.00"), "Am", 4),
        ("D:/Music/Ø [Phase]/Ort & Zeit #1.mp3", Decimal("124.50"), "F#", 0),
        ('/Volumes/USB/Sets/100% "Raw".aiff', None, "", 0),
    ]
    assert [(playlist.folders, playlist.name, playlist.keys) for playlist in read.playlists] == [
        (("Gigs", "2026"), "Peak time", ("2", "1")), ((), "Warm-up", ("3",)),
    ]
    real = rekordbox.read(FIXTURES / "pyrekordbox-rekordbox5-database.xml")
    assert real.product == "rekordbox 5.8.6" and len(real.tracks) == 6
    demo = real.tracks[4]
    assert (demo.name, demo.artist, demo.bpm, demo.path) == (
        "Demo Track 1", "Loopmasters", Decimal("128.00"), "C:/Music/PioneerDJ/Demo Tracks/Demo Track 1.mp3")
    assert [(playlist.folders, playlist.name, playlist.keys) for playlist in real.playlists] == [
        (("Folder",), "Sub Playlist", ("5", "6")), ((), "Playlist1", ("5", "6")),
    ]
    # pyrekordbox reads the same file to the same values.
    theirs = RekordboxXml(str(FIXTURES / "pyrekordbox-rekordbox6-database.xml"))
    ours = rekordbox.read(FIXTURES / "pyrekordbox-rekordbox6-database.xml")
    assert [(t["Name"], t["AverageBpm"], t["Tonality"] or "") for t in theirs.get_tracks()] == [
        (t.name, float(t.bpm or 0), t.tonality) for t in ours.tracks]
    assert keys.camelot(ours.tracks[0].tonality) == "4A"  # Fm


@pytest.mark.parametrize("text, why", [
    (b"<DJ_PLAYLISTS><COLLECTION><TRACK Name='a'></COLLECTION>", "line 1"),
    (b"<NML VERSION='19'/>", "not a Rekordbox collection"),
    (b"", "broken"),
])
def test_a_broken_or_foreign_file_is_refused_saying_where_and_why(text, why):
    with pytest.raises(FormatError, match=why):
        rekordbox.read(io.BytesIO(text))


def test_a_bad_value_is_named_and_the_track_kept():
    read = rekordbox.read(io.BytesIO(
        b'<DJ_PLAYLISTS Version="1.0.0"><COLLECTION><TRACK TrackID="1" Name="A" AverageBpm="fast" '
        b'Location="http://example.com/a.mp3"/></COLLECTION><PLAYLISTS/></DJ_PLAYLISTS>'))
    assert read.tracks[0].name == "A" and read.tracks[0].bpm is None and read.tracks[0].path == ""
    assert any("AverageBpm" in problem for problem in read.tracks[0].problems)
    assert any("not a file location" in problem for problem in read.tracks[0].problems)


def test_traktor_nml_reads_back_with_traktors_location_tempo_and_key_numbering():
    root = ET.fromstring(_written(traktor, volume="Macintosh HD"))
    assert root.tag == "NML" and root.get("VERSION") == "19"
    entries = root.find("COLLECTION").findall("ENTRY")
    assert root.find("COLLECTION").get("ENTRIES") == "3"
    locations = [entry.find("LOCATION").attrib for entry in entries]
    assert locations[0] == {"DIR": "/:Users/:dj/:Music/:Bicep/:", "FILE": "Glue (Hammer Remix).flac",
                            "VOLUME": "Macintosh HD", "VOLUMEID": "Macintosh HD"}
    assert (locations[1]["VOLUME"], locations[1]["DIR"], locations[1]["FILE"]) == (
        "D:", "/:Music/:Ø [Phase]/:", "Ort & Zeit #1.mp3",
    )
    assert (locations[2]["VOLUME"], locations[2]["DIR"]) == ("USB", "/:Sets/:")
    for entry, track in zip(entries, TRACKS, strict=True):
        location = traktor.Location(**{name.lower(): entry.find("LOCATION").get(name)
                                       for name in ("VOLUME", "DIR", "FILE")})
        assert traktor.path_of_location(location) == track.path.replace("D:\\Music", "D:\\Music")
        tempo = entry.find("TEMPO")
        assert (Decimal(tempo.get("BPM")) if tempo is not None else None) == (track.bpm if track.bpm else None)
        musical = entry.find("MUSICAL_KEY")
        assert (key_of_traktor_number(int(musical.get("VALUE"))) if musical is not None else "") == track.key_code
    assert entries[0].find("MUSICAL_KEY").get("VALUE") == "21"  # A minor
    assert entries[0].find("INFO").get("BITRATE") == "1411000" and entries[0].find("INFO").get("RANKING") == "204"
    playlist = root.find(".//NODE[@NAME='Peak time']/PLAYLIST")
    assert [key.get("KEY") for key in playlist.iter("PRIMARYKEY")] == [
        "D:/:Music/:Ø [Phase]/:Ort & Zeit #1.mp3", "Macintosh HD/:Users/:dj/:Music/:Bicep/:Glue (Hammer Remix).flac"]
    gigs = root.find("PLAYLISTS/NODE/SUBNODES/NODE[@NAME='Gigs']")
    assert gigs.get("TYPE") == "FOLDER" and gigs.find("SUBNODES").get("COUNT") == "1"


def test_our_nml_has_the_shape_of_the_nml_traktor_wrote():
    real = ET.parse(FIXTURES / "traktor-nml-utils-collection.nml").getroot()
    ours = ET.fromstring(_written(traktor))
    real_entry, our_entry = real.find("COLLECTION/ENTRY"), ours.find("COLLECTION/ENTRY")
    assert set(our_entry.attrib) <= set(real_entry.attrib)
    for child in ("LOCATION", "MODIFICATION_INFO", "INFO", "TEMPO", "MUSICAL_KEY"):
        assert real_entry.find(child) is not None and our_entry.find(child) is not None
        assert (set(our_entry.find(child).attrib) - {"MIX", "REMIXER", "LABEL", "RANKING"}
                <= set(real_entry.find(child).attrib))
    # Traktor's own numbering: KEY="10m" (Open Key 10m, C minor) is MUSICAL_KEY 12.
    assert keys.camelot(real_entry.find("INFO").get("KEY")) == key_of_traktor_number(12) == "5A"
    playlists = ET.parse(FIXTURES / "traktor-nml-utils-playlist.nml").getroot()
    real_list = playlists.find(".//NODE[@TYPE='PLAYLIST']")
    our_list = ours.find(".//NODE[@TYPE='PLAYLIST']")
    assert [child.tag for child in real_list] == [child.tag for child in our_list] == ["PLAYLIST"]
    assert set(our_list.find("PLAYLIST").attrib) == set(real_list.find("PLAYLIST").attrib)
    key = real_list.find(".//PRIMARYKEY").get("KEY")
    location = traktor.location_of("/Users/johndoe/Music/pechundschwefel/549043_The_Sky_Was_Pink_Icelandic_Version.mp3",
                                   volume="osx")
    assert location.key == key


def test_traktors_key_numbers_and_the_musical_spelling_cover_the_whole_wheel():
    # 0-11 major from C, 12-23 minor from C minor, as Traktor writes them.
    assert [
        traktor_key_number(code) for code in ("8B", "3B", "10B", "5B", "12B", "7B", "2B", "9B", "4B", "11B", "6B", "1B")
    ] == list(range(12))
    assert [
        traktor_key_number(code) for code in ("5A", "12A", "7A", "2A", "9A", "4A", "11A", "6A", "1A", "8A", "3A", "10A")
    ] == list(range(12, 24))
    for number in range(24):
        assert traktor_key_number(key_of_traktor_number(number)) == number
    assert (classic_key("8A"), classic_key("1A"), classic_key("2B"), classic_key("")) == ("Am", "Abm", "F#", "")
    with pytest.raises(ValueError):
        key_of_traktor_number(24)


def test_m3u8_writes_length_artist_title_and_relative_or_absolute_paths():
    tracks = [TRACKS[0]]
    out = io.BytesIO()
    m3u.write(out, tracks=tracks, name="Peak time", relative_to="/Users/dj/Music/Sets")
    assert out.getvalue().decode() == (
        "#EXTM3U\n#PLAYLIST:Peak time\n#EXTINF:301,Bicep - Glue (Hammer Remix)\n../Bicep/Glue (Hammer Remix).flac\n")
    out = io.BytesIO()
    m3u.write(out, tracks=TRACKS)
    lines = out.getvalue().decode().splitlines()
    assert lines[0] == "#EXTM3U" and lines[2] == TRACKS[0].path and lines[4] == TRACKS[1].path
    assert lines[5] == '#EXTINF:-1,100% "Raw" <live>'


def test_paths_map_between_this_machine_and_the_djs():
    assert path_for_dj("/srv/music/A/b.mp3", music_root="/srv/music",
                       dj_music_root="/Volumes/Music") == "/Volumes/Music/A/b.mp3"
    assert path_for_dj("/srv/music/A/b.mp3", music_root="/srv/music",
                       dj_music_root="D:\\Music") == "D:\\Music\\A\\b.mp3"
    assert path_for_dj("/elsewhere/b.mp3", music_root="/srv/music", dj_music_root="D:\\Music") == "/elsewhere/b.mp3"
    assert path_for_dj("/srv/musicals/b.mp3", music_root="/srv/music", dj_music_root="/x") == "/srv/musicals/b.mp3"
    assert path_from_dj("d:/music/A/b.mp3", music_root="/srv/music", dj_music_root="D:\\Music") == "/srv/music/A/b.mp3"
    assert path_from_dj("/Volumes/Music/A/b.mp3", music_root="/srv/music",
                        dj_music_root="/Volumes/Music") == "/srv/music/A/b.mp3"
    assert path_from_dj("/Users/x/b.mp3", music_root="/srv/music", dj_music_root="") == "/Users/x/b.mp3"
