"""One source line into its tracks: what it prints before the artist (numbers, times, sides, catalogue numbers), the
dash, "w/" and "vs." lines, unknown tracks, and the positions lines take."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from library.parsing import ParsedLine, parse_text
from tests.library.parsing.helpers import PARSED, UNIDENTIFIABLE, UNPARSED, fields, only_line, read

# --- One line, each style --------------------------------------------------------------------------------------------


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


def test_a_time_then_a_bar_still_reads() -> None:
    line = only_line("12:34 | Artist - Title")

    assert (line.timestamp, line.artist, line.title) == (754, "Artist", "Title")


def test_a_parsed_line_is_still_made_from_its_first_fields_alone() -> None:
    # The fields added for issue 18 have defaults, so code that builds lines positionally keeps working.
    line = ParsedLine(1, "Artist - Title", PARSED, None, "Artist", ("Artist",), "Title")

    assert (line.side, line.label, line.together) == ("", "", False)


# --- Several lines ---------------------------------------------------------------------------------------------------


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


# --- Catalogue numbers before the artist -----------------------------------------------------------------------------


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


_NUMBER_STYLES = ["{:02d}. ", "{}. ", "{:02d} ", "#{} ", "({}) ", "{}) ", "{:02d} - ", "{}.", "[00:0{}:00] {:02d}. "]
_ARTISTS = ["Trevino", "Dax J", "Regis", "The Advent", "Surgeon", "Heiko Laux", "Konrad", "Troy"]
_TITLES = ["Sombre Tones", "The Wonk", "Keep Planning", "High Horse", "Atol", "Self", "Strange", "Redshift"]


@st.composite
def numbered_lists(draw) -> list[tuple[int | None, str]]:
    """Return lines, each with the number it prints (None for none), counting up with gaps, as people number them."""
    lines, number = [], 0
    for index in range(draw(st.integers(1, 25))):
        track = f"{draw(st.sampled_from(_ARTISTS))} - {draw(st.sampled_from(_TITLES))}"
        if index > 0 and draw(st.integers(0, 4)) == 0:
            lines.append((None, draw(st.sampled_from(["", "A1 ", "B2. ", "[012] "])) + track))
            continue
        number += draw(st.integers(1, 6))
        style = draw(st.sampled_from(_NUMBER_STYLES))
        prefix = style.format(number % 10, number) if style.startswith("[") else style.format(number)
        lines.append((number, prefix + track))
    return lines


@settings(max_examples=300)
@given(numbered_lists())
def test_positions_are_as_printed_when_they_count_up(lines: list[tuple[int | None, str]]) -> None:
    parsed = parse_text("\n".join(text for _, text in lines)).lines

    assert len(parsed) == len(lines)
    previous = 0
    for (printed, text), line in zip(lines, parsed, strict=True):
        # The rule: the printed number when it is above the previous position, else the previous position + 1.
        expected = printed if printed is not None and printed > previous else previous + 1
        assert (line.raw, line.position) == (text, expected)
        previous = line.position
    if all(printed is not None for printed, _ in lines):
        assert [line.position for line in parsed] == [printed for printed, _ in lines]


# --- Unknown tracks lose their numbers -------------------------------------------------------------------------------


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
