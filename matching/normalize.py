"""Fold titles and artist credits into keys that compare equal across spellings."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Dropped rather than spaced so that "Don't" equals "Dont" instead of "Don t".
_APOSTROPHES = str.maketrans("", "", "'\u2019\u2018\u02bc`\u00b4")

# Letters that NFKD leaves whole but catalogues spell both ways ("Røyksopp" / "Royksopp").
_LETTER_FOLDS = str.maketrans({"ø": "o", "đ": "d", "ł": "l", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th", "ð": "d"})

# Only the Latin-style diacritic blocks are dropped: the Japanese voicing marks (U+3099/309A) and Indic vowel signs
# are part of the letter, so dropping every combining mark would turn "ガ" into "カ".
_ACCENT_RANGES = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F))

# Spaces are required around the word joiners so that "Alexander" and "AC/DC" stay whole, and "x" joins only in
# lower case so that "Malcolm X" and "Generation X" do too.
_JOINERS = re.compile(
    r"\s*(?:,|;|&|\s\+(?=\s)|\s/(?=\s)|\b(?:feat|ft)\b\.?|\bfeaturing\b|\s(?:and|(?-i:x)|vs\.?|versus|with)(?=\s))\s*",
    re.IGNORECASE,
)
_BRACKETS = "()[]{}"
# ", and B" / ", with B": a word joiner right after a comma has no space before it to split on.
_LEADING_JOINER = re.compile(r"^(?:and|(?-i:x)|vs\.?|versus|with)\s+", re.IGNORECASE)


def _is_accent(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _ACCENT_RANGES)


_NOT_ASCII_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=8192)  # pure, and a batch asks about the same names again and again
def normalize_text(text: str) -> str:
    """Return text casefolded, accent-free, with punctuation turned to single spaces."""
    if text.isascii():
        # Most titles and names: no accents to drop, and casefolding is lowercasing (the same result as below,
        # checked by a property test, at a tenth of the cost).
        return " ".join(_NOT_ASCII_ALNUM.sub(" ", text.translate(_APOSTROPHES).lower()).split())
    return _normalize_unicode(text)


def _normalize_unicode(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text.translate(_APOSTROPHES)).casefold())
    without_accents = "".join(char for char in decomposed if not _is_accent(char))
    folded = unicodedata.normalize("NFC", without_accents.translate(_APOSTROPHES).translate(_LETTER_FOLDS))
    kept = "".join(char if char.isalnum() or unicodedata.category(char)[0] == "M" else " " for char in folded)
    return " ".join(kept.split())


def _trim(part: str) -> str:
    return part.strip().strip(_BRACKETS).strip()


@lru_cache(maxsize=8192)  # pure, and a batch asks about the same names again and again
def split_artists(credit: str) -> tuple[str, ...]:
    """Split an artist credit into its names, in order, as written."""
    # Collapsing whitespace first keeps the joiner pattern linear: a long run of spaces made it backtrack.
    parts = [_trim(part) for part in _JOINERS.split(" ".join(credit.split()))]
    parts[1:] = [_trim(_LEADING_JOINER.sub("", part)) for part in parts[1:]]
    return tuple(part for part in parts if part)


def _fold_artist_name(name: str) -> str:
    folded = normalize_text(name)
    if folded.startswith("the ") and len(folded) > len("the "):
        return folded[len("the ") :]
    return folded


@lru_cache(maxsize=8192)  # pure, and a batch asks about the same names again and again
def normalize_artist(name: str) -> str:
    """Return a credit folded like normalize_text, without a leading "the", every joiner as " & "."""
    folded = (_fold_artist_name(part) for part in split_artists(name))
    return " & ".join(part for part in folded if part)


def artist_key(names: Iterable[str]) -> frozenset[str]:
    """Return the folded individual names in names, ignoring order and joiners."""
    if isinstance(names, str):
        names = (names,)
    return frozenset(
        folded for credit in names for part in split_artists(credit) if (folded := _fold_artist_name(part))
    )
