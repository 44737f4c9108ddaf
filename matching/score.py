"""Score a provider's hit against a wanted recording, and pick a hit only when it is safe to."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from rapidfuzz import fuzz

from matching.normalize import artist_key, normalize_text
from matching.versions import ParsedTitle, parse_title, release_type_versions, same_version, with_hints, with_version
from matching.weights import (
    ACCEPT_GAP,
    ACCEPT_THRESHOLD,
    ARTIST_WORD_MISSING_CAP,
    DURATION_MAX_DIFF,
    DURATION_TOLERANCE,
    EPSILON,
    EXTRA_ARTIST_PENALTY,
    IDENTIFIER_FLOOR,
    MAX_ARTIST_NAMES,
    NUMBER_MISMATCH_CAP,
    REVIEW_FLOOR,
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
    # Where it comes from, and what a provider says of it beside the title (MusicBrainz): its disambiguation
    # comment, whether it is a video, how many of its releases have each release-group type, how many releases it
    # has, and the date ("1977", "1977-02-04") of its earliest official album release.
    source: str = ""
    comment: str = ""
    video: bool = False
    release_types: Mapping[str, int] = field(default_factory=dict, hash=False)
    release_count: int = 0
    official_release_count: int = 0
    album_date: str = ""

    def __post_init__(self) -> None:
        # A lone credit passed as a string would otherwise be compared letter by letter.
        if isinstance(self.artists, str):
            object.__setattr__(self, "artists", (self.artists,) if self.artists else ())
        elif not isinstance(self.artists, tuple):
            object.__setattr__(self, "artists", tuple(self.artists))

    @cached_property
    def parsed(self) -> ParsedTitle:
        """Return the title parsed, with the explicit version and every version the provider states beside it."""
        # The credit decides whether a bracketed "with ..." in the title names an artist (versions.parse_title).
        parsed = with_version(parse_title(self.title, artist_key(self.artists) if self.artists else None), self.version)
        if not (self.comment or self.video or self.release_types):
            return parsed
        return with_hints(
            parsed, comment=self.comment, video=self.video,
            release_versions=release_type_versions(self.release_types, self.release_count),
        )

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


_ARTICLES = frozenset({"a", "an", "the"})


def _word_missing(a: str, b: str) -> bool:
    """Return whether one folded name is the other with whole words missing ("fleetwood" / "fleetwood mac")."""
    words_a, words_b = set(a.split()) - _ARTICLES, set(b.split()) - _ARTICLES
    return words_a != words_b and (words_a < words_b or words_b < words_a)


def _name_similarity(a: str, b: str) -> float:
    similarity = fuzz.ratio(a, b) / 100
    return min(similarity, ARTIST_WORD_MISSING_CAP) if _word_missing(a, b) else similarity


def _artist_similarity(a: frozenset[str], b: frozenset[str]) -> float | None:
    if not a or not b:
        return None
    smaller, larger = _pair_up(a, b)
    paired = sum(max(_name_similarity(name, other) for other in larger) for name in smaller) / len(smaller)
    paired *= 1 - EXTRA_ARTIST_PENALTY * (len(larger) - len(smaller))
    # Credits split differently ("Earth, Wind & Fire" / "Earth Wind and Fire") still read alike as a whole; a
    # whole that is the other with words missing is another act, or a missing credit that `paired` has weighed.
    joined_a, joined_b = " ".join(sorted(a)), " ".join(sorted(b))
    whole = fuzz.token_sort_ratio(joined_a, joined_b) / 100
    if _word_missing(joined_a, joined_b):
        whole = min(whole, ARTIST_WORD_MISSING_CAP)
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
        reasons.append(f"version differs: it is {found.version or 'the original'}, "
                       f"wanted {wanted.version or 'the original'}")
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


def _by_length(query: Recording, candidate: Recording) -> Score:
    """Score a candidate against a query that names nothing (a file without tags) by their lengths alone."""
    gap = _duration_gap(query, candidate)
    if gap is None:
        return Score(value=1.0, same_version=True, identifier_match=False, reasons=())
    return Score(
        value=_duration_similarity(gap), same_version=True, identifier_match=False,
        reasons=(f"duration {round(gap)} s apart",),
    )


def _heard(query: Recording, candidate: Recording, sound: float | None) -> Score:
    """Score a candidate found by the sound of a file: how alike it sounds (AcoustID's score), capped by how well it
    agrees with what the file says: its title, artists and version when its tags give any (so another version stays
    under VERSION_MISMATCH_CAP), else its length alone."""
    agreement = score(query, candidate) if query.title or query.artists else _by_length(query, candidate)
    # AcoustID's score is 0 to 1; anything else (garbage in an answer) is read as the nearest end.
    heard = min(1.0, max(0.0, float(sound))) if isinstance(sound, int | float) and math.isfinite(sound) else 0.0
    return replace(
        agreement, value=max(0.0, min(heard, agreement.value)),
        reasons=(f"sound {_percent(heard)}", *agreement.reasons),
    )


def rank(
    query: Recording, candidates: Sequence[Recording], *, sound: Sequence[float | None] | None = None,
) -> list[tuple[int, Score]]:
    """Return (index, score) of every candidate, best first, earlier index first on ties; with sound (one score a
    candidate, for candidates a file's fingerprint found), each is scored as `_heard`."""
    if sound is None:
        scored = [(index, score(query, candidate)) for index, candidate in enumerate(candidates)]
    else:
        pairs = enumerate(zip(candidates, sound, strict=True))
        scored = [(index, _heard(query, candidate, heard)) for index, (candidate, heard) in pairs]
    return sorted(scored, key=lambda pair: -pair[1].value)


def _same_credit(a: frozenset[str], b: frozenset[str]) -> bool:
    # One listing may name fewer of the same credits than the other (a Deezer search hit names the main artist
    # only, Spotify every one): the names it gives must all be the other's.
    return bool(a) and bool(b) and (a <= b or b <= a)


def duplicates(a: Recording, b: Recording, *, one_sound: bool = False) -> bool:
    """Return whether a and b are one recording listed twice: the same folded title, artists and version, and a
    shared ISRC or lengths within DURATION_TOLERANCE (remasters, compilations, rows a provider never merged).

    one_sound: both were found by one file's fingerprint (AcoustID), so the sound itself is the evidence that they
    are one cut, as a shared ISRC is, and their lengths need not agree; how well each length fits the file is in
    its own score already."""
    if not same_version(a.parsed, b.parsed):
        return False
    if _title_similarity(a.parsed.base, b.parsed.base) < 1.0 or not _same_credit(a.artist_names, b.artist_names):
        return False
    if one_sound:
        return True
    isrc = _fold_isrc(a.isrc)
    if isrc and isrc == _fold_isrc(b.isrc):
        return True
    gap = _duration_gap(a, b)
    return gap is not None and gap <= DURATION_TOLERANCE


class Outcome:
    ACCEPT = "accept"  # one recording, sure: link it
    REVIEW = "review"  # a close call: a person picks
    NOTHING = "nothing"  # nothing usable was found


@dataclass(frozen=True)
class Decision:
    """What to do with a query's candidates, and why, in words a person can read."""

    outcome: str  # an Outcome value
    index: int | None = None  # the candidate to link (accept), or the best one to show first (review)
    score: Score | None = None
    # Other listings of the linked recording (duplicates), kept beside it as alternatives.
    alternatives: tuple[int, ...] = ()
    # The best candidate that is another recording; None when there is none.
    rival: Score | None = None
    rival_index: int | None = None
    reason: str = ""
    ranked: tuple[tuple[int, Score], ...] = ()


def _duration_text(seconds: object) -> str:
    value = _seconds(seconds)
    if value is None:
        return "length unknown"
    whole = round(value)
    return f"{whole // 60}:{whole % 60:02d}"


def canonical(query: Recording, candidates: Sequence[Recording], group: Sequence[int]) -> tuple[int, str]:
    """Return which of a group of duplicates to link, and the rule that chose it.

    The rule, in order: an ISRC the query or another provider's listing shares (the recording is corroborated),
    then the earliest official album release (a compilation or bootleg copy comes later), then the most official
    releases, then the higher score, then the provider's own order."""
    if len(group) == 1:
        return group[0], ""
    wanted_isrc = _fold_isrc(query.isrc)

    def corroborated(index: int) -> bool:
        isrc = _fold_isrc(candidates[index].isrc)
        if not isrc:
            return False
        return isrc == wanted_isrc or any(
            other != index and _fold_isrc(candidates[other].isrc) == isrc
            and candidates[other].source != candidates[index].source
            for other in range(len(candidates))
        )

    def key(index: int) -> tuple:
        found = candidates[index]
        return (not corroborated(index), found.album_date or "9999", -found.official_release_count, group.index(index))

    chosen = min(group, key=key)
    found = candidates[chosen]
    others = [candidates[index] for index in group if index != chosen]
    if corroborated(chosen):
        rule = "the one whose ISRC another source confirms"
    elif found.album_date and all((other.album_date or "9999") > found.album_date for other in others):
        rule = f"the one on the earliest official album ({found.album_date[:4]})"
    elif found.official_release_count and all(
        other.official_release_count < found.official_release_count for other in others
    ):
        rule = f"the one with the most official releases ({found.official_release_count})"
    else:
        rule = "the first listed"
    return chosen, f"{len(group)} listings of one recording; linked {rule}"


def decide(
    query: Recording,
    candidates: Sequence[Recording],
    *,
    sound: Sequence[float | None] | None = None,
    threshold: float = ACCEPT_THRESHOLD,
    gap: float = ACCEPT_GAP,
    floor: float = REVIEW_FLOOR,
) -> Decision:
    """Decide which candidate is the query's recording: accept one, ask a person, or find nothing.

    The one rule for every caller: a tracklist line and its search hits (discovery), a track and a provider's
    search (the catalogue), a file's tags and the catalogue's tracks or a file's fingerprint and AcoustID's
    recordings (scans). A candidate is accepted without a person only when it is the same version, scores at
    least threshold, and beats every other recording by gap; duplicates of it (one recording listed several
    times) never count as rivals, and which of them is linked follows `canonical`. Below floor nothing usable was
    found.

    sound gives, for candidates found by a file's fingerprint, how alike each sounds (AcoustID's score, 0..1):
    a candidate's score is then capped by it, a query that names nothing (a file without tags) is compared by
    length alone, and the candidates are all of one sound (`duplicates`' one_sound). A rival of a recording
    found by sound is, as everywhere, a candidate that is not a duplicate of it: the same folded title, credit
    and version. The scan once had its own test (`same_recording`: titles 85% alike, credits alike), under which
    "Angel" and "Angels" by one act, heard alike, were one recording and the first was linked; now a person
    picks."""
    ranked = tuple(rank(query, candidates, sound=sound))
    one_sound = sound is not None
    if not ranked:
        return Decision(Outcome.NOTHING, reason="no candidate was found")
    best_index, best = ranked[0]
    if best.value < floor - EPSILON:
        return Decision(
            Outcome.NOTHING, best_index, best, ranked=ranked,
            reason=f"the best candidate scores {_percent(best.value)}, too little to ask about",
        )
    eligible = [(index, scored) for index, scored in ranked
                if scored.same_version and scored.value >= threshold - EPSILON]
    if not eligible:
        same = next(((index, scored) for index, scored in ranked if scored.same_version), None)
        shown_index, shown = same or (best_index, best)
        why = (
            f"the best candidate scores {_percent(shown.value)}, under the {_percent(threshold)} needed"
            if same else "every candidate is another version"
        )
        return Decision(Outcome.REVIEW, shown_index, shown, ranked=ranked, reason=why)
    top_index, top = eligible[0]
    group = [top_index] + [
        index for index, _ in eligible[1:] if duplicates(candidates[top_index], candidates[index], one_sound=one_sound)
    ]
    chosen, rule = canonical(query, candidates, group)
    chosen_score = next(scored for index, scored in ranked if index == chosen)
    rival_index, rival = next(
        ((index, scored) for index, scored in ranked
         if index not in group and not duplicates(candidates[chosen], candidates[index], one_sound=one_sound)),
        (None, None),
    )
    alternatives = tuple(index for index in group if index != chosen)
    if rival is not None and top.value - rival.value < gap - EPSILON:
        other = candidates[rival_index]
        return Decision(
            Outcome.REVIEW, chosen, chosen_score, alternatives, rival, rival_index, ranked=ranked,
            reason=(
                f"two different recordings score alike ({_percent(top.value)} and {_percent(rival.value)}): "
                f"{_duration_text(candidates[chosen].duration)} and {_duration_text(other.duration)}"
            ),
        )
    return Decision(Outcome.ACCEPT, chosen, chosen_score, alternatives, rival, rival_index, rule, ranked)


def same_recording(a: Recording, b: Recording) -> bool:
    """Return whether b is a's recording in another spelling, so b's text may replace a's."""
    if _title_similarity(a.parsed.base, b.parsed.base) < SAME_RECORDING_MIN:
        return False
    if not same_version(a.parsed, b.parsed):
        return False
    if a.artist_names and b.artist_names:
        return _artists_compatible(a.artist_names, b.artist_names)
    return True
