"""One source line into the tracks it holds (usually one): what it prints before the artist (a number, a time, a
vinyl side, a catalogue number), the dash between artist and title, a "w/" or "vs." that starts a second track,
and the position each track takes (the number it printed when that counts up, else the previous one + 1)."""

from __future__ import annotations

import re

from .fields import (
    _UNKNOWN_FIELDS,
    _Fields,
    _find_separator,
    _is_unknown,
    _label_bracket,
    _segment,
    _splits,
    _top_level,
    _unsplit,
)
from .headings import _has_date, _link
from .patterns import (
    _CATALOG_PREFIX,
    _CONTROLS,
    _CREDIT,
    _CREDIT_LENGTH,
    _JOINER,
    _JOINER_STARTS,
    _LEADING_JOINER,
    _PREFIX,
    _PREFIX_STARTS,
    _SEPARATOR,
    _SIDE,
    _SIDE_MARKS,
    _STAMP_GROUPS,
    _TRACK_NUMBER,
    _UPPER,
)
from .results import LineStatus, ParsedLine


def _clean(text: str) -> str:
    """Return text trimmed, with tabs as spaces and control characters removed."""
    # isprintable() is false for every character _CONTROLS handles, and asking is far cheaper than translating.
    return text.strip() if text.isprintable() else text.translate(_CONTROLS).strip()


def _seconds(stamp: str) -> int | None:
    """Return a "[h:]mm:ss" or bare-minutes stamp as seconds, or None when a digit is missing ("4?:??")."""
    if "?" in stamp:
        return None
    parts = stamp.split(":")
    if len(parts) == 1:
        return int(parts[0]) * 60
    seconds = int(parts[-1])
    minutes = int(parts[-2])
    if seconds >= 60 or (len(parts) == 3 and minutes >= 60):
        return None
    return (int(parts[0]) * 3600 if len(parts) == 3 else 0) + minutes * 60 + seconds


def _raw_cuts(raw: str, collapsed: str, cuts: list[int]) -> list[str]:
    """Split raw where its whitespace-collapsed form is cut, at ascending offsets that each start a word."""
    if raw != collapsed:
        # The word a cut starts is found by its number, counted in one pass so a long line stays linear.
        numbers, counted, previous = [], 0, 0
        for cut in cuts:
            counted += collapsed.count(" ", previous, cut)
            numbers.append(counted)
            previous = cut
        cuts, position, wanted = [], 0, iter(numbers)
        number = next(wanted)
        for index, word in enumerate(raw.split()):
            position = raw.index(word, position)
            while number == index:
                cuts.append(position)
                number = next(wanted, -1)
            position += len(word)
    pieces, previous = [], 0
    for cut in cuts:
        pieces.append(raw[previous:cut].strip())
        previous = cut
    return [*pieces, raw[previous:].strip()]


class _Context:
    """A tracklist's lines so far, and what they tell about the next: its last printed number, side and catalogue."""

    __slots__ = ("bracketed", "catalog", "last_number", "lines", "loose", "prefixed", "side")

    def __init__(self, last_number: int = 0) -> None:
        self.lines: list[ParsedLine] = []
        self.last_number = last_number  # the last number a line printed; -1 where bare numbers count nothing
        self.side = ""  # the side the last line printed ("A1"), so that "A. Title" after it is read as a side too
        self.catalog = ""  # the catalogue number the last such line started with ("NYH244")
        self.prefixed = False  # whether the last line started with a number, side, time or catalogue number
        self.loose = 0  # lines whose title ends in a bracket that is neither version, label nor catalogue number
        self.bracketed = 0  # lines with such a bracket or a label: the tracklist writes labels in brackets


def _emit(
    context: _Context, raw: str, fields: _Fields, timestamp: int | None, together: bool, number: int = 0,
    side: str = "", catalog: str = "",
) -> None:  # fmt: skip
    """Append a line made of fields, at the position its printed number gives it (see the module's docstring)."""
    status, artist, artists, title, version, remixers, label, catalog_number, loose = fields
    lines = context.lines
    previous = lines[-1].position if lines else 0
    if label or loose:
        context.bracketed += 1
        if loose:
            context.loose += 1
    # ParsedLine is built here, once, with no tuple of items in between: on a 100,000-line paste the garbage
    # collector's passes over every object still alive cost as much as the parsing.
    lines.append(
        ParsedLine(
            number if number > previous else previous + 1, raw, status, timestamp, artist, artists, title, version,
            remixers, label, catalog_number or catalog,
            together and previous > 0,  # the first line has nothing before it to be played with
            side,
        )
    )  # fmt: skip


def _accepts_number(value: str, last_number: int, rest: str) -> bool:
    """Return whether a bare number starting a line is its track number."""
    # A bare number is a track number when it has a leading zero ("01"), starts or restarts the count ("1"), or
    # follows the last one, gaps allowed ("9" after "7"); otherwise it starts the artist's name ("808 State", "2000
    # and One"). One before a track nobody named is a number too ("7 ID - ID", "7 ?").
    if value.startswith("0"):
        return True
    if last_number < 0:
        return False
    number = int(value)
    if number == 1 or number == last_number + 1 or (last_number and last_number < number <= last_number + 10):
        return True
    return bool(rest) and _is_unknown(rest.partition(" ")[0])


def _read_side_or_catalog(text: str, context: _Context) -> tuple[str, str, str]:
    """Return text without a leading vinyl side or catalogue number, and the side and catalogue number ("" if none)."""
    first, second = text[0], text[1:2]
    if second.isdigit() or second in _SIDE_MARKS or second == first:
        found = _SIDE.match(text)
        if found is not None:
            side, marked, rest = found.group("side"), found.group("mark"), text[found.end() :]
            # "A1 Artist - Title" and "B2. Title" are sides; "A1 - Title" is the band A1 unless sides came before,
            # and a lone letter ("A. Paul - Kaned Lunch") is one only after sides, and marked.
            if side[-1].isdigit():
                accepted = bool(marked) or bool(context.side) or _splits(rest)
            else:
                accepted = bool(marked) and bool(context.side)
            if accepted and rest:
                return rest, side, ""
    if second in _UPPER:
        found = _CATALOG_PREFIX.match(text)
        if found is not None:
            token, digits, rest = found.group("catalog"), found.group("digits"), text[found.end() :]
            if found.group("dash"):
                # "HWEP010 - MEZZ - COLOR OF WAR"; "DJ3000 - Title - Extended Mix" is an artist's name.
                shaped = len(digits) >= 3 and (digits[0] == "0" or len(token) - len(digits) >= 3)
            else:
                shaped = rest[:1].isdigit() and _TRACK_NUMBER.match(rest) is not None
            if (shaped or token == context.catalog) and _splits(rest):
                return rest, "", token
    return text, "", ""


def _read_line(raw: str, collapsed: str, context: _Context) -> int:
    """Append the lines (usually one) a non-blank source line holds; return the number it printed, 0 for none.

    Return -1, and append nothing, for a line that holds no track: a date alone, a link, a credit.
    """
    text = collapsed
    side = catalog = ""
    first = text[0]
    if first in _UPPER and not text[1:2].islower():
        # "A1 ...", "NYH244 07 ...": rare, so read apart. Most lines ("Artist - Title") start with a capital and a
        # small letter; a prefixed line allocates nothing more here, which spares the garbage collector's passes.
        text, side, catalog = _read_side_or_catalog(text, context)
    prefixed = bool(side or catalog)
    timestamp, stamped, printed = None, False, 0
    for turn in range(3):
        found = _PREFIX.match(text) if text[:1] in _PREFIX_STARTS else None
        if found is None:
            break
        kind = found.lastgroup
        value = found.group(kind)
        if kind in _STAMP_GROUPS:
            if not stamped:
                timestamp, stamped = _seconds(value), True
        elif kind == "disc":
            if side:
                break
            side = value
        elif kind != "number" or (turn == 0 and _accepts_number(value, context.last_number, text[found.end() :])):
            printed = int(value)
        else:
            break
        prefixed = True
        text = text[found.end() :]
    lead = _LEADING_JOINER.match(text) if text[:1] in _JOINER_STARTS else None
    # "Versus - Title" names an artist: a joiner is followed by a track, not by the separator.
    together = lead is not None and not text[lead.end() :].startswith(("-", "–", "—"))
    if together:
        text = text[lead.end() :]
    separator = _SEPARATOR.search(text) if text else None
    if separator is not None:
        start = separator.start()
        if text.find("(", 0, start) >= 0 or text.find("[", 0, start) >= 0 or text.find("{", 0, start) >= 0:
            separator = _find_separator(text)  # a bracket before the dash: the first dash outside brackets
    if separator is None:
        # Nothing after a time or a number: a track was played there and nobody named it.
        fields = _unsplit(text) if text else _UNKNOWN_FIELDS
        # A date with no artist and title is a heading: the mix's date, or a part's ("Slam Radio 013 (2012-12-27)").
        if fields[0] == LineStatus.UNPARSED and (_has_date(collapsed) or _link(collapsed)):
            return -1
        rest = ""
    else:
        artist, rest = text[: separator.start()], text[separator.end() :]
        if (
            text[separator.start() + 1] == "–" and not prefixed and not together and len(artist) <= _CREDIT_LENGTH
            and _CREDIT.fullmatch(artist)
        ):  # fmt: skip
            return -1  # Discogs' "Written-By – Karl Kowalski" under a track
        joins = _joins(rest) if _JOINER.search(rest) is not None else ()
        fields = _segment(artist, rest if not joins else rest[: joins[0].start()])
    context.side, context.prefixed = side, prefixed
    if printed and context.last_number >= 0:
        context.last_number = printed
    if catalog:
        context.catalog = catalog
    if separator is None or not joins:
        _emit(context, raw, fields, timestamp, together, printed, side, catalog)
        return printed
    # "A - T w/ B - T2" and "A - T vs. B - T2": one line per track, the later ones played together with the first.
    base = len(collapsed) - len(rest)
    pieces = [
        rest[join.end() : following.start() if following else len(rest)]
        for join, following in zip(joins, [*joins[1:], None], strict=True)
    ]
    raws = _raw_cuts(raw, collapsed, [base + join.start() + 1 for join in joins])
    _emit(context, raws[0], fields, timestamp, together, printed, side, catalog)
    for piece_raw, piece in zip(raws[1:], pieces, strict=True):
        split = _find_separator(piece)
        _emit(context, piece_raw, _segment(piece[: split.start()], piece[split.end() :]), None, True)
    return printed


def _joins(rest: str) -> list[re.Match[str]]:
    """Return the "w/" and "vs." in a title part that start a second track (one with its own " - ")."""
    found = list(_top_level(rest, _JOINER.finditer(rest)))
    if not found:
        return []
    # As at a line's start, a joiner followed by a dash starts no track ("w/ - X" is no "w/ X").
    return [
        join
        for join, following in zip(found, [*found[1:], None], strict=True)
        if rest[join.end() : join.end() + 1] not in ("-", "–", "—")
        and _SEPARATOR.search(rest, join.end(), following.start() if following else len(rest))
    ]


def _labels_from_brackets(context: _Context) -> None:
    """Read the loose brackets that end titles as labels when the tracklist writes its labels that way."""
    lines = context.lines
    # MixesDB's "[Archetypes]" among its "[Label - Cat]", 1001Tracklists' "[ALL DAY I DREAM]" on every line; a
    # "[Locked Groove]" on two lines of six is a note.
    if not (context.loose and context.bracketed >= 3 and context.bracketed * 2 >= len(lines)):
        return
    for index, line in enumerate(lines):
        title = line.title
        if title.endswith("]") and not line.label:
            start = title.rfind("[")
            inner = title[start + 1 : -1].strip()
            found = _label_bracket(inner) if start > 0 and inner else None
            if found is not None and found[2]:
                # Built whole, not by replace(), which costs several times more on a long MixesDB list.
                lines[index] = ParsedLine(
                    line.position, line.raw, line.status, line.timestamp, line.artist, line.artists,
                    title[:start].rstrip(), line.version, line.remixers, inner, line.catalog_number, line.together,
                    line.side,
                )  # fmt: skip
