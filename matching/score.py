"""Score a provider's hit against a wanted recording, and pick a hit only when it is safe to."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from rapidfuzz import fuzz

from matching.normalize import artist_key, normalize_text
from matching.versions import ParsedTitle, parse_title, same_version, with_version
from matching.weights import (
    ACCEPT_GAP,
    ACCEPT_THRESHOLD,
    DURATION_MAX_DIFF,
    DURATION_TOLERANCE,
    EPSILON,
    EXTRA_ARTIST_PENALTY,
    IDENTIFIER_FLOOR,
    MAX_ARTIST_NAMES,
    NUMBER_MISMATCH_CAP,
    SAME_ARTIST_MIN,
    SAME_RECORDING_MIN,
    VERSION_MISMATCH_CAP,
    WEIGHTS,
)

_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8", "ix": "9"}
_LABEL_NOISE = frozenset({"records", "recordings", "recs", "music", "label", "ltd", "limited", "inc", "llc"})
_NOT_CATALOG = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Recording:
    title: str
    # An explicit version (Beatport's mix name, a tracklist parser's) is folded into the title's parsed version.
    artists: tuple[str, ...] = ()
    version: str = ""
    label: str = ""
    catalog_number: str = ""
    duration: int | None = None
    isrc: str = ""
    ids: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        # A lone credit passed as a string would otherwise be compared letter by letter.
        if isinstance(self.artists, str):
            object.__setattr__(self, "artists", (self.artists,) if self.artists else ())
        elif not isinstance(self.artists, tuple):
            object.__setattr__(self, "artists", tuple(self.artists))

    @cached_property
    def parsed(self) -> ParsedTitle:
        """Return the title parsed, with the explicit version (if any) folded in."""
        return with_version(parse_title(self.title), self.version)

    @cached_property
    def artist_names(self) -> frozenset[str]:
        """Return the folded names of every credited and featured artist."""
        return artist_key((*self.artists, *self.parsed.featuring))


@dataclass(frozen=True)
class Score:
    value: float  # 0..1, higher is surer
    same_version: bool
    # A shared ISRC or provider id, on versions that agree; one shared across versions is reported, not trusted.
    identifier_match: bool
    # For a person reviewing: "title 100%", "artist 92%", "duration 3 s apart", "ISRC matches",
    # "version differs: <found> vs <wanted>".
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    candidate: Recording
    index: int
    score: Score
    # The best-scoring candidate that is a different recording from the match; None when there is none.
    runner_up: Score | None


def _numbers(folded: str) -> frozenset[str]:
    # Compared as text: int() refuses digit strings past 4300 characters.
    numbers = {token.lstrip("0") or "0" for token in folded.split() if token.isdecimal()}
    numbers.update(_ROMAN[token] for token in folded.split() if token in _ROMAN)
    return frozenset(numbers)


def _title_similarity(a: str, b: str) -> float:
    folded_a, folded_b = normalize_text(a), normalize_text(b)
    if not folded_a or not folded_b:
        # Nothing left after folding (emoji, punctuation): only the very same text counts.
        raw_a, raw_b = " ".join(a.casefold().split()), " ".join(b.casefold().split())
        return 1.0 if raw_a and raw_a == raw_b else 0.0
    if folded_a == folded_b:
        return 1.0
    # ratio, not token_set_ratio: "the chain" must not equal "the chain instrumental". token_sort only reorders.
    similarity = max(fuzz.ratio(folded_a, folded_b), fuzz.token_sort_ratio(folded_a, folded_b)) / 100
    if _numbers(folded_a) != _numbers(folded_b):
        similarity = min(similarity, NUMBER_MISMATCH_CAP)
    return similarity


def _pair_up(a: frozenset[str], b: frozenset[str]) -> tuple[list[str], list[str]]:
    # Pairing is quadratic; a credit past MAX_ARTIST_NAMES names is a broken tag, not a line-up to weigh in full.
    names_a, names_b = sorted(a)[:MAX_ARTIST_NAMES], sorted(b)[:MAX_ARTIST_NAMES]
    return (names_a, names_b) if len(names_a) <= len(names_b) else (names_b, names_a)


def _artist_similarity(a: frozenset[str], b: frozenset[str]) -> float | None:
    if not a or not b:
        return None
    smaller, larger = _pair_up(a, b)
    paired = sum(max(fuzz.ratio(name, other) for other in larger) for name in smaller) / (100 * len(smaller))
    paired *= 1 - EXTRA_ARTIST_PENALTY * (len(larger) - len(smaller))
    # Credits split differently ("Earth, Wind & Fire" / "Earth Wind and Fire") still read alike as a whole.
    whole = fuzz.token_sort_ratio(" ".join(sorted(a)), " ".join(sorted(b))) / 100
    return max(0.0, paired, whole)


def _artists_compatible(a: frozenset[str], b: frozenset[str]) -> bool:
    smaller, larger = _pair_up(a, b)
    threshold = SAME_ARTIST_MIN * 100
    if all(any(fuzz.ratio(name, other) >= threshold for other in larger) for name in smaller):
        return True
    return fuzz.token_sort_ratio(" ".join(sorted(a)), " ".join(sorted(b))) >= threshold


def _seconds(duration: object) -> float | None:
    if isinstance(duration, bool) or not isinstance(duration, int | float):
        return None
    if not math.isfinite(duration) or duration <= 0:
        return None
    return float(duration)


def _duration_gap(a: Recording, b: Recording) -> float | None:
    seconds_a, seconds_b = _seconds(a.duration), _seconds(b.duration)
    if seconds_a is None or seconds_b is None:
        return None
    return abs(seconds_a - seconds_b)


def _duration_similarity(gap: float) -> float:
    if gap <= DURATION_TOLERANCE:
        return 1.0
    return max(0.0, 1 - (gap - DURATION_TOLERANCE) / (DURATION_MAX_DIFF - DURATION_TOLERANCE))


def _fold_label(label: str) -> str:
    folded = normalize_text(label)
    trimmed = " ".join(word for word in folded.split() if word not in _LABEL_NOISE)
    return trimmed or folded


def _fold_catalog(catalog_number: str) -> str:
    return _NOT_CATALOG.sub("", catalog_number).upper()


def _fold_isrc(isrc: str) -> str:
    return "".join(isrc.split()).replace("-", "").upper()


def _shared_identifier(a: Recording, b: Recording) -> str:
    isrc = _fold_isrc(a.isrc)
    if isrc and isrc == _fold_isrc(b.isrc):
        return "ISRC matches"
    ids_a, ids_b = a.ids or {}, b.ids or {}
    for key, value in ids_a.items():
        other = ids_b.get(key)
        if value and other and str(value).strip() and str(value).strip() == str(other).strip():
            return f"{key} matches"
    return ""


def _percent(similarity: float) -> str:
    return f"{round(similarity * 100)}%"


def score(query: Recording, candidate: Recording) -> Score:
    """Score how surely candidate is the query's recording, from 0 to 1."""
    wanted, found = query.parsed, candidate.parsed
    title = _title_similarity(wanted.base, found.base)
    components = [(WEIGHTS["title"], title)]
    reasons = [f"title {_percent(title)}"]

    artist = _artist_similarity(query.artist_names, candidate.artist_names)
    if artist is None:
        reasons.append("artist unknown")
    else:
        components.append((WEIGHTS["artist"], artist))
        reasons.append(f"artist {_percent(artist)}")

    gap = _duration_gap(query, candidate)
    if gap is not None:
        components.append((WEIGHTS["duration"], _duration_similarity(gap)))
        reasons.append(f"duration {round(gap)} s apart")

    labels = _fold_label(query.label), _fold_label(candidate.label)
    if all(labels):
        label = fuzz.ratio(*labels) / 100
        components.append((WEIGHTS["label"], label))
        reasons.append(f"label {_percent(label)}")

    catalogs = _fold_catalog(query.catalog_number), _fold_catalog(candidate.catalog_number)
    if all(catalogs):
        catalog_equal = catalogs[0] == catalogs[1]
        components.append((WEIGHTS["catalog_number"], 1.0 if catalog_equal else 0.0))
        reasons.append("catalogue number matches" if catalog_equal else "catalogue number differs")

    value = sum(weight * similarity for weight, similarity in components) / sum(weight for weight, _ in components)

    versions_agree = same_version(wanted, found)
    if not versions_agree:
        value = min(value, VERSION_MISMATCH_CAP)
        reasons.append(f"version differs: {found.version or 'original'} vs {wanted.version or 'original'}")
    elif found.version_type and found.version_type != "original":
        reasons.append(f"same version: {found.version}")

    identifier = _shared_identifier(query, candidate)
    if identifier and versions_agree:
        value = max(value, IDENTIFIER_FLOOR)
        reasons.append(identifier)
    elif identifier:
        # One id on two versions is a data error somewhere; trust the titles and stay below the threshold.
        reasons.append(f"{identifier} but the version differs: not trusted")
    elif _fold_isrc(query.isrc) and _fold_isrc(candidate.isrc):
        # Not a penalty: one recording often carries several ISRCs (one per release or territory).
        reasons.append("ISRCs differ")

    return Score(
        value=min(1.0, max(0.0, value)),
        same_version=versions_agree,
        identifier_match=bool(identifier) and versions_agree,
        reasons=tuple(reasons),
    )


def rank(query: Recording, candidates: Sequence[Recording]) -> list[tuple[int, Score]]:
    """Return (index, score) of every candidate, best first, earlier index first on ties."""
    scored = [(index, score(query, candidate)) for index, candidate in enumerate(candidates)]
    return sorted(scored, key=lambda pair: -pair[1].value)


def _duplicates(a: Recording, b: Recording) -> bool:
    """Return whether a and b are one recording listed twice (same folded title, artists and version)."""
    if not same_version(a.parsed, b.parsed):
        return False
    gap = _duration_gap(a, b)
    if gap is not None and gap > DURATION_TOLERANCE:
        return False
    isrc = _fold_isrc(a.isrc)
    if isrc and isrc == _fold_isrc(b.isrc):
        return True
    return _title_similarity(a.parsed.base, b.parsed.base) == 1.0 and a.artist_names == b.artist_names


def best_match(
    query: Recording,
    candidates: Sequence[Recording],
    *,
    threshold: float = ACCEPT_THRESHOLD,
    gap: float = ACCEPT_GAP,
) -> Match | None:
    """Return the candidate to accept without asking a person, or None when a person should decide."""
    ranked = rank(query, candidates)
    if not ranked:
        return None
    best_index, best = ranked[0]
    if not best.same_version or best.value < threshold - EPSILON:
        return None
    chosen = candidates[best_index]
    # Copies of the chosen recording from the same search must not block it; only a different recording can.
    rival = next((found for index, found in ranked[1:] if not _duplicates(chosen, candidates[index])), None)
    if rival is not None and best.value - rival.value < gap - EPSILON:
        return None
    return Match(candidate=chosen, index=best_index, score=best, runner_up=rival)


def same_recording(a: Recording, b: Recording) -> bool:
    """Return whether b is a's recording in another spelling, so b's text may replace a's."""
    if _title_similarity(a.parsed.base, b.parsed.base) < SAME_RECORDING_MIN:
        return False
    if not same_version(a.parsed, b.parsed):
        return False
    if a.artist_names and b.artist_names:
        return _artists_compatible(a.artist_names, b.artist_names)
    return True
