"""Tell a title's base from its version: remix, edit, live, instrumental and the rest."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

from matching.normalize import artist_key, normalize_artist, normalize_text, split_artists

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
    # "Re-Mastered" folds to "re mastered".
    ("remaster", frozenset({"remaster", "remastered", "remasterd", "mastered"})),
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
# A year or a format beside an "original" marker still names the original ("Original Version 1978",
# "Original 7\" Version", "Original Digital Mix").
_ORIGINAL_ASIDES = frozenset({"7", "10", "12", "inch", "digital", "vinyl"})
# Words that describe a mix rather than credit someone: "Vocal Mix" and "Piano Dub" have no remixer.
_DESCRIPTIVE = frozenset({
    "vocal", "vox", "main", "piano", "full", "short", "long", "alternate", "alternative", "alt", "special", "dance",
    "disco", "deep", "dark", "tribal", "acid", "classic", "bonus", "warm", "up", "peak", "time", "late", "night",
    "morning", "after", "hours", "beats", "drum", "drums", "percussion", "percapella", "7", "10", "12", "inch",
    "original", "album", "single", "lp", "ep", "digital", "vinyl", "new", "old", "school", "dirty", "explicit",
})  # fmt: skip
# Words that say nothing about which version it is ("A Cappella", "Extended Version", "Remastered 2004").
_FILLER_WORDS = frozenset({"a", "the", "by", "and", "of", "re"})
_NOT_DETAIL = _ALL_KEYWORDS | _FILLER_WORDS
_LIVE_FILLER = frozenset({"live", "version", "recording", "recorded"})
_YEAR = re.compile(r"^(?:19|20)\d\d$")

# Angle brackets too: "Song <Instrumental>".
_OPENERS, _CLOSERS = "([{<（【［", ")]}>）】］"
_BRACKETED = re.compile(rf"[{re.escape(_OPENERS)}]([^{re.escape(_OPENERS + _CLOSERS)}]*)[{re.escape(_CLOSERS)}]")
_UNCLOSED = re.compile(rf"[{re.escape(_OPENERS)}]([^{re.escape(_OPENERS + _CLOSERS)}]*)$")
_DASH = re.compile(r"\s+[-–—]\s+")
_FEAT_LEAD = re.compile(r"^(?:feat\.?|ft\.?|featuring)\s+", re.IGNORECASE)
_BRACKET_FEAT_LEAD = re.compile(r"^(?:feat\.?|ft\.?|featuring|with)\s+", re.IGNORECASE)
# Bare "ft" needs its dot: "5 ft 2" is a title, "ft. B" is a credit.
_BARE_FEAT = re.compile(r"\s+(?:feat\.?|ft\.|featuring)\s+(.+?)(?=\s+[-–—]\s+|$)", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’´`]s$", re.IGNORECASE)
# "Lake People's Circle Motive Remix": the name before the possessive is the remixer, the rest describes the mix.
_POSSESSIVE_INSIDE = re.compile(r"^(.+?)['’´`]s\s+\S", re.IGNORECASE)
# "Radio Mix/Club Mix" and "Radio Mix / Club Mix" are two versions named at once.
_SLASH = re.compile(r"\s*/\s*")
_MULTI_JOIN = " / "
# "White Wedding - Pt. 1 / Remastered 2002": a part number ahead of a slash-joined version is the title's.
_PART_LEAD = re.compile(r"^((?:pt|part)\.?\s*(?:\d+|[ivx]+))\s*/\s*(\S.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedTitle:
    base: str  # as written, without version, brackets holding one, or "feat." credits
    # As written; two or more versions in one title ("X Remix [Radio Edit]") are joined with " / ".
    version: str = ""
    version_type: str = ""
    remixer: str = ""
    featuring: tuple[str, ...] = ()
    # Each version named, as (text, type, remixer): a version's own text may hold a slash ("Live At Earl's Court,
    # London / June 1977"), so the joined `version` cannot be split again to find them. Not compared: it is what
    # `version` and `version_type` already say, in pieces.
    parts: tuple[tuple[str, str, str], ...] = field(default=(), compare=False, repr=False)


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
    before = segment[: found.start()].strip()
    possessive = _POSSESSIVE_INSIDE.match(before)
    if possessive:
        before = possessive.group(1)
    before = _clean_name(before)
    if before:
        # "Vocal Mix", "Piano Dub": words about the mix, not a name.
        return "" if set(normalize_text(before).split()) <= _DESCRIPTIVE | _ALL_KEYWORDS else before
    after = segment[found.end() :].strip()
    by = re.match(r"^by\s+(.+)$", after, re.IGNORECASE)
    return _clean_name(by.group(1)) if by else ""


# "40th Anniversary Version", "25th Anniversary Edition": a reissue, remastered, of the recording it celebrates;
# MusicBrainz files those tracks under the original recording. An anniversary *mix* or *remix* is new work and
# stays what its keyword says.
_REISSUE_WORDS = frozenset({"anniversary", "edition", "version", "deluxe", "expanded", "reissue", "remaster",
                            "remastered", "mastered", "re"})  # fmt: skip
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$")


def _is_reissue(tokens: set[str]) -> bool:
    told = {token for token in tokens if not _YEAR.match(token) and not _ORDINAL.match(token)}
    return "anniversary" in told and told <= _REISSUE_WORDS


def _is_original(tokens: set[str]) -> bool:
    told = {token for token in tokens if token not in _ORIGINAL_ASIDES and not _YEAR.match(token)}
    return bool(told) and told <= _ORIGINAL_WORDS and bool(told & _ORIGINAL_MARKERS)


# "Re-Master" folds to "re master": one word, so that "master" alone (a title's "Master Blaster") names nothing.
_RE_MASTER = re.compile(r"\bre (master(?:ed)?)\b")


def _classify(segment: str) -> _Segment | None:
    tokens = set(_RE_MASTER.sub(r"re\1", normalize_text(segment)).split())
    if not tokens:
        return None
    if _is_original(tokens):
        return _Segment(segment, "original", "")
    if _is_reissue(tokens):
        return _Segment(segment, "remaster", "")
    for version_type, words in _TYPE_KEYWORDS:
        if tokens & words:
            remixer = _find_remixer(segment, version_type) if version_type in REMIXER_TYPES else ""
            return _Segment(segment, version_type, remixer)
    return None


def _segments_of(text: str) -> list[_Segment]:
    """Return the versions one bracket or dash suffix names: none, one, or several joined by slashes."""
    if "/" in text:
        parts = [part for part in _SLASH.split(text) if part.strip()]
        if len(parts) > 1:
            found = [_classify(part) for part in parts]
            if all(found):
                return found  # type: ignore[return-value]
    segment = _classify(text)
    return [segment] if segment else []


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
        parts=tuple((segment.text, segment.version_type, segment.remixer) for segment in telling),
    )


def _parts_of(parsed: ParsedTitle) -> list[_Segment]:
    """Return the versions parsed names, one segment each (a ParsedTitle made by hand has no parts: its version
    is split at the joins)."""
    if parsed.parts:
        return [_Segment(*part) for part in parsed.parts]
    if _MULTI_JOIN in parsed.version:
        return [_classify(text) or _Segment(text, "version", "") for text in parsed.version.split(_MULTI_JOIN)]
    if parsed.version or parsed.version_type:
        return [_Segment(parsed.version, parsed.version_type or "version", parsed.remixer)]
    return []


@lru_cache(maxsize=8192)  # pure, and a batch asks about the same names again and again
def parse_title(title: str, credited: frozenset[str] | None = None) -> ParsedTitle:
    """Split title into its base, version and featured artists.

    credited, the folded names the recording is credited to (`artist_key`) where they are known, decides whether
    a bracketed "with ..." is a credit or part of the title."""
    text = " ".join(title.split())
    segments: list[_Segment] = []
    featuring: list[str] = []

    def credit_of(text: str) -> list[str] | None:
        lead = _BRACKET_FEAT_LEAD.match(text)
        if not lead:
            return None
        names = list(split_artists(text[lead.end() :]))
        # "with" is also plain English ("The Green Manalishi (With the Two-Pronged Crown)"): when the artists
        # credited are known, it is a credit only if it names them; "feat." always is one.
        if credited is not None and lead.group(0).strip().casefold() == "with":
            if not names or not artist_key(names) <= credited:
                return None
        return names

    def take_bracket(found: re.Match[str]) -> str:
        inner = found.group(1).strip()
        credit = credit_of(inner)
        if credit is not None:
            featuring.extend(credit)
            return " "
        named = []
        if _DASH.search(inner):
            # A version and a credit in one bracket ("Radio Edit - feat. Pharrell Williams and Nile Rodgers"):
            # each piece is read on its own, and taken when every piece is one or the other and both are there.
            pieces = [piece for piece in _DASH.split(inner) if piece.strip()]
            credits = [credit_of(piece) for piece in pieces]
            versions = [_segments_of(piece) if credit is None else []
                        for piece, credit in zip(pieces, credits, strict=True)]
            readable = all(credit is not None or version for credit, version in zip(credits, versions, strict=True))
            if readable and any(versions) and any(credit is not None for credit in credits):
                for credit in credits:
                    featuring.extend(credit or ())
                named = [segment for version in versions for segment in version]
        named = named or _segments_of(inner)
        if not named:
            return found.group(0)
        segments.extend(named)
        return " "

    text = _BRACKETED.sub(take_bracket, text)
    # Collapsed again so that no pattern below meets a long run of spaces, on which "\s+" would backtrack.
    text = " ".join(_UNCLOSED.sub(take_bracket, text).split())

    bare = _BARE_FEAT.search(text)
    if bare:
        featuring.extend(split_artists(bare.group(1)))
        text = text[: bare.start()] + text[bare.end() :]

    end = len(text)
    # A year as a segment of its own belongs to the version beside it ("Title - 2011 - Remaster"); alone it is part
    # of the title ("Blue Monday - 1988").
    year, year_end, from_dashes = "", end, 0
    for dash in reversed(list(_DASH.finditer(text))):
        suffix = text[dash.end() : end].strip()
        credit = _FEAT_LEAD.match(suffix)
        part = _PART_LEAD.match(suffix)
        if credit:
            featuring.extend(split_artists(suffix[credit.end() :]))
        elif part and (named := _segments_of(part.group(2))):
            if year:
                last = named[-1]
                named[-1] = _Segment(f"{last.text} {year}", last.version_type, last.remixer)
                year = ""
            segments[0:0] = named
            end = dash.end() + len(part.group(1))
            break
        elif named := _segments_of(suffix):
            if year:
                last = named[-1]
                named[-1] = _Segment(f"{last.text} {year}", last.version_type, last.remixer)
                year = ""
            segments[0:0] = named
            from_dashes += len(named)
        elif _YEAR.match(suffix) and not year:
            if from_dashes:
                first = segments[0]
                segments[0] = _Segment(f"{suffix} {first.text}", first.version_type, first.remixer)
            else:
                year, year_end = suffix, end
        else:
            break
        end = dash.start()
    if year:
        end = year_end
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
    return _assemble(parsed.base, [*_parts_of(parsed), explicit], list(parsed.featuring))


def _detail(version_type: str, text: str, remixer: str) -> str:
    tokens = normalize_text(text).split()
    if version_type == "live":
        return " ".join(token for token in tokens if token not in _LIVE_FILLER)
    if version_type in REMIXER_TYPES and remixer:
        # Who made it, and what else the mix's name says ("Lake People's Circle Motive Remix").
        rest = re.sub(re.escape(remixer) + r"(?:['’´`]s\b)?", " ", text, count=1, flags=re.IGNORECASE)
        extras = {token for token in normalize_text(rest).split()
                  if token not in _NOT_DETAIL and not _YEAR.match(token)}
        return normalize_artist(remixer) + ("|" + " ".join(sorted(extras)) if extras else "")
    extras = {token for token in tokens if token not in _NOT_DETAIL and not _YEAR.match(token)}
    return " ".join(sorted(extras))


def _descriptors(parsed: ParsedTitle) -> list[tuple[str, str]]:
    return sorted(
        (segment.version_type, _detail(segment.version_type, segment.text, segment.remixer))
        for segment in _parts_of(parsed)
        if segment.version_type not in SAME_RECORDING_VERSIONS
    )


_PLACE_FILLER = frozenset({"at", "in", "on", "from", "the", "of", "and"})


def _compatible(a: tuple[str, str], b: tuple[str, str]) -> bool:
    if a[0] != b[0]:
        return False
    if a[1] == b[1]:
        return True
    if a[0] != "live":
        return False
    # "Live" alone fits any concert; a named one fits the concert whose comment names as much and more
    # ("Live at Wembley 1986" and "live, 1986-07-12: Wembley Stadium"); two different concerts never.
    words_a, words_b = (set(detail.split()) - _PLACE_FILLER for detail in (a[1], b[1]))
    return not (words_a and words_b) or words_a <= words_b or words_b <= words_a


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


# A release group's secondary type says which version its recordings are, by MusicBrainz's own rules. "Live" and
# "Demo" mark a recording once any release that holds it carries the type: a concert or a demo is released on
# compilations too, while a studio take on a live album is the rare exception (and costs a question, not a wrong
# accept). "Remix" and "DJ-mix" mark it only when every release does: remix EPs carry the original mix, and DJ-mix
# compilations license the original recordings. "Compilation" names no version; it only weighs in the choice among
# duplicates (matching.score, the earliest official album first).
RELEASE_TYPE_VERSIONS = MappingProxyType({"live": "live", "demo": "demo", "remix": "remix", "dj-mix": "mixed"})
_RELEASE_TYPES_ON_ANY = frozenset({"live", "demo"})
# Text after a colon in a disambiguation comment is where and when ("live, 1997-05-23: Warner Brothers Studios").
_COMMENT_PARTS = re.compile(r"\s*[,;]\s*")


def release_type_versions(release_types: Mapping[str, int], release_count: int) -> tuple[str, ...]:
    """Return the versions the release groups holding a recording name (RELEASE_TYPE_VERSIONS's rule)."""
    found = []
    for name, count in (release_types or {}).items():
        folded = str(name).strip().casefold()
        version = RELEASE_TYPE_VERSIONS.get(folded)
        if version is None or not isinstance(count, int) or count <= 0:
            continue
        if folded in _RELEASE_TYPES_ON_ANY or count >= release_count > 0:
            found.append(version)
    return tuple(sorted(set(found)))


def _comment_segments(comment: str) -> list[_Segment]:
    """Return the versions a disambiguation comment names; one that names none ("US single", a date) gives none."""
    text = " ".join(comment.split())
    head = text.split(":", 1)[0]
    segments = []
    for part in _COMMENT_PARTS.split(head):
        for segment in _segments_of(part) if part else ():
            if segment.version_type == "live":
                # The whole comment, so that the concert's date and place tell two concerts apart.
                segment = _Segment(text, "live", "")
            segments.append(segment)
    return segments


def with_hints(
    parsed: ParsedTitle, *, comment: str = "", video: bool = False, release_versions: Iterable[str] = ()
) -> ParsedTitle:
    """Return parsed with the versions a provider states beside the title folded in: MusicBrainz's disambiguation
    comment, its video flag and the versions its release groups name. One the title already names adds nothing."""
    extra = _comment_segments(comment) if comment else []
    # A release group's type is the release's, not the track's: a remix album holds "Little Lies (Extended
    # Version)", a live album a studio bonus track. It speaks only when the recording's own title and comment name
    # no version; when they do, they say more than it.
    if not _descriptors(parsed) and not any(segment.version_type not in SAME_RECORDING_VERSIONS for segment in extra):
        extra += [_Segment(name, name, "") for name in release_versions]
    if video:
        # Not a keyword of titles ("Official Video" on a site is noise there): only the flag says it.
        extra.append(_Segment("video", "video", ""))
    named = {descriptor for descriptor, _ in _descriptors(parsed)} | {parsed.version_type}
    fresh = []
    for segment in extra:
        if segment.version_type in SAME_RECORDING_VERSIONS or segment.version_type in named:
            continue
        named.add(segment.version_type)
        fresh.append(segment)
    if not fresh:
        return parsed
    return _assemble(parsed.base, [*_parts_of(parsed), *fresh], list(parsed.featuring))
