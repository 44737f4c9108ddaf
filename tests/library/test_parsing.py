"""Tests for library.parsing: reading pasted tracklists, MixesDB CSV files and CUE sheets into lines."""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from library import parsing
from library.parsing import (
    LineStatus,
    ParsedLine,
    TracklistError,
    parse_csv,
    parse_cue,
    parse_file,
    parse_text,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tracklists"
BEN_KLOCK = FIXTURES / "mixesdb-laceto-ben-klock-awakenings-2017-excerpt.csv"
HAWTIN = FIXTURES / "mixesdb-laceto-hawtin-cocorico-tracklists.csv"
PARSED, UNIDENTIFIABLE, UNPARSED = LineStatus.PARSED, LineStatus.UNIDENTIFIABLE, LineStatus.UNPARSED


def only_line(text: str) -> ParsedLine:
    lines = parse_text(text).lines
    assert len(lines) == 1, lines
    return lines[0]


def fields(line: ParsedLine, names) -> dict:
    return {name: getattr(line, name) for name in names}


# --- One line, each style ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Number prefixes.
        # Issue 18: a bracket that is neither version, "[Label - Cat]" nor catalogue number stays in the title.
        (
            "01. Artist - Title (X Remix) [Label]",
            {"artist": "Artist", "title": "Title [Label]", "version": "X Remix", "remixers": ("X",), "label": ""},
        ),
        ("1) Artist - Title", {"artist": "Artist", "title": "Title"}),
        ("#1 Artist - Title", {"artist": "Artist", "title": "Title"}),
        ("01 Artist - Title", {"artist": "Artist", "title": "Title"}),
        ("01 - Artist - Title", {"artist": "Artist", "title": "Title"}),
        # A number that starts the artist's name is kept: it has no leading zero and does not follow a track number.
        ("808 State - Pacific", {"artist": "808 State", "title": "Pacific"}),
        ("2000 and One - Tropical Melons", {"artist": "2000 and One", "title": "Tropical Melons"}),
        # Timestamps.
        ("[00:12:34] Artist - Title", {"timestamp": 754, "artist": "Artist", "title": "Title"}),
        ("[12:34] Artist - Title", {"timestamp": 754, "artist": "Artist", "title": "Title"}),
        ("12:34 Artist – Title", {"timestamp": 754, "artist": "Artist", "title": "Title"}),
        ("(1:02:03) Artist - Title", {"timestamp": 3723, "artist": "Artist", "title": "Title"}),
        ("[003] Artist - Title", {"timestamp": 180, "artist": "Artist", "title": "Title"}),
        ("[146] Konrad - Strange [Phobiq - 0167D]", {"timestamp": 8760, "label": "Phobiq", "catalog_number": "0167D"}),
        ("[4?:??] Thomas P. Heckmann - Back Up", {"timestamp": None, "artist": "Thomas P. Heckmann"}),
        ("01. [00:05:00] Artist - Title", {"timestamp": 300, "artist": "Artist", "title": "Title"}),
        ("[00:05:00] 01. Artist - Title", {"timestamp": 300, "artist": "Artist", "title": "Title"}),
        # Separators.
        ("Artist - Title", {"artist": "Artist", "title": "Title"}),
        ("Artist – Title", {"artist": "Artist", "title": "Title"}),
        ("Artist — Title", {"artist": "Artist", "title": "Title"}),
        ("Jay-Z - Psy-Trance Anthem", {"artist": "Jay-Z", "artists": ("Jay-Z",), "title": "Psy-Trance Anthem"}),
        ("Artist - Title - Extended Mix", {"artist": "Artist", "title": "Title", "version": "Extended Mix"}),
        (
            "Ø [Phase] - Binary Opposition (Ben Klock Process) [Token - 20RD]",
            {"artist": "Ø [Phase]", "title": "Binary Opposition (Ben Klock Process)", "label": "Token"},
        ),
        ("Artist (UK) - Title (X - Y Remix)", {"artist": "Artist (UK)", "title": "Title", "version": "X - Y Remix"}),
        ("The Mountain People -Mountain 004", {"artist": "The Mountain People", "title": "Mountain 004"}),
        # Featured artists.
        ("Artist feat. B - Title", {"artist": "Artist feat. B", "artists": ("Artist", "B"), "title": "Title"}),
        ("Artist ft. B - Title", {"artist": "Artist ft. B", "artists": ("Artist", "B"), "title": "Title"}),
        ("Artist featuring B - Title", {"artist": "Artist featuring B", "artists": ("Artist", "B")}),
        ("Artist - Title (feat. B)", {"artist": "Artist", "artists": ("Artist", "B"), "title": "Title"}),
        ("Artist - Title feat. B", {"artist": "Artist", "artists": ("Artist", "B"), "title": "Title"}),
        # Several artists.
        ("Artist & B vs. C - Title", {"artist": "Artist & B vs. C", "artists": ("Artist", "B", "C")}),
        ("A x B - Title", {"artist": "A x B", "artists": ("A", "B"), "title": "Title"}),
        ("A and B - Title", {"artist": "A and B", "artists": ("A", "B"), "title": "Title"}),
        # Labels and catalogue numbers.
        ("Artist - Title [Label - CAT 001]", {"title": "Title", "label": "Label", "catalog_number": "CAT 001"}),
        ("Artist - Title [Label]", {"title": "Title [Label]", "label": "", "catalog_number": ""}),  # issue 18
        ("Artist - Title [Label / CAT001]", {"title": "Title", "label": "Label", "catalog_number": "CAT001"}),
        (
            "Trevino - Sombre Tones [Klockworks - KW 20]",
            {"artist": "Trevino", "title": "Sombre Tones", "label": "Klockworks", "catalog_number": "KW 20"},
        ),
        ("Artist - Title [Extended Mix]", {"title": "Title", "version": "Extended Mix", "label": ""}),
        ("Artist - Title [Club Records - CR 1]", {"title": "Title", "version": "", "label": "Club Records"}),
        ("Artist - Title [feat. B]", {"title": "Title", "artists": ("Artist", "B"), "label": ""}),
        ("Artist - Title [? - ?]", {"title": "Title", "label": "", "catalog_number": ""}),
        # Versions.
        (
            "Juan Atkins & Moritz Von Oswald - Transport (Carl Craig Remix) (DJ Deep & Roman Poncet Rework) "
            "[Tresor - 298]",
            {
                "title": "Transport",
                "version": "Carl Craig Remix / DJ Deep & Roman Poncet Rework",
                "remixers": ("Carl Craig", "DJ Deep", "Roman Poncet"),
                "label": "Tresor",
                "catalog_number": "298",
            },
        ),
        ("Plastikman - Spastik (Dubfire Re-Edit) !!", {"title": "Spastik", "remixers": ("Dubfire",)}),
        ("Heartless - Mathilda (Structure 1)", {"title": "Mathilda (Structure 1)", "version": ""}),
        ("A - Title (A vs B Mashup)", {"title": "Title", "version": "A vs B Mashup", "together": False}),
        # Case is kept as written, and read the same way.
        (
            "ARTIST - TITLE (X REMIX)",
            {"artist": "ARTIST", "title": "TITLE", "version": "X REMIX", "remixers": ("X",)},
        ),
        ("artist - title (x remix)", {"artist": "artist", "title": "title", "version": "x remix", "remixers": ("x",)}),
        ("ARTIST FEAT. B - TITLE [LABEL - CAT 1]", {"artists": ("ARTIST", "B"), "label": "LABEL"}),
    ],
)
def test_a_line_reads_as_a_person_would(text: str, expected: dict) -> None:
    line = only_line(text)

    assert line.status == PARSED
    assert line.raw == text
    assert line.position == 1
    assert fields(line, expected) == expected


@pytest.mark.parametrize(
    ("text", "artist", "title"),
    [
        ("ID - ID", "", ""),
        ("ID", "", ""),
        ("?", "", ""),
        ("??", "", ""),
        ("? - ?", "", ""),
        ("Unknown - Unknown", "", ""),
        ("Unknown Artist - Unknown Track", "", ""),
        ("TBA", "", ""),
        ("unreleased", "", ""),
        ("Unreleased", "", ""),
        ("Artist - ID", "Artist", ""),
        ("Artist - ?", "Artist", ""),
        ("Artist - id", "Artist", ""),
        ("ID - Title", "", "Title"),
        ("id - title", "", "title"),
        ("[12:34] ID - ID", "", ""),
        ("Cisco Ferreira & Colin Mcbean - ?", "Cisco Ferreira & Colin Mcbean", ""),
    ],
)
def test_unknown_markers_make_a_line_unidentifiable_and_keep_what_is_known(text: str, artist: str, title: str) -> None:
    line = only_line(text)

    assert (line.status, line.artist, line.title, line.raw) == (UNIDENTIFIABLE, artist, title, text)


def test_an_unknown_track_keeps_its_known_version() -> None:
    line = only_line("ID (Bicep Remix)")

    assert (line.status, line.version, line.remixers) == (UNIDENTIFIABLE, "Bicep Remix", ("Bicep",))


@pytest.mark.parametrize("text", ["just some words", "- Title", "Artist -", "((((", "Artist-Title", "[[[ - ]]]"])
def test_a_line_without_artist_and_title_is_kept_unparsed(text: str) -> None:
    line = only_line(text)

    assert (line.status, line.raw, line.artist, line.title) == (UNPARSED, text, "", "")


@pytest.mark.parametrize(
    "text",
    ["Tracklist:", "Track list", "Tracklisting", "Setlist", "Playlist:", "Part 1", "CD1", "CD 2:", "Disc 1", "Side A",
     "-----", "=====", "_____", "*****", "— — —", "", "   ", "\t"],
)  # fmt: skip
def test_blank_and_header_lines_give_no_line(text: str) -> None:
    assert parse_text(text).lines == ()


# --- Several lines -------------------------------------------------------------------------------------------------


def test_a_w_slash_line_is_two_tracks_played_together() -> None:
    first, second = parse_text("[01:00] Artist - Title w/ Artist2 - Title2 (X Remix)").lines

    assert fields(first, ["position", "raw", "timestamp", "artist", "title", "together"]) == {
        "position": 1, "raw": "[01:00] Artist - Title", "timestamp": 60, "artist": "Artist", "title": "Title",
        "together": False,
    }  # fmt: skip
    assert fields(second, ["position", "raw", "timestamp", "artist", "title", "version", "together"]) == {
        "position": 2, "raw": "w/ Artist2 - Title2 (X Remix)", "timestamp": None, "artist": "Artist2",
        "title": "Title2", "version": "X Remix", "together": True,
    }  # fmt: skip


def test_a_line_starting_with_w_slash_is_played_with_the_line_before() -> None:
    lines = parse_text("Artist - Title\nw/ Artist2 - Title2\nW/ Artist3 - Title3\nvs. Artist4 - Title4").lines

    assert [(line.artist, line.title, line.together) for line in lines] == [
        ("Artist", "Title", False),
        ("Artist2", "Title2", True),
        ("Artist3", "Title3", True),
        ("Artist4", "Title4", True),
    ]


def test_a_first_line_has_nothing_to_be_played_together_with() -> None:
    assert only_line("w/ Artist - Title").together is False


def test_a_mashup_line_is_two_tracks_and_a_mashup_version_is_one() -> None:
    mashup = parse_text("A - Title vs. B - Title2").lines
    credited = parse_text("A - Title (A vs B Mashup)").lines

    assert [(line.raw, line.artist, line.title, line.together) for line in mashup] == [
        ("A - Title", "A", "Title", False),
        ("vs. B - Title2", "B", "Title2", True),
    ]
    assert [(line.title, line.version) for line in credited] == [("Title", "A vs B Mashup")]


def test_a_vs_in_the_artist_or_a_title_does_not_split_the_line() -> None:
    assert only_line("A vs. B - Title").artists == ("A", "B")
    assert only_line("Artist - Man vs Machine").title == "Man vs Machine"


def test_positions_count_tracks_and_skip_blank_and_header_lines() -> None:
    text = "Tracklist:\n\n1. A - T\nCD 2\n2. B - T w/ C - T\n-----\n3. ID - ID\nsomething else\n"

    lines = parse_text(text).lines

    assert [(line.position, line.raw, line.status) for line in lines] == [
        (1, "1. A - T", PARSED),
        (2, "2. B - T", PARSED),
        (3, "w/ C - T", PARSED),
        (4, "3. ID - ID", UNIDENTIFIABLE),
        (5, "something else", UNPARSED),
    ]


def test_bare_numbers_are_track_numbers_when_they_count_up() -> None:
    lines = parse_text("1 Artist - One\n2 Artist - Two\n3 Artist - Three\n808 State - Pacific").lines

    assert [line.artist for line in lines] == ["Artist", "Artist", "Artist", "808 State"]


def test_mixed_newlines_tabs_and_control_characters() -> None:
    text = "A - One\r\nB\t-\tTwo\rC\x00 - Th\x00ree\x1b\nD\u200b - Four\x0c"

    lines = parse_text(text).lines

    assert [(line.raw, line.artist, line.title) for line in lines] == [
        ("A - One", "A", "One"),
        ("B - Two", "B", "Two"),
        ("C - Three", "C", "Three"),
        ("D - Four", "D", "Four"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "a" * 100_000,
        " - " * 33_333,
        "(" * 100_000,
        "[" * 50_000 + "]" * 50_000,
        "x" + " " * 100_000 + "- y",
        "\t" * 100_000,
        "A - T" + " w/ B - T" * 11_000,
        "A - T" + " vs. B" * 16_000,
        "feat. " * 16_000 + "- T",
        "ID - " * 20_000,
        "A - " + "(X Remix " * 11_000,
        "A - T " + "[L - C] " * 12_000,
        "?" * 100_000,
        "[12:34] " + "1" * 100_000,
        "\x00" * 100_000,
        "Artist - Title" + "!" * 100_000,
        # Issue 18's readers: credits, sides, catalogue numbers, dates, links and the mix's title.
        "a-" * 50_000 + " – b",
        "A" * 100_000 + "1 - x",
        "NYH244 " * 14_000 + "- x",
        "2019-13-45 " * 9_000,
        "www." + "a" * 100_000,
        "@ " * 50_000,
        "Tracklist " * 10_000,
        "A1. " * 25_000,
        "5 January " * 10_000,
        "a*" * 50_000 + " - b",
    ],
    ids=lambda text: repr(text[:12]),
)
def test_a_100000_character_line_is_read_quickly(text: str) -> None:
    started = time.perf_counter()
    parse_text(text)
    parse_csv(f"artist,title\nA,{text}\n")
    parse_cue(f'TRACK 01 AUDIO\nTITLE "{text}"\n')

    # A guard against a pattern that backtracks without end (minutes, or never), not a speed target: those are the
    # bench's (bench/discovery.py). Idle, all three take about 0.1 s; a busy CI machine may take several times that.
    assert time.perf_counter() - started < 5


# --- The fast paths read what parse_title reads --------------------------------------------------------------------

_TITLE_PIECES = ["Title", "Drift", "Left", " ", "(", ")", "[", "]", "{", "}", "（", "）", "Remix", "X Remix", "feat.",
                 " feat. B", " ft. B", "Mix", "-", " - ", "–", "Extended", "Mashup", "A vs B", "Original", "x", "'s"]  # fmt: skip


@settings(max_examples=500)
@given(st.lists(st.sampled_from(_TITLE_PIECES), max_size=10).map(lambda pieces: " ".join("".join(pieces).split())))
def test_the_title_shortcuts_agree_with_parse_title(title: str) -> None:
    # _version_fields skips parse_title for a plain title and gives it only the brackets of "Head (...)";
    # _parsed_title always gives it the whole title.
    assert parsing._version_fields(title) == parsing._parsed_title(title)


# --- Real MixesDB CSV files ----------------------------------------------------------------------------------------


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


# --- Other CSV files -----------------------------------------------------------------------------------------------


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

    # Issue 18: a lone "[Label]" stays in the title unless the list writes labels that way (see test_parsing_styles).
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


# --- CUE sheets ----------------------------------------------------------------------------------------------------


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


# --- Files ---------------------------------------------------------------------------------------------------------


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


# --- Properties ----------------------------------------------------------------------------------------------------

_FRAGMENTS = [
    "ID", "id", "?", "??", " - ", " – ", " — ", "-", "–", "(", ")", "[", "]", "{", "}", "feat.", " feat. ", "ft. ",
    " w/ ", "w/", "W/", " vs. ", "vs ", " versus ", "Mashup", "Remix", " X Remix", "Extended Mix", "Artist", "Title",
    "Label", "KW 20", "01.", "1)", "#1 ", "[12:34] ", "12:34 ", "[003] ", "(1:02:03)", "4?:??", "0", "1", "9", ":",
    " ", "  ", "\t", "\x00", "\x1f", "\x7f", "\u200b", "\xa0", "\u2060", "Part 1", "CD 2:", "Tracklist:", "---",
    "===", "!!", "&", ",", " and ", " x ", "/", "Unknown", "Unknown Artist", "TBA", "unreleased", "Jay-Z", "Ø",
    "ガ", "\U0001f3b5",
]  # fmt: skip
_line = st.lists(st.sampled_from(_FRAGMENTS), max_size=12).map("".join)
_newline = st.sampled_from(["\n", "\r\n", "\r"])
tracklist_text = st.text() | st.lists(st.tuples(_line, _newline), max_size=15).map(
    lambda pairs: "".join(line + newline for line, newline in pairs)
)


def visible(text: str) -> str:
    """Return text without whitespace or invisible characters: what a person would see of it."""
    return "".join(char for char in text if char.isprintable() and not char.isspace())


@given(tracklist_text)
def test_parse_text_never_raises_and_numbers_its_lines(text: str) -> None:
    lines = parse_text(text).lines

    # Issue 18: printed numbers are kept as positions, gaps and all, so positions increase but may skip.
    assert all(earlier.position < later.position for earlier, later in zip(lines, lines[1:], strict=False))
    assert not lines or (lines[0].position >= 1 and not lines[0].together)
    assert all(line.status in (PARSED, UNIDENTIFIABLE, UNPARSED) for line in lines)
    assert all(line.timestamp is None or line.timestamp >= 0 for line in lines)


@given(tracklist_text)
def test_no_line_is_lost(text: str) -> None:
    tracklist = parse_text(text)

    # Each source line a person sees is, in order, either one header or the raw text of one or more lines (a "w/"
    # line is split in pieces that together are the whole line). Issue 18: a line that is no track (a heading, the
    # mix's title, a date, a link) is kept among the headers instead of being dropped.
    raws = [seen for seen in (visible(line.raw) for line in tracklist.lines) if seen]
    headers = [seen for seen in map(visible, tracklist.headers) if seen]
    read_raws = read_headers = 0
    for source in text.splitlines():
        seen = visible(source)
        if not seen:
            continue
        if read_headers < len(headers) and headers[read_headers] == seen:
            read_headers += 1
            continue
        joined = ""
        while joined != seen and read_raws < len(raws) and seen.startswith(joined + raws[read_raws]):
            joined += raws[read_raws]
            read_raws += 1
        assert joined == seen, (source, tracklist)
    assert (read_raws, read_headers) == (len(raws), len(headers))


_csv_cell = st.text(max_size=20) | _line
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
_cue_text = st.text() | st.lists(st.tuples(_cue_line, st.text(max_size=12) | _line, _newline), max_size=12).map(
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
