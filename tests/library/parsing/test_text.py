"""Property tests of reading pasted text (issue 18): nothing lost, positions unique and increasing, never an
exception, the same answer twice whatever the caches hold."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from library import parsing
from library.parsing import LineStatus, parse_text
from library.parsing.fields import _artist_names, _label_bracket, _parsed_title
from tests.library.parsing.helpers import PARSED, UNIDENTIFIABLE, UNPARSED, tracklist_text, visible

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


def assert_every_line_kept(text: str, tracklist) -> None:
    """Each source line a person sees is, in order, one header or the raw text of one or more lines (a "w/" line is
    split in pieces that together are the whole line). Nothing is dropped, and nothing made up."""
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


@settings(max_examples=300)
@given(anything)
def test_every_line_that_is_no_header_is_a_track_and_every_header_is_a_line(text: str) -> None:
    assert_every_line_kept(text, parse_text(text))


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
    # Issue 18: a line that is no track (a heading, the mix's title, a date, a link) is kept among the headers
    # instead of being dropped.
    assert_every_line_kept(text, parse_text(text))


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
    for cached in (_label_bracket, _parsed_title, _artist_names):
        cached.cache_clear()
    second = parse_text(text)

    assert first == second
    if not first.headers:
        # Read again from its own lines, a tracklist with no title or heading reads the same.
        again = parse_text("\n".join(line.raw for line in first.lines))
        assert _fields(again) == _fields(first)
