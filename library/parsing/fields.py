"""One track's fields from its artist credit and its title as written: the artists, the base title, the version and
its remixers, a closing bracket's label or catalogue number, and whether the track is unknown ("ID - ID").

The title's parts are cached (`_label_bracket`, `_parsed_title`, `_artist_names`): brackets, versions and
artists repeat across lines and mixes where whole titles do not."""

from __future__ import annotations

import re
from functools import lru_cache

from matching import parse_title, split_artists

from .patterns import (
    _BRACKET,
    _CATALOG_SHAPE,
    _CLOSERS,
    _DIGIT,
    _DISCOGS_STAR,
    _GROUP,
    _LABEL_SPLIT,
    _LOOSE_SEPARATOR,
    _MAYBE_JOINED,
    _OPENERS,
    _PUNCTUATION,
    _SEPARATOR,
    _UNKNOWN,
    _UNKNOWN_STARTS,
)
from .results import LineStatus

_Fields = tuple  # (status, artist, artists, title, version, remixers, label, catalog_number, loose bracket)
_UNKNOWN_FIELDS = (LineStatus.UNIDENTIFIABLE, "", (), "", "", (), "", "", "")
_UNPARSED_FIELDS = (LineStatus.UNPARSED, "", (), "", "", (), "", "", "")


def _is_unknown(text: str) -> bool:
    """Return whether text is a placeholder for a track or artist nobody could name ("ID", "?", "Unknown")."""
    if not text or text[0] not in _UNKNOWN_STARTS:
        return not text
    if len(text) > 16:  # longer than any placeholder word
        return not text.strip("? ")
    folded = text.casefold().strip()
    core = folded.rstrip("? ")
    return not core or core in _UNKNOWN


def _top_level(text: str, matches):
    """Yield the matches in text that are not inside brackets."""
    if not ("(" in text or "[" in text or "{" in text):
        yield from matches
        return
    depth = previous = 0
    for found in matches:
        start = found.start()
        # Counted from the previous match on, so a long line full of matches stays linear.
        for opener, closer in zip(_OPENERS, _CLOSERS, strict=True):
            depth += text.count(opener, previous, start) - text.count(closer, previous, start)
        previous = start
        if depth <= 0:
            yield found


def _find_separator(text: str) -> re.Match[str] | None:
    """Return the first " - " outside brackets, else the first anywhere (an unclosed "(" should not lose the line)."""
    first = _SEPARATOR.search(text)
    if first is None:
        return None
    start = first.start()
    if text.find("(", 0, start) < 0 and text.find("[", 0, start) < 0 and text.find("{", 0, start) < 0:
        return first
    for found in _top_level(text, _SEPARATOR.finditer(text)):
        return found
    return first


def _splits(text: str) -> bool:
    """Return whether text has a dash between an artist and a title, spaced on both sides or on one."""
    return _SEPARATOR.search(text) is not None or _LOOSE_SEPARATOR.search(text) is not None


@lru_cache(maxsize=8192)  # labels repeat far more than titles do
def _label_bracket(inner: str) -> tuple[str, str, bool] | None:
    """Return the label, catalogue number and whether it is neither (a loose bracket) in a closing square bracket.

    None means the bracket names a version ("[Extended Mix]") and stays for parse_title.
    """
    # "[Club Records - CR 1]" is a label although "club" names a version: MixesDB writes "[Label - Cat#]".
    split = _LABEL_SPLIT.search(inner)
    if not (split and _DIGIT.search(inner, split.end())):
        parsed = parse_title(f"x ({inner})")
        if parsed.version or parsed.featuring or "mash" in inner.casefold():
            return None
    if split:
        label, catalog = inner[: split.start()].strip(), inner[split.end() :].strip()
        return ("" if _is_unknown(label) else label), ("" if _is_unknown(catalog) else catalog), False
    if _is_unknown(inner):
        return "", "", False  # "[?]", "[Unreleased]"
    if _CATALOG_SHAPE.fullmatch(inner):
        return "", inner, False
    # "[Locked Groove]", "[Archetypes]": a note or a label, which only the rest of the tracklist can tell.
    return "", "", True


def _remixers(version: str, primary: str) -> tuple[str, ...]:
    """Return the names credited in each part of a version ("X Remix / Y & Z Rework"), in order."""
    credits = (
        [primary] if " / " not in version else [parse_title(f"x ({part})").remixer for part in version.split(" / ")]
    )
    names = [name for credit in credits if credit for name in _artist_names(credit)]
    return tuple(dict.fromkeys(names))


def _may_hold_version(text: str) -> bool:
    """Return whether parse_title could find anything outside brackets: a dash before a version or a bare credit."""
    # Plain "in" tests: a case-insensitive regex here cost more than the rest of the line's parse. parse_title's
    # bare credit needs a space before "feat"/"ft." ("Drift" and "Left" hold no credit).
    if "-" in text or "–" in text or "—" in text:
        return True
    if " f" not in text and " F" not in text:
        return False  # no credit can start without one, and most titles have none: lower() need not run
    lowered = text.lower()
    return " feat" in lowered or " ft." in lowered


def _version_fields(title: str) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    """Return a title's base, version, remixers and featured artists, as parse_title reads them."""
    first_bracket = _BRACKET.search(title)
    if first_bracket is None:
        if not _may_hold_version(title):
            # The common case: nothing parse_title could take out, so it need not run.
            return title, "", (), ()
        return _parsed_title(title)
    head = title[: first_bracket.start()].rstrip()
    if head and not _may_hold_version(head):
        # parse_title reads "Head (X Remix) [...]" from its brackets alone when the head holds no dash or credit,
        # and brackets repeat across titles ("(Bicep Remix)") where heads do not, so they are what gets cached:
        # "x" stands in for the head, and the base parse_title returns starts with it.
        base, version, remixers, featuring = _parsed_title("x" + title[len(head) :])
        return head + base[1:], version, remixers, featuring
    return _parsed_title(title)


@lru_cache(maxsize=16384)
def _parsed_title(title: str) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    """Return parse_title's base, version, remixers and featured artists, with mashups read as versions."""
    versions: list[str] = []
    if "mash" in title.casefold():
        # matching knows no mashups: "(A vs B Mashup)" names the version, and its "vs" must not split the line.
        for group in _GROUP.finditer(title):
            if "mashup" in group.group(1).casefold().replace("-", "").replace(" ", ""):
                versions.append(" ".join(group.group(1).split()))
                title = " ".join((title[: group.start()] + title[group.end() :]).split())
                break
    parsed = parse_title(title)
    if parsed.version:
        versions.append(parsed.version)
    remixers = _remixers(parsed.version, parsed.remixer) if parsed.version else ()
    return parsed.base, " / ".join(versions), remixers, parsed.featuring


def _title_fields(text: str) -> tuple[str, str, tuple[str, ...], str, str, tuple[str, ...], str]:
    """Return title, version, remixers, label, catalogue number, featured artists and loose bracket of a title."""
    title = text
    if title.endswith("!"):
        # "Spastik (Dubfire Re-Edit) !!": MixesDB's marks of a big moment are not part of the title.
        unmarked = title.rstrip("!")
        if unmarked.endswith(" "):
            title = unmarked.rstrip()
    label = catalog = loose = ""
    if title.endswith("]"):
        start = title.rfind("[")
        inner = title[start + 1 : -1].strip()
        # start > 0 keeps a title that is nothing but a bracket.
        found = _label_bracket(inner) if start > 0 and inner else None
        if found is not None:
            label, catalog, is_loose = found
            if is_loose:
                loose = inner  # kept in the title; _labels_from_brackets may yet read it as the label
            title = title[:start].rstrip()
    base, version, remixers, featuring = _version_fields(title)
    if loose:
        # Put back after the version is read, not read with it: parse_title would keep it as it is, and a
        # bracket that changes from line to line would defeat the caches of the brackets before it.
        base = f"{base} [{loose}]"
    return base, version, remixers, label, catalog, featuring, loose


@lru_cache(maxsize=16384)  # artists repeat across a DJ's mixes; a shared tuple is also one object less to collect
def _artist_names(credit: str) -> tuple[str, ...]:
    """Return split_artists(credit), without calling it for a credit that holds nothing it splits on."""
    # split_artists is cached too, but credits with a second name rarely repeat and its cache is small. The test
    # is looser than its joiners (a word "and" with no space around it): a needless call costs time, never a name.
    return split_artists(credit) if _MAYBE_JOINED.search(credit.lower()) else (credit,)


def _segment(artist: str, title_text: str) -> _Fields:
    """Return the fields of one track from its artist credit and its title as written."""
    last = title_text[-1:]
    if last == "]" or last == "!":
        title, version, remixers, label, catalog, featuring, loose = _title_fields(title_text)
    else:
        # No closing bracket or marks to take off, as most titles: only the version is left for _title_fields.
        title, version, remixers, featuring = _version_fields(title_text)
        label = catalog = loose = ""
    if "*" in artist:
        artist = _DISCOGS_STAR.sub("", artist)
    # The first-character test skips most calls: every placeholder starts with one of a few characters.
    artist_unknown = not artist or (artist[0] in _UNKNOWN_STARTS and _is_unknown(artist))
    title_unknown = not title or (title[0] in _UNKNOWN_STARTS and _is_unknown(title))
    if artist_unknown:
        artist = ""
    if title_unknown:
        title = ""
    if (artist and not artist.strip(_PUNCTUATION)) or (title and not title.strip(_PUNCTUATION)):
        return _UNPARSED_FIELDS  # "[[[ - ]]]": a name needs more than brackets and dashes ("!!!" is a band)
    names = _artist_names(artist) if artist else ()
    if featuring:
        names = tuple(dict.fromkeys((*names, *featuring)))
    status = LineStatus.UNIDENTIFIABLE if artist_unknown or title_unknown else LineStatus.PARSED
    return status, artist, names, title, version, remixers, label, catalog, loose


def _unsplit(text: str) -> _Fields:
    """Return the fields of a line with no " - " between artist and title."""
    if _is_unknown(text):
        return _UNKNOWN_FIELDS
    loose = _LOOSE_SEPARATOR.search(text)
    if loose:
        return _segment(text[: loose.start()].strip(), text[loose.end() :].strip())
    if _is_unknown(text.partition(" ")[0]):
        # "ID (Bicep Remix)": the track is unknown, its version is not.
        title, version, remixers, label, catalog, featuring, bracket = _title_fields(text)
        if _is_unknown(title):
            return LineStatus.UNIDENTIFIABLE, "", featuring, "", version, remixers, label, catalog, bracket
    return _UNPARSED_FIELDS
