"""Decide whether a provider's search hit is the user's recording, and which of several hits to accept.

A pure package: plain functions over plain values, with no Django, no HTTP and no I/O, so it imports and tests
without settings. Different versions (remix, edit, live, instrumental...) are always different recordings, and a
wrong accept is worse than asking a person, so `decide` asks a person whenever the choice is not clear.
"""

from matching.normalize import artist_key, normalize_artist, normalize_text, split_artists
from matching.score import (
    Decision,
    Outcome,
    Recording,
    Score,
    canonical,
    decide,
    duplicates,
    rank,
    same_recording,
    score,
)
from matching.versions import ParsedTitle, parse_title, same_version, with_hints
from matching.weights import ACCEPT_GAP, ACCEPT_THRESHOLD, REVIEW_FLOOR

__all__ = [
    "ACCEPT_GAP",
    "ACCEPT_THRESHOLD",
    "REVIEW_FLOOR",
    "Decision",
    "Outcome",
    "ParsedTitle",
    "Recording",
    "Score",
    "artist_key",
    "canonical",
    "decide",
    "duplicates",
    "normalize_artist",
    "normalize_text",
    "parse_title",
    "rank",
    "same_recording",
    "same_version",
    "score",
    "split_artists",
    "with_hints",
]
