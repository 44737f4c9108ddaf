"""Tell a title's base from its version: remix, edit, live, instrumental and the rest."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from matching.normalize import normalize_artist, normalize_text, split_artists

# A remaster is the same performance mastered again; DJs and MusicBrainz file it under the same recording, so it
# never separates a track from its original. "original" covers "Original Mix", "Album Version", "LP Version" and
# "Explicit": each names the plain recording, not a different one. Every other version is strict.
SAME_RECORDING_VERSIONS = frozenset({"original", "remaster"})

# Versions told apart by who made them: "Bicep Remix" is not "Dixon Remix".
REMIXER_TYPES = frozenset({"remix", "mix", "edit", "dub", "rework", "bootleg", "vip"})

# The first type whose keyword a segment contains names it, so "Instrumental Mix" is instrumental, "Radio Edit" is
# radio, "Dub Mix" is dub and "2011 Remastered Version" is remaster.
_TYPE_KEYWORDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("remix", frozenset({"remix", "rmx", "remixed"})),
    ("instrumental", frozenset({"instrumental"})),
    ("acapella", frozenset({"acapella", "acappella", "capella", "cappella"})),
    ("karaoke", frozenset({"karaoke"})),
    ("live", frozenset({"live"})),
    ("acoustic", frozenset({"acoustic", "unplugged"})),
    ("extended", frozenset({"extended"})),
    ("radio", frozenset({"radio"})),
    ("club", frozenset({"club"})),
    ("dub", frozenset({"dub"})),
    ("vip", frozenset({"vip"})),
    ("rework", frozenset({"rework", "reworked"})),
    ("bootleg", frozenset({"bootleg"})),
    ("edit", frozenset({"edit", "edited"})),
    ("clean", frozenset({"clean"})),
    ("remaster", frozenset({"remaster", "remastered", "remasterd"})),
    ("mono", frozenset({"mono"})),
    ("stereo", frozenset({"stereo"})),
    ("demo", frozenset({"demo"})),
    ("reprise", frozenset({"reprise"})),
    ("mixed", frozenset({"mixed"})),
    ("mix", frozenset({"mix"})),
    ("version", frozenset({"version"})),
)
_TYPE_ORDER = {name: position for position, (name, _) in enumerate(_TYPE_KEYWORDS)}
_KEYWORD_PATTERNS = {
    name: re.compile(r"\b(?:re-?)?(?:" + "|".join(sorted(words)) + r")\b", re.IGNORECASE)
    for name, words in _TYPE_KEYWORDS
}
_ALL_KEYWORDS = frozenset().union(*(words for _, words in _TYPE_KEYWORDS))
_ORIGINAL_WORDS = frozenset({"original", "album", "explicit", "lp", "mix", "version"})
_ORIGINAL_MARKERS = frozenset({"original", "album", "explicit", "lp"})
# Words that say nothing about which version it is ("A Cappella", "Extended Version", "Remastered 2004").
_FILLER_WORDS = frozenset({"a", "the", "by", "and", "of", "re"})
_NOT_DETAIL = _ALL_KEYWORDS | _FILLER_WORDS
_LIVE_FILLER = frozenset({"live", "version", "recording", "recorded"})
_YEAR = re.compile(r"^(?:19|20)\d\d$")

_OPENERS, _CLOSERS = "([{（【［", ")]}）】］"
_BRACKETED = re.compile(rf"[{re.escape(_OPENERS)}]([^{re.escape(_OPENERS + _CLOSERS)}]*)[{re.escape(_CLOSERS)}]")
_UNCLOSED = re.compile(rf"[{re.escape(_OPENERS)}]([^{re.escape(_OPENERS + _CLOSERS)}]*)$")
_DASH = re.compile(r"\s+[-–—]\s+")
_FEAT_LEAD = re.compile(r"^(?:feat\.?|ft\.?|featuring)\s+", re.IGNORECASE)
_BRACKET_FEAT_LEAD = re.compile(r"^(?:feat\.?|ft\.?|featuring|with)\s+", re.IGNORECASE)
# Bare "ft" needs its dot: "5 ft 2" is a title, "ft. B" is a credit.
_BARE_FEAT = re.compile(r"\s+(?:feat\.?|ft\.|featuring)\s+(.+?)(?=\s+[-–—]\s+|$)", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_MULTI_JOIN = " / "


@dataclass(frozen=True)
class ParsedTitle:
    base: str  # as written, without version, brackets holding one, or "feat." credits
    # As written; two or more versions in one title ("X Remix [Radio Edit]") are joined with " / ".
    version: str = ""
    version_type: str = ""
    remixer: str = ""
    featuring: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Segment:
    text: str
    version_type: str
    remixer: str


def _clean_name(text: str) -> str:
    return _POSSESSIVE.sub("", text.strip(" \t-–—:,'\"")).strip()


def _find_remixer(segment: str, version_type: str) -> str:
    found = _KEYWORD_PATTERNS[version_type].search(segment)
    if found is None:
        return ""
    before = _clean_name(segment[: found.start()])
    if before:
        return before
    after = segment[found.end() :].strip()
    by = re.match(r"^by\s+(.+)$", after, re.IGNORECASE)
    return _clean_name(by.group(1)) if by else ""


def _classify(segment: str) -> _Segment | None:
    tokens = set(normalize_text(segment).split())
    if not tokens:
        return None
    if tokens <= _ORIGINAL_WORDS and tokens & _ORIGINAL_MARKERS:
        return _Segment(segment, "original", "")
    for version_type, words in _TYPE_KEYWORDS:
        if tokens & words:
            remixer = _find_remixer(segment, version_type) if version_type in REMIXER_TYPES else ""
            return _Segment(segment, version_type, remixer)
    return None


def _assemble(base: str, segments: list[_Segment], featuring: list[str]) -> ParsedTitle:
    # A remaster or "Original Mix" tag beside a real version ("X Remix [Remastered]") says nothing more.
    telling = [segment for segment in segments if segment.version_type not in SAME_RECORDING_VERSIONS] or segments
    if not telling:
        return ParsedTitle(base=base, featuring=tuple(featuring))
    primary = min(telling, key=lambda segment: _TYPE_ORDER.get(segment.version_type, len(_TYPE_ORDER)))
    return ParsedTitle(
        base=base,
        version=_MULTI_JOIN.join(segment.text for segment in telling),
        version_type=primary.version_type,
        remixer=primary.remixer,
        featuring=tuple(featuring),
    )


@lru_cache(maxsize=8192)  # pure, and a batch asks about the same names again and again
def parse_title(title: str) -> ParsedTitle:
    """Split title into its base, version and featured artists."""
    text = " ".join(title.split())
    segments: list[_Segment] = []
    featuring: list[str] = []

    def take_bracket(found: re.Match[str]) -> str:
        inner = found.group(1).strip()
        credit = _BRACKET_FEAT_LEAD.match(inner)
        if credit:
            featuring.extend(split_artists(inner[credit.end() :]))
            return " "
        segment = _classify(inner)
        if segment is None:
            return found.group(0)
        segments.append(segment)
        return " "

    text = _BRACKETED.sub(take_bracket, text)
    # Collapsed again so that no pattern below meets a long run of spaces, on which "\s+" would backtrack.
    text = " ".join(_UNCLOSED.sub(take_bracket, text).split())

    bare = _BARE_FEAT.search(text)
    if bare:
        featuring.extend(split_artists(bare.group(1)))
        text = text[: bare.start()] + text[bare.end() :]

    end = len(text)
    for dash in reversed(list(_DASH.finditer(text))):
        suffix = text[dash.end() : end].strip()
        credit = _FEAT_LEAD.match(suffix)
        if credit:
            featuring.extend(split_artists(suffix[credit.end() :]))
        elif segment := _classify(suffix):
            segments.insert(0, segment)
        else:
            break
        end = dash.start()
    text = text[:end]

    base = " ".join(text.split()).strip(" -–—")
    if not base:
        # Nothing but a version ("(Intro)", "(Remix)"): that text is the title itself.
        return ParsedTitle(base=" ".join(title.split()))
    return _assemble(base, segments, featuring)


def with_version(parsed: ParsedTitle, version: str) -> ParsedTitle:
    """Return parsed with an explicitly given version (such as Beatport's mix name) folded in."""
    text = " ".join(version.split()).strip(" ()[]")
    if not text or normalize_text(text) == normalize_text(parsed.version):
        return parsed
    # An explicit version is a version even when it has no keyword we know ("Wiggle" as a mix name).
    explicit = _classify(text) or _Segment(text, "version", "")
    existing = [_Segment(parsed.version, parsed.version_type, parsed.remixer)] if parsed.version else []
    return _assemble(parsed.base, [*existing, explicit], list(parsed.featuring))


def _detail(version_type: str, text: str, remixer: str) -> str:
    if version_type in REMIXER_TYPES:
        return normalize_artist(remixer)
    tokens = normalize_text(text).split()
    if version_type == "live":
        return " ".join(token for token in tokens if token not in _LIVE_FILLER)
    extras = {token for token in tokens if token not in _NOT_DETAIL and not _YEAR.match(token)}
    return " ".join(sorted(extras))


def _descriptors(parsed: ParsedTitle) -> list[tuple[str, str]]:
    if _MULTI_JOIN in parsed.version:
        segments = [_classify(text) or _Segment(text, "version", "") for text in parsed.version.split(_MULTI_JOIN)]
    elif parsed.version or parsed.version_type:
        segments = [_Segment(parsed.version, parsed.version_type or "version", parsed.remixer)]
    else:
        segments = []
    return sorted(
        (segment.version_type, _detail(segment.version_type, segment.text, segment.remixer))
        for segment in segments
        if segment.version_type not in SAME_RECORDING_VERSIONS
    )


def _compatible(a: tuple[str, str], b: tuple[str, str]) -> bool:
    if a[0] != b[0]:
        return False
    # "Live" alone fits any concert; two named concerts must be the same one.
    return a[1] == b[1] or (a[0] == "live" and not (a[1] and b[1]))


def same_version(a: ParsedTitle, b: ParsedTitle) -> bool:
    """Return whether a and b name the same version of a recording."""
    left, right = _descriptors(a), _descriptors(b)
    if len(left) != len(right):
        return False
    unmatched = list(right)
    for descriptor in left:
        partner = next((other for other in unmatched if _compatible(descriptor, other)), None)
        if partner is None:
            return False
        unmatched.remove(partner)
    return True
