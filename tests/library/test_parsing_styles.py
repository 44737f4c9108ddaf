"""Tests for library.parsing on the lines people really paste (issue 18): sides, catalogue numbers, printed numbers,
the mix's title and headers, unknown tracks, remixers and brackets."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from library.parsing import LineStatus, ParsedLine, parse_csv, parse_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tracklists"
PARSED, UNIDENTIFIABLE, UNPARSED = LineStatus.PARSED, LineStatus.UNIDENTIFIABLE, LineStatus.UNPARSED


def only_line(text: str) -> ParsedLine:
    lines = parse_text(text).lines
    assert len(lines) == 1, lines
    return lines[0]


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


# --- Vinyl sides and disc positions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("A1 Artist - Title", "A1"),
        ("B2 Artist - Title", "B2"),
        ("AA1 Artist - Title", "AA1"),
        ("A1. Artist - Title", "A1"),
        ("A1 - Artist - Title", "A1"),
        ("A1- Artist - Title", "A1"),  # beetcamp's Bandcamp names
        ("A1.- Artist - Title", "A1"),
        ("B2) Artist - Title", "B2"),
        ("C12 Artist - Title", "C12"),
    ],
)
def test_a_vinyl_side_is_read_off_the_line_and_kept(text: str, side: str) -> None:
    line = only_line(text)

    assert (line.side, line.position, line.status, line.artist, line.title) == (side, 1, PARSED, "Artist", "Title")


@pytest.mark.parametrize(
    ("text", "artist", "title"),
    [
        ("A1 - Caught In The Middle", "A1", "Caught In The Middle"),  # the band A1: no second dash, no side before
        ("B12 - Hall Of Mirrors", "B12", "Hall Of Mirrors"),
        ("A. Paul - Kaned Lunch [Naked Lunch - NLD 002]", "A. Paul", "Kaned Lunch"),  # MixesDB
        ("K - The Lightning", "K", "The Lightning"),
        ("A Guy Called Gerald - Voodoo Ray", "A Guy Called Gerald", "Voodoo Ray"),
        ("E2-E4 - Sueño Latino", "E2-E4", "Sueño Latino"),
        ("A40 - Artist - Title", "A40", "Artist - Title"),  # no side runs to 40
        ("DVS1 - Polyphonic Love [Transmat - MS 98]", "DVS1", "Polyphonic Love"),
        ("F2 - Dominica", "F2", "Dominica"),
    ],
)
def test_a_name_that_looks_like_a_side_stays_the_artist(text: str, artist: str, title: str) -> None:
    line = only_line(text)

    assert (line.side, line.artist, line.title) == ("", artist, title)


def test_a_vinyl_ep_keeps_its_sides_in_order_and_its_locked_grooves_in_the_titles() -> None:
    lines = parse_text(read("bandcamp-beetcamp-fld001-track-names.txt")).lines

    assert [(line.position, line.side, line.artist, line.title, line.version, line.label) for line in lines] == [
        (1, "A1", "Gareth Wild", "Live Wire", "", ""),
        (2, "A2", "Gareth Wild", "Live Wire", "Roll Dann Remix", ""),
        (3, "A3", "Gareth Wild", "DDS [Locked Groove]", "", ""),
        (4, "AA1", "Gareth Wild", "Common Assault", "", ""),
        (5, "AA2", "Gareth Wild", "Saturn Storm", "", ""),
        (6, "AA3", "Gareth Wild", "Quadrant [Locked Groove]", "", ""),
    ]


def test_after_sides_a_side_with_only_a_title_is_still_a_side() -> None:
    first, second, third = parse_text("A1 Artist - Title\nA2 - Interlude\nB. Reprise").lines

    assert [(line.position, line.side) for line in (first, second, third)] == [(1, "A1"), (2, "A2"), (3, "B")]
    assert second.status == UNPARSED  # no artist to tell from the title: kept as written
    assert second.raw == "A2 - Interlude"


def test_a_discogs_copy_reads_its_disc_positions_and_leaves_its_credit_lines_out() -> None:
    tracklist = parse_text(read("discogs-tracklist-searcher-example.txt"))

    lines = tracklist.lines
    assert [line.side for line in lines] == [f"1.{number}" for number in range(1, 19)]
    assert [line.position for line in lines] == list(range(1, 19))
    assert (lines[1].artist, lines[1].title, lines[1].version, lines[1].remixers) == (
        "Robert Armani", "Circus Bells", "Hardfloor Remix", ("Hardfloor",),
    )  # fmt: skip
    # Discogs' "*" marks a name spelled otherwise on the release.
    assert (lines[4].artist, lines[4].artists) == ("H.M.C. / A.S.I.O.", ("H.M.C.", "A.S.I.O."))
    assert lines[13].artist == "Essence Of Nature"
    assert len(tracklist.headers) == 39
    assert all(header.startswith(("Written-By – ", "Remix – ")) for header in tracklist.headers)


# --- Catalogue numbers before the artist ---------------------------------------------------------------------------


def test_a_catalogue_number_before_the_artist_is_the_catalogue_number() -> None:
    line = only_line("NYH244 07 Omni Gideon - Flogiston (ODJ Harri Keys Of Life House Music Edit)")

    assert (line.position, line.catalog_number, line.artist, line.title) == (7, "NYH244", "Omni Gideon", "Flogiston")


def test_a_label_compilation_keeps_its_printed_numbers_and_its_catalogue_number() -> None:
    lines = parse_text(read("bandcamp-beetcamp-nyh244-track-names.txt")).lines

    assert [line.position for line in lines] == list(range(1, 19))
    assert {line.catalog_number for line in lines} == {"NYH244"}
    # Track 9 prints its catalogue number and no track number: it takes the next position.
    assert (lines[8].raw, lines[8].position, lines[8].artist, lines[8].title) == (
        "NYH244 Mallisto - Laulu Numero 1", 9, "Mallisto", "Laulu Numero 1",
    )  # fmt: skip
    assert (lines[3].artist, lines[3].title) == ("Chris Angel", "Mind Freak")


@pytest.mark.parametrize(
    ("text", "catalog", "artist", "title", "version"),
    [
        ("LI$INGLE010 - cyberflex - LEVEL X", "LI$INGLE010", "cyberflex", "LEVEL X", ""),
        ("HWEP010 - MEZZ - COLOR OF WAR", "HWEP010", "MEZZ", "COLOR OF WAR", ""),
        # An artist's name with digits is no catalogue number: "DJ3000" has too few letters, "SL2" too few digits.
        ("DJ3000 - Tomorrow - Extended Mix", "", "DJ3000", "Tomorrow", "Extended Mix"),
        ("SL2 - On A Ragga Tip - Original Mix", "", "SL2", "On A Ragga Tip", "Original Mix"),
    ],
)
def test_a_catalogue_number_then_a_dash_needs_the_shape_of_one(text, catalog, artist, title, version) -> None:
    line = only_line(text)

    assert (line.catalog_number, line.artist, line.title, line.version) == (catalog, artist, title, version)


# --- Printed numbers are positions -----------------------------------------------------------------------------------


def test_printed_numbers_are_the_positions_gaps_kept() -> None:
    lines = parse_text("01. A - One\n03. B - Three\n07 C - Seven\n#9 D - Nine\n(12) E - Twelve").lines

    assert [line.position for line in lines] == [1, 3, 7, 9, 12]


def test_a_number_that_does_not_count_up_takes_the_next_position() -> None:
    # Two CDs numbered from 01 each, and a number printed twice: positions stay unique and increasing.
    text = "01. A - T\n02. B - T\nCD 2\n01. C - T\n02. D - T\n02. E - T\nF - T"

    assert [line.position for line in parse_text(text).lines] == [1, 2, 3, 4, 5, 6]


def test_a_first_line_that_names_the_mix_does_not_take_position_1() -> None:
    # Reported: "01." became position 2 because the mix's name above it was read as a track.
    tracklist = parse_text("Ben Klock - Fabric 66\n01. Dax J - The Wonk\n02. Troy - Redshift")

    assert [(line.position, line.artist) for line in tracklist.lines] == [(1, "Dax J"), (2, "Troy")]
    assert (tracklist.name, tracklist.dj, tracklist.headers) == (
        "Ben Klock - Fabric 66", "Ben Klock", ("Ben Klock - Fabric 66",),
    )  # fmt: skip


def test_numbered_lines_with_times_read_both() -> None:
    lines = parse_text("01 - 00:00 - DJ Dainskin - Move Your Body\n02 - 05:21 - Dave Angel - Funk Music").lines

    assert [(line.position, line.timestamp, line.artist) for line in lines] == [
        (1, 0, "DJ Dainskin"),
        (2, 321, "Dave Angel"),
    ]


def test_a_bare_number_with_a_gap_still_counts_and_a_band_name_still_does_not() -> None:
    lines = parse_text("1 Artist - One\n2 Artist - Two\n4 Artist - Four\n808 State - Pacific").lines

    assert [(line.position, line.artist) for line in lines] == [
        (1, "Artist"),
        (2, "Artist"),
        (4, "Artist"),
        (5, "808 State"),
    ]


# --- The mix's own title and header lines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "name", "dj", "date"),
    [
        ("Ben Klock @ Berghain - Klubnacht Mix", "Ben Klock @ Berghain - Klubnacht Mix", "Ben Klock", None),
        ("DJ Name - Essential Mix 2019-01-05", "DJ Name - Essential Mix 2019-01-05", "DJ Name", "2019-01-05"),
        (
            "2017-10-22 - Ben Klock @ Awakenings x Klockworks Pres. Photon, Gashouder, ADE",
            "2017-10-22 - Ben Klock @ Awakenings x Klockworks Pres. Photon, Gashouder, ADE", "Ben Klock", "2017-10-22",
        ),
        ("Ben Klock b2b Marcel Dettmann @ Berghain", "Ben Klock b2b Marcel Dettmann @ Berghain",
         "Ben Klock b2b Marcel Dettmann", None),
        ("Tracklist: Sasha @ Fabric, London", "Sasha @ Fabric, London", "Sasha", None),
        ("Essential Mix - Sasha - 1994-11-20", "Essential Mix - Sasha - 1994-11-20", "Sasha", "1994-11-20"),
        ("Dixon - Boiler Room Berlin DJ Set", "Dixon - Boiler Room Berlin DJ Set", "Dixon", None),
        ("Carl Cox - Live at Space Ibiza", "Carl Cox - Live at Space Ibiza", "Carl Cox", None),
        ("Richie Hawtin - Podcast 123", "Richie Hawtin - Podcast 123", "Richie Hawtin", None),
        ("Sven Väth - 5 January 2019", "Sven Väth - 5 January 2019", "Sven Väth", "2019-01-05"),
    ],
)  # fmt: skip
def test_a_first_line_naming_the_mix_is_its_title_not_a_track(first, name, dj, date) -> None:
    tracklist = parse_text(f"{first}\nTrevino - Sombre Tones\nTroy - Redshift")

    assert (tracklist.name, tracklist.dj) == (name, dj)
    assert tracklist.date == (datetime.date.fromisoformat(date) if date else None)
    assert [(line.position, line.artist) for line in tracklist.lines] == [(1, "Trevino"), (2, "Troy")]
    assert tracklist.headers == (first,)


@pytest.mark.parametrize(
    "first",
    [
        "Trevino - Sombre Tones",  # a plain list starts with a track
        "Carl Cox - Phuture 2000 (Live At Space)",  # a live version, in brackets
        "Josh Wink - Higher State Of Consciousness (Essential Mix Edit)",
        "Funk D'Void - Diabla (Heavy Mental Mix)",
        "Ross 154 - Mayflower",
    ],
)
def test_a_first_line_without_a_sign_of_a_title_is_a_track(first: str) -> None:
    tracklist = parse_text(f"{first}\nTroy - Redshift")

    assert (tracklist.name, tracklist.dj, tracklist.headers) == ("", "", ())
    assert [line.raw for line in tracklist.lines] == [first, "Troy - Redshift"]


@pytest.mark.parametrize("after", ["Tracklist:", "----------", "2019-01-05", "Part 1", "01. Troy - Redshift"])
def test_a_first_line_is_the_title_when_what_follows_shows_it(after: str) -> None:
    tracklist = parse_text(f"Klubnacht Closing Set\n{after}\n02. Regis - Keep Planning")

    assert tracklist.name == "Klubnacht Closing Set"
    assert tracklist.lines[-1].position == 2
    assert "Klubnacht Closing Set" not in [line.raw for line in tracklist.lines]


def test_a_1001tracklists_copy_gives_title_dj_date_link_numbers_and_labels() -> None:
    tracklist = parse_text(read("1001tracklists-gmunumel-leger-mixmag-2021.txt"))

    assert (
        tracklist.name == "Sébastien Léger @ The Moment Presents: Exceptional Trips, Göcek, Turkey (Mixmag) 2021-07-04"
    )
    assert (tracklist.dj, tracklist.date) == ("Sébastien Léger", datetime.date(2021, 7, 4))
    assert tracklist.source_url.startswith("https://www.1001tracklists.com/tracklist/1f00ch3k/")
    assert [line.position for line in tracklist.lines] == list(range(1, 15))
    # Labels in capitals on almost every line: this list writes its labels in brackets.
    assert [line.label for line in tracklist.lines[:4]] == ["", "ALL DAY I DREAM", "LOST MIRACLE", "GO DEEVA"]
    fourth = tracklist.lines[3]
    assert (fourth.timestamp, fourth.artist, fourth.title, fourth.version, fourth.remixers) == (
        1050, "Simone Vitullo & Tanit", "Priroda", "Greg Ochman Remix", ("Greg Ochman",),
    )  # fmt: skip
    assert len(tracklist.headers) == 3  # the title, the rule and the link


@pytest.mark.parametrize(
    "text", ["2019-01-05", "05.01.2019", "Saturday, 5 January 2019", "January 5th, 2019", "Slam Radio 013 (2012-12-27)"]
)
def test_a_date_without_artist_and_title_is_a_heading_anywhere(text: str) -> None:
    tracklist = parse_text(f"A - One\nB - Two\n{text}\nC - Three")

    assert [line.artist for line in tracklist.lines] == ["A", "B", "C"]
    assert tracklist.headers == (text,)


def test_a_date_alone_gives_the_mix_its_date() -> None:
    tracklist = parse_text("2019-01-05\nA - One")

    assert (tracklist.date, tracklist.name, [line.position for line in tracklist.lines]) == (
        datetime.date(2019, 1, 5), "", [1],
    )  # fmt: skip


def test_a_link_is_the_source_and_no_track() -> None:
    # Right under the first line, too: a link may follow a track, so it does not make that line the mix's title.
    tracklist = parse_text("A - One\nhttps://www.mixcloud.com/someone/some-mix/\nB - Two\nSource: www.example.com/x")

    assert tracklist.source_url == "https://www.mixcloud.com/someone/some-mix/"
    assert [line.artist for line in tracklist.lines] == ["A", "B"]
    assert tracklist.headers == ("https://www.mixcloud.com/someone/some-mix/", "Source: www.example.com/x")


# --- Unknown tracks lose their numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position", "artist"),
    [
        ("07. ID - ID", 7, ""),
        ("07 ID - ID", 7, ""),
        ("7 ID - ID", 7, ""),
        ("7 ?", 7, ""),
        ("07. ?", 7, ""),
        ("05. [00:23:00] Sébastien Léger - ID", 5, "Sébastien Léger"),  # 1001Tracklists
        ("[016] ?", 1, ""),  # MixesDB: a time, not a number
    ],
)
def test_an_unknown_track_is_unidentifiable_without_its_number(text: str, position: int, artist: str) -> None:
    lines = parse_text(f"1 A - B\n{text}").lines

    assert (lines[-1].status, lines[-1].position, lines[-1].artist, lines[-1].title) == (
        UNIDENTIFIABLE, max(position, 2), artist, "",
    )  # fmt: skip


# --- Remixers and versions -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title", "version", "remixers"),
    [
        ("Kollektiv Turmstrasse - Ordinary (Lake People's Circle Motive Remix)", "Ordinary",
         "Lake People's Circle Motive Remix", ("Lake People",)),
        ("Derek Marin - We've Been Expecting You - Hreno's Deep Pockets Dub", "We've Been Expecting You",
         "Hreno's Deep Pockets Dub", ("Hreno",)),
        ("Artist - Title - Vocal Mix", "Title", "Vocal Mix", ()),
        ("Umek & Uto Karem - Crossing the Lines - Original Mix", "Crossing the Lines", "Original Mix", ()),
        ("Noir & Fraser Owen - &U - Mendo & Danny Serrano Remix", "&U", "Mendo & Danny Serrano Remix",
         ("Mendo", "Danny Serrano")),
    ],
)  # fmt: skip
def test_the_remixer_is_told_apart_from_the_mix_description(text, title, version, remixers) -> None:
    line = only_line(text)

    assert (line.title, line.version, line.remixers) == (title, version, remixers)


# --- Brackets: labels, catalogue numbers, notes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title", "label", "catalog"),
    [
        ("Erik Burka - Pigeon [MNRM003]", "Pigeon", "", "MNRM003"),
        ("Artist - Title [CAT001]", "Title", "", "CAT001"),
        ("Artist - Title [KW 20]", "Title", "", "KW 20"),
        ("Artist - Title [PRH-002]", "Title", "", "PRH-002"),
        ("Artist - Title [Label - CAT 001]", "Title", "Label", "CAT 001"),
        ("Gareth Wild - DDS [Locked Groove]", "DDS [Locked Groove]", "", ""),
        ("Artist - Title [2019]", "Title [2019]", "", ""),  # a year is no catalogue number
        ("Artist - Title [Unreleased]", "Title", "", ""),
    ],
)
def test_a_closing_square_bracket_is_read_by_its_shape(text: str, title: str, label: str, catalog: str) -> None:
    line = only_line(text)

    assert (line.title, line.label, line.catalog_number) == (title, label, catalog)


def test_a_list_that_writes_its_labels_in_brackets_has_them_read_as_labels() -> None:
    lines = parse_text(read("mixesdb-paste-tracklist-searcher-example.txt")).lines

    assert len(lines) == 36
    assert [(line.title, line.label, line.catalog_number) for line in lines[:2]] == [
        ("Tibetische Klangschalen 1", "Edition Ak", ""),
        ("Full Late Night", "Ovum", ""),
    ]
    assert (lines[15].label, lines[15].catalog_number) == ("Ovum", "OVM-259")
    assert (lines[27].title, lines[27].label) == ("Untitled (B1)", "Paling Trax")
    assert [line.timestamp for line in lines[:3]] == [0, None, None]  # "[0??]": a minute nobody wrote down


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


# --- What the other readers give -------------------------------------------------------------------------------------


def test_a_mixesdb_csv_gives_each_mix_the_date_its_title_names() -> None:
    first, second = parse_csv((FIXTURES / "mixesdb-laceto-hawtin-cocorico-tracklists.csv").read_text(encoding="utf-8"))

    assert (first.date, second.date) == (datetime.date(2006, 8, 16), datetime.date(2007, 8, 15))


def test_a_time_then_a_bar_still_reads() -> None:
    line = only_line("12:34 | Artist - Title")

    assert (line.timestamp, line.artist, line.title) == (754, "Artist", "Title")


def test_a_parsed_line_is_still_made_from_its_first_fields_alone() -> None:
    # The fields added for issue 18 have defaults, so code that builds lines positionally keeps working.
    line = ParsedLine(1, "Artist - Title", PARSED, None, "Artist", ("Artist",), "Title")

    assert (line.side, line.label, line.together) == ("", "", False)
