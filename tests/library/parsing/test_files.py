"""Tracklist files: MixesDB CSV exports (real ones), other CSV files, CUE sheets, uploads of any name and encoding,
and files that are no tracklist, refused in words."""

from __future__ import annotations

import codecs
import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from library.parsing import TracklistError, parse_csv, parse_cue, parse_file
from tests.library.parsing.helpers import (
    FIXTURES,
    PARSED,
    UNIDENTIFIABLE,
    UNPARSED,
    fields,
    line_text,
    newline,
    tracklist_text,
)

BEN_KLOCK = FIXTURES / "mixesdb-laceto-ben-klock-awakenings-2017-excerpt.csv"
HAWTIN = FIXTURES / "mixesdb-laceto-hawtin-cocorico-tracklists.csv"


# --- Real MixesDB CSV files ------------------------------------------------------------------------------------------


def test_the_ben_klock_excerpt_reads_as_one_mix_of_42_lines() -> None:
    (mix,) = parse_csv(BEN_KLOCK.read_text(encoding="utf-8"))

    assert mix.name == "2017-10-22 - Ben Klock @ Awakenings x Klockworks Pres. Photon, Gashouder, ADE"
    assert mix.source_url == (
        "https://www.mixesdb.com/w/2017-10-22_-_Ben_Klock_@_Awakenings_x_Klockworks_Pres._Photon,_Gashouder,_ADE"
    )
    assert [line.position for line in mix.lines] == list(range(1, 43))
    first, transport, last = mix.lines[0], mix.lines[15], mix.lines[41]
    assert fields(first, ["raw", "status", "timestamp", "artist", "artists", "title", "label", "catalog_number"]) == {
        "raw": "Trevino - Sombre Tones [Klockworks - KW 20]", "status": PARSED, "timestamp": 0, "artist": "Trevino",
        "artists": ("Trevino",), "title": "Sombre Tones", "label": "Klockworks", "catalog_number": "KW 20",
    }  # fmt: skip
    assert fields(transport, ["artists", "title", "version", "remixers", "label", "catalog_number"]) == {
        "artists": ("Juan Atkins", "Moritz Von Oswald"), "title": "Transport",
        "version": "Carl Craig Remix / DJ Deep & Roman Poncet Rework",
        "remixers": ("Carl Craig", "DJ Deep", "Roman Poncet"), "label": "Tresor", "catalog_number": "298",
    }  # fmt: skip
    assert (last.timestamp, last.artist, last.title, last.label, last.catalog_number) == (
        146 * 60, "Konrad", "Strange", "Phobiq", "0167D",
    )  # fmt: skip
    assert mix.lines[1].timestamp == 3 * 60
    assert mix.lines[10].title == "Mathilda (Structure 1)"
    assert (mix.lines[22].label, mix.lines[22].catalog_number) == ("Failsafe", "FA-SA-003")


def test_the_ben_klock_question_marks_are_unidentifiable() -> None:
    (mix,) = parse_csv(BEN_KLOCK.read_text(encoding="utf-8"))

    unknown = [(line.position, line.raw, line.artist) for line in mix.lines if line.status == UNIDENTIFIABLE]

    assert unknown == [(4, "Cisco Ferreira & Colin Mcbean - ?", "Cisco Ferreira & Colin Mcbean"), (7, "?", ""),
                       (19, "?", "")]  # fmt: skip
    assert all(line.status == PARSED for line in mix.lines if line.position not in (4, 7, 19))


def test_the_hawtin_file_reads_as_two_mixes_numbered_across_their_parts() -> None:
    first, second = parse_csv(HAWTIN.read_text(encoding="utf-8"))

    assert (first.name, len(first.lines)) == ("2006-08-16 - Richie Hawtin @ Cocorico, Riccione", 20)
    assert (second.name, len(second.lines)) == ("2007-08-15 - Richie Hawtin @ M-nus Label Night, Cocorico, Italy", 20)
    assert first.source_url == "https://www.mixesdb.com/w/2006-08-16_-_Richie_Hawtin_@_Cocorico,_Riccione"
    assert [line.position for line in first.lines] == list(range(1, 21))
    # Part 2 starts at position 11; its timestamps start again, as the file gives them.
    assert (first.lines[10].position, first.lines[10].artist, first.lines[10].timestamp) == (11, "Audion", 6 * 60)


def test_the_hawtin_lines_that_a_person_would_check() -> None:
    first, second = parse_csv(HAWTIN.read_text(encoding="utf-8"))

    curtin = first.lines[3]
    assert (curtin.raw, curtin.title, curtin.version, curtin.remixers, curtin.timestamp) == (
        "Dan Curtin - Echozeichen EP (Someone Else Remix)", "Echozeichen EP", "Someone Else Remix",
        ("Someone Else",), 15 * 60,
    )  # fmt: skip
    heckmann = first.lines[9]
    assert (heckmann.artist, heckmann.title, heckmann.timestamp) == ("Thomas P. Heckmann", "Back Up", None)
    assert (first.lines[12].status, first.lines[12].artist) == (UNIDENTIFIABLE, "T.P. Heckmann")
    assert first.lines[1].artists == ("Guy Gerber", "Shlomi Aber")
    assert second.lines[7].artists == ("Linzatti", "Grindvik")
    assert (second.lines[9].title, second.lines[9].version, second.lines[9].remixers) == (
        "Spastik", "Dubfire Re-Edit", ("Dubfire",),
    )  # fmt: skip
    mountain = second.lines[17]
    assert (mountain.status, mountain.artist, mountain.title, mountain.timestamp) == (
        PARSED, "The Mountain People", "Mountain 004", 75 * 60,
    )  # fmt: skip


def test_the_hawtin_rows_with_no_track_are_unidentifiable_slots() -> None:
    _, second = parse_csv(HAWTIN.read_text(encoding="utf-8"))

    slots = [line for line in second.lines if line.status == UNIDENTIFIABLE]

    assert [line.position for line in slots] == [2, 3, 4, 14, 15, 16, 17, 19, 20]
    assert {(line.raw, line.artist, line.title) for line in slots} == {("?", "", "")}
    assert [line.timestamp for line in slots[:3]] == [5 * 60, 11 * 60, 14 * 60]


def test_parse_file_reads_the_real_files_as_csv() -> None:
    mixes = parse_file(HAWTIN.name, HAWTIN.read_bytes())

    assert [len(mix.lines) for mix in mixes] == [20, 20]


def test_a_mixesdb_csv_reads_a_lone_label_among_label_and_catalogue_brackets() -> None:
    text = "artist,title\n" + "\n".join(
        f"{artist},{title}"
        for artist, title in [
            ("Reeko", "Cyberpunk [Pole - 007]"),
            ("Voidloss", "Distorted Crystal Matrix [Archetypes]"),
            ("Tremor", "Impact [Silent Steps - 06]"),
            ("Squared Curves", "Sparta [Synergetic]"),
        ]
    )

    (mix,) = parse_csv(text)

    assert [(line.title, line.label) for line in mix.lines] == [
        ("Cyberpunk", "Pole"),
        ("Distorted Crystal Matrix", "Archetypes"),
        ("Impact", "Silent Steps"),
        ("Sparta", "Synergetic"),
    ]


def test_a_mixesdb_csv_gives_each_mix_the_date_its_title_names() -> None:
    first, second = parse_csv((FIXTURES / "mixesdb-laceto-hawtin-cocorico-tracklists.csv").read_text(encoding="utf-8"))

    assert (first.date, second.date) == (datetime.date(2006, 8, 16), datetime.date(2007, 8, 15))


# --- Other CSV files -------------------------------------------------------------------------------------------------


def test_a_csv_with_other_column_names_and_a_label_column() -> None:
    text = "Track Title;ARTIST;Time;Label;Catalog Number\nTitle (X Remix);Artist;1:02:03;Lab;CAT 1\n;;;;\nT2;B;;;\n"

    (mix,) = parse_csv(text)

    assert [fields(line, ["position", "artist", "title", "version", "timestamp", "label", "catalog_number"])
            for line in mix.lines] == [
        {"position": 1, "artist": "Artist", "title": "Title", "version": "X Remix", "timestamp": 3723, "label": "Lab",
         "catalog_number": "CAT 1"},
        {"position": 2, "artist": "B", "title": "T2", "version": "", "timestamp": None, "label": "",
         "catalog_number": ""},
    ]  # fmt: skip
    assert mix.lines[0].raw == "Artist - Title (X Remix)"


def test_a_csv_without_a_header_is_read_as_text() -> None:
    (mix,) = parse_csv("Artist - Title\nArtist2 - Title2 [Label]\n")

    # Issue 18: a lone "[Label]" stays in the title unless the list writes labels that way (see test_fields).
    assert [(line.artist, line.title, line.label) for line in mix.lines] == [
        ("Artist", "Title", ""),
        ("Artist2", "Title2 [Label]", ""),
    ]


@pytest.mark.parametrize("text", ["", "\n\n", "title,bpm\n", "a,b,c\n-----\n"])
def test_a_csv_with_nothing_to_read_says_it_needs_a_header(text: str) -> None:
    with pytest.raises(TracklistError, match="header row with artist and title columns"):
        parse_csv(text)


def test_a_csv_with_a_header_and_no_rows_holds_no_mix() -> None:
    assert parse_csv("artist,title\n") == []


# --- CUE sheets ------------------------------------------------------------------------------------------------------


def test_a_cue_sheet_reads_its_dj_name_and_tracks() -> None:
    mix = parse_cue((FIXTURES / "handwritten-sample-mix.cue").read_text(encoding="utf-8"))

    assert (mix.name, mix.dj) == ("Hand-written sample mix", "Ben Klock")
    assert [fields(line, ["position", "status", "timestamp", "artist", "title", "version", "remixers", "label",
                          "catalog_number"]) for line in mix.lines] == [
        {"position": 1, "status": PARSED, "timestamp": 0, "artist": "Trevino", "title": "Sombre Tones", "version": "",
         "remixers": (), "label": "Klockworks", "catalog_number": "KW 20"},
        {"position": 2, "status": PARSED, "timestamp": 5 * 60 + 2, "artist": "Juan Atkins & Moritz Von Oswald",
         "title": "Transport", "version": "Carl Craig Remix", "remixers": ("Carl Craig",), "label": "",
         "catalog_number": ""},
        {"position": 3, "status": UNIDENTIFIABLE, "timestamp": 125 * 60 + 10, "artist": "", "title": "",
         "version": "", "remixers": (), "label": "", "catalog_number": ""},
    ]  # fmt: skip
    assert mix.lines[1].raw == "Juan Atkins & Moritz Von Oswald - Transport (Carl Craig Remix)"


def test_a_cue_track_without_a_performer_reads_its_title_as_a_line() -> None:
    mix = parse_cue('PERFORMER "DJ"\nTRACK 01 AUDIO\n  TITLE "Artist - Title (X Remix)"\n  INDEX 01 01:00:00\n'
                    "TRACK 02 MODE1/2352\n  TITLE Data\n")  # fmt: skip

    assert [(line.artist, line.title, line.version, line.timestamp) for line in mix.lines] == [
        ("Artist", "Title", "X Remix", 60)
    ]
    assert (mix.dj, mix.name) == ("DJ", "")


# --- Files -----------------------------------------------------------------------------------------------------------


def test_parse_file_reads_a_text_file_and_names_the_mix_after_it() -> None:
    data = (FIXTURES / "handwritten-mixed-styles.txt").read_bytes()

    (mix,) = parse_file("handwritten-mixed-styles.txt", data)

    assert mix.name == "handwritten-mixed-styles"
    assert [(line.position, line.status, line.timestamp, line.artist, line.title, line.together)
            for line in mix.lines] == [
        (1, PARSED, None, "Trevino", "Sombre Tones", False),
        (2, PARSED, None, "Emmanuel Top", "Revision 02", False),
        (3, UNIDENTIFIABLE, None, "", "", False),
        (4, PARSED, 3723, "Juan Atkins & Moritz Von Oswald", "Transport", False),
        (5, PARSED, 4000, "Radio Slave", "Feel The Same", False),
        (6, PARSED, None, "Regis", "Keep Planning", True),
        (7, UNPARSED, None, "", "", False),
    ]  # fmt: skip


def test_parse_file_sniffs_a_cue_sheet_by_its_tracks() -> None:
    data = (FIXTURES / "handwritten-sample-mix.cue").read_bytes()

    assert [mix.dj for mix in parse_file("sample.cue", data)] == ["Ben Klock"]
    assert [mix.dj for mix in parse_file("upload", data)] == ["Ben Klock"]
    # A .txt is text, whatever it holds.
    assert [mix.dj for mix in parse_file("sample.txt", data)] == [""]


@pytest.mark.parametrize(
    ("data", "artist"),
    [
        ("Röyksopp - Eple".encode(), "Röyksopp"),
        (codecs.BOM_UTF8 + "Röyksopp - Eple".encode(), "Röyksopp"),
        ("Röyksopp – Eple".encode("cp1252"), "Röyksopp"),
        (codecs.BOM_UTF16_LE + "Röyksopp - Eple".encode("utf-16-le"), "Röyksopp"),
    ],
    ids=["utf-8", "utf-8 with BOM", "cp1252", "utf-16 with BOM"],
)
def test_parse_file_decodes_the_usual_encodings(data: bytes, artist: str) -> None:
    (mix,) = parse_file("mix.txt", data)

    assert [(line.artist, line.title) for line in mix.lines] == [(artist, "Eple")]


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("mix.txt", b"", "is empty"),
        ("mix.txt", b" \r\n\t", "is empty"),
        ("mix.mp3", b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 8, "not a text file"),
        ("mix.txt", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj", "not a text file"),
        ("mix.txt", b"Artist - Title \x81\x8d\x8f\x90\x9d", "cannot read"),
        ("mix.txt", b"Tracklist:\n-----\n", "holds no track lines"),
        ("mix.csv", b"title,bpm\n", "header row"),
    ],
)
def test_parse_file_says_what_is_wrong_with_a_file_that_is_no_tracklist(filename, data, message) -> None:
    with pytest.raises(TracklistError, match=message) as raised:
        parse_file(filename, data)

    assert isinstance(raised.value, ValueError)


# --- Properties ------------------------------------------------------------------------------------------------------


_csv_cell = st.text(max_size=20) | line_text
_csv_text = st.text() | st.tuples(
    st.lists(st.sampled_from(["artist", "Title", "track", "mix_title", "timestamp", "label", "raw", "part", "x"]),
             max_size=6),
    st.lists(st.lists(_csv_cell, max_size=7), max_size=8),
).map(lambda table: "\n".join(",".join(f'"{cell}"' if "," in cell else cell for cell in row)
                              for row in [table[0], *table[1]]))  # fmt: skip


@given(_csv_text)
def test_parse_csv_raises_nothing_but_tracklist_error(text: str) -> None:
    try:
        mixes = parse_csv(text)
    except TracklistError:
        return
    for mix in mixes:
        assert [line.position for line in mix.lines] == list(range(1, len(mix.lines) + 1))


_cue_line = st.sampled_from(["TRACK 01 AUDIO", "TRACK 2 MODE1", "  PERFORMER ", "  TITLE ", "INDEX 01 ", "INDEX 00 ",
                             "REM ", "FILE "]) | st.text(max_size=10)  # fmt: skip
_cue_text = st.text() | st.lists(st.tuples(_cue_line, st.text(max_size=12) | line_text, newline), max_size=12).map(
    lambda rows: "".join(keyword + value + newline for keyword, value, newline in rows)
)


@given(_cue_text)
def test_parse_cue_never_raises(text: str) -> None:
    mix = parse_cue(text)

    assert [line.position for line in mix.lines] == list(range(1, len(mix.lines) + 1))


@settings(max_examples=300)
@given(
    st.sampled_from(["mix.txt", "mix.csv", "mix.cue", "mix", "mix.m3u", "", "dir/Mix.CUE", "C:\\mixes\\a.Csv"]),
    st.binary()
    | tracklist_text.map(str.encode)
    | _cue_text.map(lambda text: text.encode("cp1252", errors="replace"))
    | _csv_text.map(lambda text: codecs.BOM_UTF8 + text.encode()),
)
def test_parse_file_raises_nothing_but_tracklist_error(filename: str, data: bytes) -> None:
    try:
        mixes = parse_file(filename, data)
    except TracklistError as error:
        assert str(error)
        return
    assert mixes and any(mix.lines for mix in mixes)
