"""Lines that are no track: headings and rules, the mix's own title (with its DJ and date), dates and links; and a
plain list, whose first line is a track."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from library.parsing import parse_text
from tests.library.parsing.helpers import read

# --- Headings and rules ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Tracklist:", "Track list", "Tracklisting", "Setlist", "Playlist:", "Part 1", "CD1", "CD 2:", "Disc 1", "Side A",
     "-----", "=====", "_____", "*****", "— — —", "", "   ", "\t"],
)  # fmt: skip
def test_blank_and_header_lines_give_no_line(text: str) -> None:
    assert parse_text(text).lines == ()


# --- The mix's own title and header lines ----------------------------------------------------------------------------


def test_a_first_line_that_names_the_mix_does_not_take_position_1() -> None:
    # Reported: "01." became position 2 because the mix's name above it was read as a track.
    tracklist = parse_text("Ben Klock - Fabric 66\n01. Dax J - The Wonk\n02. Troy - Redshift")

    assert [(line.position, line.artist) for line in tracklist.lines] == [(1, "Dax J"), (2, "Troy")]
    assert (tracklist.name, tracklist.dj, tracklist.headers) == (
        "Ben Klock - Fabric 66", "Ben Klock", ("Ben Klock - Fabric 66",),
    )  # fmt: skip


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


_PLAIN_WORDS = ["Trevino", "Sombre", "Tones", "Dax", "Wonk", "Regis", "Keep", "Planning", "Surgeon", "Atol", "Acid",
                "Deep", "Space", "Night", "Remix", "Mix", "Edit", "Live", "Set", "Radio"]  # fmt: skip
_plain_line = st.tuples(
    st.lists(st.sampled_from(_PLAIN_WORDS), min_size=1, max_size=3).map(" ".join),
    st.lists(st.sampled_from(_PLAIN_WORDS), min_size=1, max_size=4).map(" ".join),
).map(" - ".join)


@given(st.lists(_plain_line, min_size=1, max_size=12))
def test_a_plain_list_has_no_title_its_first_line_is_a_track(lines: list[str]) -> None:
    tracklist = parse_text("\n".join(lines))

    assert (tracklist.name, tracklist.dj, tracklist.date, tracklist.headers) == ("", "", None, ())
    assert [line.raw for line in tracklist.lines] == lines
    assert [line.position for line in tracklist.lines] == list(range(1, len(lines) + 1))
