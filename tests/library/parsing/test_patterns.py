"""The parser's patterns never backtrack without end: a 100,000-character line of any shape is read in seconds."""

from __future__ import annotations

import time

import pytest

from library.parsing import parse_csv, parse_cue, parse_text


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
