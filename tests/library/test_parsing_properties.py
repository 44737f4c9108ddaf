"""Property tests for library.parsing's reading of pasted text (issue 18): nothing lost, positions as printed, no
title made of a plain list's first track, never an exception, the same answer twice."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from library import parsing
from library.parsing import LineStatus, parse_text

# Fragments of the lines people paste, real ones included: sides, catalogue numbers, dates, links, titles, credits.
_FRAGMENTS = [
    "A1 ", "AA1. ", "B2 - ", "A1.- ", "C) ", "A. ", "NYH244 ", "NYH244 07 ", "LI$INGLE010 - ", "1.10\t", "01. ", "7 ",
    "#3 ", "(12) ", "[003] ", "[0??] ", "[01:02:03] ", "12:34 ", "Artist", "Title", " - ", " – ", "-", " -", "- ",
    " w/ ", " vs. ", "ID", "?", "Unknown", " (X Remix)", " (Lake People's Circle Motive Remix)", " - Vocal Mix",
    " [Label - CAT 001]", " [CAT001]", " [KW 20]", " [Locked Groove]", " [ALL DAY I DREAM]", " [? - ?]", "(", ")", "[",
    "]", "@", " @ ", "Ben Klock @ Berghain", "Essential Mix", " b2b ", "Tracklist:", "Tracklist", "Part 1", "CD 2",
    "-----", "=====", "2019-01-05", "05.01.2019", "5 January 2019", "Slam Radio 013 (2012-12-27)", "https://x.y/z",
    "Source: ", "www.", "Written-By – ", "Remix – ", "feat. ", "*", "808 State", "2000 and One", "Jay-Z", "Ø", "ガ",
    " ", "  ", "\t", "\x00", "\x1f", "\u200b", "\xa0", "\U0001f3b5", "!!",
]  # fmt: skip
_line = st.lists(st.sampled_from(_FRAGMENTS), max_size=8).map("".join)
_newline = st.sampled_from(["\n", "\r\n", "\r"])
pasted = st.lists(st.tuples(_line, _newline), max_size=14).map(lambda pairs: "".join(a + b for a, b in pairs))
# Arbitrary text, NUL bytes and all, and text made mostly of the characters the parser looks at.
_looked_at = st.sampled_from(list("\x00\n\r\t -–—[]()#.:?@*/&AaBb01") + ["ID", "w/", "vs.", "feat.", "2019"])
anything = st.text() | st.lists(_looked_at, max_size=60).map("".join) | pasted


def visible(text: str) -> str:
    """Return text without whitespace or invisible characters: what a person would see of it."""
    return "".join(char for char in text if char.isprintable() and not char.isspace())


@settings(max_examples=300)
@given(anything)
def test_parse_text_never_raises_and_keeps_positions_unique_and_increasing(text: str) -> None:
    tracklist = parse_text(text)

    positions = [line.position for line in tracklist.lines]
    assert positions == sorted(set(positions))
    assert all(position >= 1 for position in positions)
    assert not tracklist.lines or not tracklist.lines[0].together
    assert all(line.status in (LineStatus.PARSED, LineStatus.UNIDENTIFIABLE, LineStatus.UNPARSED) for line in
               tracklist.lines)  # fmt: skip
    assert all("\x00" not in line.raw for line in tracklist.lines)
    assert all("\x00" not in header for header in tracklist.headers)


@settings(max_examples=300)
@given(anything)
def test_every_line_that_is_no_header_is_a_track_and_every_header_is_a_line(text: str) -> None:
    tracklist = parse_text(text)

    # Each source line a person sees is, in order, one header or one or more tracks (a "w/" line is split in
    # pieces that together are the whole line). Nothing is dropped, and nothing made up.
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


def _fields(tracklist: parsing.ParsedTracklist) -> list[tuple]:
    return [
        (line.position, line.status, line.timestamp, line.artist, line.artists, line.title, line.version,
         line.remixers, line.label, line.catalog_number, line.together, line.side)
        for line in tracklist.lines
    ]  # fmt: skip


@settings(max_examples=300)
@given(pasted)
def test_reading_twice_gives_the_same_lines_whatever_the_caches_hold(text: str) -> None:
    first = parse_text(text)
    for cached in (parsing._label_bracket, parsing._parsed_title, parsing._artist_names):
        cached.cache_clear()
    second = parse_text(text)

    assert first == second
    if not first.headers:
        # Read again from its own lines, a tracklist with no title or heading reads the same.
        again = parse_text("\n".join(line.raw for line in first.lines))
        assert _fields(again) == _fields(first)
