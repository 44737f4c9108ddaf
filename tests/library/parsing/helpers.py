"""What the parser's tests share: the fixture files, a line read alone, a line's fields by name, and the text
(Hypothesis strategies) of the lines people paste."""

from __future__ import annotations

from pathlib import Path

from hypothesis import strategies as st

from library.parsing import LineStatus, ParsedLine, parse_text

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "tracklists"
PARSED, UNIDENTIFIABLE, UNPARSED = LineStatus.PARSED, LineStatus.UNIDENTIFIABLE, LineStatus.UNPARSED


def only_line(text: str) -> ParsedLine:
    lines = parse_text(text).lines
    assert len(lines) == 1, lines
    return lines[0]


def fields(line: ParsedLine, names) -> dict:
    return {name: getattr(line, name) for name in names}


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def visible(text: str) -> str:
    """Return text without whitespace or invisible characters: what a person would see of it."""
    return "".join(char for char in text if char.isprintable() and not char.isspace())


FRAGMENTS = [
    "ID", "id", "?", "??", " - ", " – ", " — ", "-", "–", "(", ")", "[", "]", "{", "}", "feat.", " feat. ", "ft. ",
    " w/ ", "w/", "W/", " vs. ", "vs ", " versus ", "Mashup", "Remix", " X Remix", "Extended Mix", "Artist", "Title",
    "Label", "KW 20", "01.", "1)", "#1 ", "[12:34] ", "12:34 ", "[003] ", "(1:02:03)", "4?:??", "0", "1", "9", ":",
    " ", "  ", "\t", "\x00", "\x1f", "\x7f", "\u200b", "\xa0", "\u2060", "Part 1", "CD 2:", "Tracklist:", "---",
    "===", "!!", "&", ",", " and ", " x ", "/", "Unknown", "Unknown Artist", "TBA", "unreleased", "Jay-Z", "Ø",
    "ガ", "\U0001f3b5",
]  # fmt: skip
line_text = st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join)
newline = st.sampled_from(["\n", "\r\n", "\r"])
tracklist_text = st.text() | st.lists(st.tuples(line_text, newline), max_size=15).map(
    lambda pairs: "".join(line + newline for line, newline in pairs)
)
