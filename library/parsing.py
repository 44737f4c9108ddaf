"""Read DJ-mix tracklists (pasted text, CSV exports, CUE sheets) into lines of artist, title, version and label.

Pure Python with no Django and no I/O, so the admin, the importers and the benchmark all call the same functions
with plain strings. Nothing a person wrote is dropped: a line the parser cannot split into artist and title is kept
as UNPARSED with its text, and one that says the track is unknown ("ID - ID", "Artist - ?") is UNIDENTIFIABLE.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import PurePosixPath

from matching import parse_title, split_artists


class LineStatus:
    """What the parser could read from a line."""

    PARSED = "parsed"
    UNIDENTIFIABLE = "unidentifiable"  # the source itself does not know the track ("ID - ID", "Artist - ?")
    UNPARSED = "unparsed"  # not splittable into artist and title; kept as written


@dataclass(frozen=True, slots=True)
class ParsedLine:
    """One track of a tracklist as the parser read it."""

    position: int  # 1-based, consecutive, in the order of the source; blank and header lines get none
    raw: str  # the line as given, whitespace-trimmed, control characters removed
    status: str  # a LineStatus value
    timestamp: int | None = None  # seconds into the mix; None if not given or unreadable ("4?:??")
    artist: str = ""  # the artist credit as written ("Artist feat. B", "A & B vs. C")
    artists: tuple[str, ...] = ()  # each artist's name, featured artists included
    title: str = ""  # without version, label brackets or "feat." credits
    version: str = ""  # as written: "X Remix", "Extended Mix"; several are joined with " / "
    remixers: tuple[str, ...] = ()
    label: str = ""
    catalog_number: str = ""
    together: bool = False  # played together with the previous line ("w/" lines, the halves of a mashup)


@dataclass(frozen=True, slots=True)
class ParsedTracklist:
    """One mix: its name, DJ and source where the file gives them, and its lines in order."""

    name: str = ""
    dj: str = ""
    source_url: str = ""
    lines: tuple[ParsedLine, ...] = ()


class TracklistError(ValueError):
    """A file that is not a tracklist at all (binary, undecodable, empty); the message is for a person."""


# Tabs become spaces so "Artist\t-\tTitle" still splits; every other control or invisible format character goes.
_CONTROLS = {code: None for code in (*range(32), 127, *range(0x80, 0xA0), 0x200B, 0x200E, 0x200F, 0xFEFF)}
_CONTROLS[ord("\t")] = " "
# The CSV reader needs its line ends and tabs (a tab may be the delimiter).
_CSV_CONTROLS = {code: None for code in _CONTROLS if chr(code) not in "\t\n\r"}

# Each alternative is anchored and bounded, so a prefix costs the same on a 100,000-character line as on a short one.
_PREFIX = re.compile(
    r"(?:\[(?P<bracket>[\d?]{1,3}(?::[\d?]{1,2}){0,2})\]"  # [003] (MixesDB: minutes), [12:34], [00:12:34], [4?:??]
    r"|\((?P<paren>[\d?]{1,3}(?::[\d?]{1,2}){1,2})\)"  # (1:02:03)
    r"|(?P<bare>\d[\d?]{0,2}(?::[\d?]{1,2}){1,2})(?= |$)"  # 12:34 Artist - Title
    r"|#(?P<hash>\d{1,4})\.?"  # #1
    r"|\((?P<round>\d{1,4})\)"  # (1)
    r"|(?P<dotted>\d{1,4})[.)](?!\d)"  # 01. / 1)
    r"|(?P<number>\d{1,4})(?= |$))"  # 01 Artist - Title (see _accepts_number)
    r" ?(?:[-–—|] )?"  # "12:34 - Artist - Title"
)
_STAMP_GROUPS = frozenset({"bracket", "paren", "bare"})
_PREFIX_STARTS = frozenset("0123456789[(#")
_SEPARATOR = re.compile(r" (?:--?|–|—) ")
# A dash spaced on one side only ("The Mountain People -Mountain 004"), tried when no line-wide separator exists;
# a dash spaced on neither side is part of a name ("Jay-Z", "Psy-Trance").
_LOOSE_SEPARATOR = re.compile(r"(?<=\S) [-–—](?=[^\s\-–—])|(?<=[^\s\-–—])[-–—] (?=\S)")
_JOINER = re.compile(r" (?:w/|vs\.?|versus) ", re.IGNORECASE)
# A line that starts "w/ B - T" or "vs. B - T" is played together with the one before it.
_LEADING_JOINER = re.compile(r"w/ ?|(?:vs\.?|versus)(?: |$)", re.IGNORECASE)
_JOINER_STARTS = frozenset("wWvV")
_OPENERS, _CLOSERS = "([{", ")]}"
_GROUP = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
_BRACKET = re.compile(r"[(\[{（【［]")
# What split_artists splits on, and brackets, which it trims; searched in lower case, as a case-insensitive
# pattern costs several times more.
_MAYBE_JOINED = re.compile(r"[,;&+/()\[\]{}]|\b(?:feat|ft|featuring|and|x|vs|versus|with)\b")
_HEADER = re.compile(
    r"(?:track ?list(?:ing)?|set ?list|play ?list|part ?\w{1,5}|cd ?\d{1,2}|dis[ck] ?\d{1,2}|side ?\w{1,2}) ?:?",
    re.IGNORECASE,
)
_RULE_CHARS = "-=_*~–— "
_HEADER_STARTS = frozenset(_RULE_CHARS + "tTsSpPcCdD")
_LABEL_SPLIT = re.compile(r" [-–/] ")
_DIGIT = re.compile(r"\d")
_CELL_TIME = re.compile(r"[\d?]{1,4}(?::[\d?]{1,2}){0,2}")
_CUE_TIME = re.compile(r"(\d{1,4}):(\d{1,2}):\d{1,2}")
# "[ \t]*", not "\s*": under MULTILINE "\s*" runs across newlines from every line start and turns quadratic.
_CUE_TRACK = re.compile(r"^[ \t]*TRACK[ \t]+\d+[ \t]+AUDIO", re.MULTILINE | re.IGNORECASE)

_UNKNOWN = frozenset({
    "id", "i.d.", "i.d", "unknown", "unknown artist", "unknown track", "unknown title", "tba", "tbc", "tbd",
    "unreleased", "n/a",
})  # fmt: skip

_UNKNOWN_STARTS = frozenset("iIuUtTnN?")
_Fields = tuple  # (status, artist, artists, title, version, remixers, label, catalog_number)
_UNKNOWN_FIELDS = (LineStatus.UNIDENTIFIABLE, "", (), "", "", (), "", "")
_UNPARSED_FIELDS = (LineStatus.UNPARSED, "", (), "", "", (), "", "")
_PUNCTUATION = "()[]{}<>-–—_=*~.,:;|/\\ "


def _clean(text: str) -> str:
    """Return text trimmed, with tabs as spaces and control characters removed."""
    # isprintable() is false for every character _CONTROLS handles, and asking is far cheaper than translating.
    return text.strip() if text.isprintable() else text.translate(_CONTROLS).strip()


def _is_unknown(text: str) -> bool:
    """Return whether text is a placeholder for a track or artist nobody could name ("ID", "?", "Unknown")."""
    if not text or text[0] not in _UNKNOWN_STARTS:
        return not text
    if len(text) > 16:  # longer than any placeholder word
        return not text.strip("? ")
    folded = text.casefold().strip()
    core = folded.rstrip("? ")
    return not core or core in _UNKNOWN


def _is_header(text: str) -> bool:
    """Return whether a collapsed line is a rule or a heading ("Tracklist:", "CD 2", "-----") rather than a track."""
    if not text.strip(_RULE_CHARS):
        return True
    return len(text) <= 20 and _HEADER.fullmatch(text) is not None


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


@lru_cache(maxsize=8192)  # labels repeat far more than titles do
def _label_bracket(inner: str) -> tuple[str, str] | None:
    """Return the label and catalogue number in a closing square bracket's text, or None if it names a version."""
    # "[Club Records - CR 1]" is a label although "club" names a version: MixesDB writes "[Label - Cat#]".
    split = _LABEL_SPLIT.search(inner)
    if not (split and _DIGIT.search(inner, split.end())):
        parsed = parse_title(f"x ({inner})")
        if parsed.version or parsed.featuring or "mash" in inner.casefold():
            return None
    label, catalog = (inner[: split.start()].strip(), inner[split.end() :].strip()) if split else (inner, "")
    return ("" if _is_unknown(label) else label), ("" if _is_unknown(catalog) else catalog)


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


def _title_fields(text: str) -> tuple[str, str, tuple[str, ...], str, str, tuple[str, ...]]:
    """Return title, version, remixers, label, catalogue number and featured artists read from a title."""
    title = text
    if title.endswith("!"):
        # "Spastik (Dubfire Re-Edit) !!": MixesDB's marks of a big moment are not part of the title.
        unmarked = title.rstrip("!")
        if unmarked.endswith(" "):
            title = unmarked.rstrip()
    label = catalog = ""
    if title.endswith("]"):
        start = title.rfind("[")
        inner = title[start + 1 : -1].strip()
        # start > 0 keeps a title that is nothing but a bracket.
        found = _label_bracket(inner) if start > 0 and inner else None
        if found is not None:
            label, catalog = found
            title = title[:start].rstrip()
    base, version, remixers, featuring = _version_fields(title)
    return base, version, remixers, label, catalog, featuring


@lru_cache(maxsize=16384)  # artists repeat across a DJ's mixes; a shared tuple is also one object less to collect
def _artist_names(credit: str) -> tuple[str, ...]:
    """Return split_artists(credit), without calling it for a credit that holds nothing it splits on."""
    # split_artists is cached too, but credits with a second name rarely repeat and its cache is small. The test
    # is looser than its joiners (a word "and" with no space around it): a needless call costs time, never a name.
    return split_artists(credit) if _MAYBE_JOINED.search(credit.lower()) else (credit,)


def _segment(artist: str, title_text: str) -> _Fields:
    """Return the fields of one track from its artist credit and its title as written."""
    title, version, remixers, label, catalog, featuring = _title_fields(title_text)
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
    return status, artist, names, title, version, remixers, label, catalog


def _unsplit(text: str) -> _Fields:
    """Return the fields of a line with no " - " between artist and title."""
    if _is_unknown(text):
        return _UNKNOWN_FIELDS
    loose = _LOOSE_SEPARATOR.search(text)
    if loose:
        return _segment(text[: loose.start()].strip(), text[loose.end() :].strip())
    if _is_unknown(text.partition(" ")[0]):
        # "ID (Bicep Remix)": the track is unknown, its version is not.
        title, version, remixers, label, catalog, featuring = _title_fields(text)
        if _is_unknown(title):
            return LineStatus.UNIDENTIFIABLE, "", featuring, "", version, remixers, label, catalog
    return _UNPARSED_FIELDS


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


def _emit(lines: list[ParsedLine], raw: str, fields: _Fields, timestamp: int | None, together: bool) -> None:
    """Append a line made of fields to lines, numbered after the ones already there."""
    status, artist, artists, title, version, remixers, label, catalog = fields
    # ParsedLine is built here, once, with no tuple of items in between: on a 100,000-line paste the garbage
    # collector's passes over every object still alive cost as much as the parsing.
    lines.append(
        ParsedLine(
            len(lines) + 1, raw, status, timestamp, artist, artists, title, version, remixers, label, catalog,
            together and bool(lines),  # the first line has nothing before it to be played with
        )
    )  # fmt: skip


def _read_line(raw: str, collapsed: str, last_number: int, lines: list[ParsedLine]) -> int:
    """Append the lines (usually one) that a non-blank source line holds; return the last track number seen."""
    text = collapsed
    timestamp, stamped = None, False
    for turn in range(3):
        found = _PREFIX.match(text) if text[:1] in _PREFIX_STARTS else None
        if found is None:
            break
        kind = found.lastgroup
        value = found.group(kind)
        if kind in _STAMP_GROUPS:
            if not stamped:
                timestamp, stamped = _seconds(value), True
        elif kind != "number" or (turn == 0 and _accepts_number(value, last_number)):
            last_number = int(value)
        else:
            break
        text = text[found.end() :]
    lead = _LEADING_JOINER.match(text) if text[:1] in _JOINER_STARTS else None
    # "Versus - Title" names an artist: a joiner is followed by a track, not by the separator.
    together = lead is not None and not text[lead.end() :].startswith(("-", "–", "—"))
    if together:
        text = text[lead.end() :]
    if not text:
        # Only a time or a number: a track was played there and nobody named it.
        _emit(lines, raw, _UNKNOWN_FIELDS, timestamp, together)
        return last_number
    separator = _find_separator(text)
    if separator is None:
        _emit(lines, raw, _unsplit(text), timestamp, together)
        return last_number
    artist, rest = text[: separator.start()], text[separator.end() :]
    joins = _joins(rest) if _JOINER.search(rest) is not None else ()
    if not joins:
        _emit(lines, raw, _segment(artist, rest), timestamp, together)
        return last_number
    # "A - T w/ B - T2" and "A - T vs. B - T2": one line per track, the later ones played together with the first.
    base = len(collapsed) - len(rest)
    pieces = [rest[: joins[0].start()]] + [
        rest[join.end() : following.start() if following else len(rest)]
        for join, following in zip(joins, [*joins[1:], None], strict=True)
    ]
    raws = _raw_cuts(raw, collapsed, [base + join.start() + 1 for join in joins])
    _emit(lines, raws[0], _segment(artist, pieces[0]), timestamp, together)
    for piece_raw, piece in zip(raws[1:], pieces[1:], strict=True):
        split = _find_separator(piece)
        _emit(lines, piece_raw, _segment(piece[: split.start()], piece[split.end() :]), None, True)
    return last_number


def _accepts_number(value: str, last_number: int) -> bool:
    """Return whether a bare number starting a line is its track number."""
    # A bare number is a track number when it has a leading zero ("01") or follows the last one ("7" after "6");
    # otherwise it starts the artist's name ("808 State", "2000 and One").
    return value.startswith("0") or int(value) == last_number + 1


def _joins(rest: str) -> list[re.Match[str]]:
    """Return the "w/" and "vs." in a title part that start a second track (one with its own " - ")."""
    found = list(_top_level(rest, _JOINER.finditer(rest)))
    if not found:
        return []
    return [
        join
        for join, following in zip(found, [*found[1:], None], strict=True)
        if _SEPARATOR.search(rest, join.end(), following.start() if following else len(rest))
    ]


def parse_text(text: str) -> ParsedTracklist:
    """Read a tracklist pasted as text, one track a line, in any of the usual styles."""
    lines: list[ParsedLine] = []
    last_number = 0
    for line in text.splitlines():
        raw = line.strip() if line.isprintable() else line.translate(_CONTROLS).strip()  # _clean, inlined
        collapsed = " ".join(raw.split())
        # The first-character test spares most lines the call: a header starts with one of a few characters.
        if collapsed and not (collapsed[0] in _HEADER_STARTS and _is_header(collapsed)):
            last_number = _read_line(raw, collapsed, last_number, lines)
    return ParsedTracklist(lines=tuple(lines))


def parse_line(text: str) -> tuple[ParsedLine, ...]:
    """Read one line as it would read in a tracklist: one track, two for a "w/" or mashup line, none for a header."""
    return parse_text(text).lines


def _read_cells(lines: list[ParsedLine], *, artist: str, title: str, raw: str, timestamp: int | None) -> None:
    """Append the lines one CSV row or CUE track holds, from its artist and title as given."""
    artist, title = " ".join(_clean(artist).split()), " ".join(_clean(title).split())
    # "?" for a row with neither: what MixesDB writes for an unknown track, so the raw text reads back the same.
    raw = _clean(raw) or (f"{artist} - {title}" if artist and title else artist or title or "?")
    if artist or not title:
        # No title, or neither: a numbered slot where something was played and nobody wrote down what.
        _emit(lines, raw, _segment(artist, title) if artist else _UNKNOWN_FIELDS, timestamp, False)
        return
    # No artist: the title cell may hold the whole line ("The Mountain People -Mountain 004").
    found: list[ParsedLine] = []
    _read_line(title, title, -1, found)
    if len(found) == 1 and found[0].status == LineStatus.UNPARSED:
        fields = _segment("", title)  # a known title without its artist
        _emit(lines, raw, (LineStatus.UNIDENTIFIABLE, *fields[1:]), timestamp, False)
        return
    for index, line in enumerate(found):
        lines.append(
            replace(
                line,
                position=len(lines) + 1,
                raw=raw if len(found) == 1 else line.raw,
                timestamp=timestamp if index == 0 and line.timestamp is None else line.timestamp,
                together=line.together and bool(lines),
            )
        )


_COLUMNS = {
    "artist": ("artist", "artists", "performer"),
    "title": ("title", "track", "track title", "song"),
    "timestamp": ("timestamp", "time", "start", "start time"),
    "label": ("label", "record label"),
    "catalog_number": ("catalog number", "catalogue number", "catalog", "catalogue", "cat", "cat no", "catno"),
    "raw": ("raw", "line"),
    "mix": ("mix title", "mix", "mix name"),
    "url": ("mix url", "url", "source url"),
    "dj": ("dj",),
}  # position and part are not read: lines are numbered in the order of the rows, on across parts


def _header_columns(row: list[str]) -> dict[str, int] | None:
    """Return where each known column is in a header row, or None if it has no artist and title columns."""
    names = [" ".join(cell.replace("_", " ").casefold().split()) for cell in row]
    columns = {}
    for key, aliases in _COLUMNS.items():
        index = next((names.index(alias) for alias in aliases if alias in names), None)
        if index is not None:
            columns[key] = index
    return columns if "artist" in columns and "title" in columns else None


def _cell_seconds(value: str) -> int | None:
    """Return a CSV time cell ("05:00", "1:02:03", MixesDB's minutes "003") as seconds, or None."""
    value = value.strip()
    return _seconds(value) if _CELL_TIME.fullmatch(value) else None


def parse_csv(text: str) -> list[ParsedTracklist]:
    """Read a CSV export with artist and title columns: one tracklist per mix (MixesDB files hold several)."""
    cleaned = text.translate(_CSV_CONTROLS)
    first_line = cleaned.lstrip("\r\n").partition("\n")[0]
    delimiter = max(",;\t|", key=first_line.count)
    try:
        rows = [row for row in csv.reader(io.StringIO(cleaned, newline=""), delimiter=delimiter) if any(row)]
    except csv.Error:
        rows = []
    columns = _header_columns(rows[0]) if rows else None
    if columns is None:
        tracklist = parse_text(text)
        # Lines of unparsed text are what a CSV file without its header looks like, not a tracklist.
        if all(line.status == LineStatus.UNPARSED for line in tracklist.lines):
            raise TracklistError(
                "This CSV file needs a header row with artist and title columns (for example "
                '"position,artist,title,label"), and none of its lines reads as a track either.'
            )
        return [tracklist]
    mixes: dict[str, tuple[str, str, list[ParsedLine]]] = {}
    for row in rows[1:]:
        if not any(value.strip() for value in row):
            continue
        cell = {key: row[index] if index < len(row) else "" for key, index in columns.items()}
        mix = " ".join(cell.get("mix", "").split())
        url, dj, lines = mixes.setdefault(mix, (cell.get("url", "").strip(), " ".join(cell.get("dj", "").split()), []))
        before = len(lines)
        _read_cells(
            lines, artist=cell["artist"], title=cell["title"], raw=cell.get("raw", ""),
            timestamp=_cell_seconds(cell.get("timestamp", "")),
        )  # fmt: skip
        label, catalog = _clean(cell.get("label", "")), _clean(cell.get("catalog_number", ""))
        for index in range(before, len(lines)) if label or catalog else ():
            line = lines[index]
            lines[index] = replace(line, label=label or line.label, catalog_number=catalog or line.catalog_number)
    return [
        ParsedTracklist(name=mix, dj=dj, source_url=url, lines=tuple(lines)) for mix, (url, dj, lines) in mixes.items()
    ]


def _cue_value(text: str) -> str:
    """Return a CUE command's argument without its quotes."""
    text = text.strip()
    if text.startswith('"'):
        text = text[1:]
        end = text.rfind('"')
        text = text[:end] if end >= 0 else text
    return " ".join(text.split())


def parse_cue(text: str) -> ParsedTracklist:
    """Read a CUE sheet: the sheet's PERFORMER is the DJ, its TITLE the mix, and each audio TRACK a line."""
    name = dj = ""
    tracks: list[dict] = []
    current: dict | None = None
    in_tracks = False
    for line in text.splitlines():
        keyword, _, value = _clean(line).partition(" ")
        keyword = keyword.upper()
        if keyword == "TRACK":
            in_tracks = True
            current = {"PERFORMER": "", "TITLE": "", "INDEX": None} if "AUDIO" in value.upper() else None
            if current is not None:
                tracks.append(current)
        elif keyword in ("PERFORMER", "TITLE"):
            if current is not None:
                current[keyword] = _cue_value(value)
            elif not in_tracks:
                dj, name = (_cue_value(value), name) if keyword == "PERFORMER" else (dj, _cue_value(value))
        elif keyword == "INDEX" and current is not None:
            number, _, stamp = value.strip().partition(" ")
            found = _CUE_TIME.fullmatch(stamp.strip())
            if number.lstrip("0") == "1" and found:
                current["INDEX"] = int(found.group(1)) * 60 + int(found.group(2))
    lines: list[ParsedLine] = []
    for track in tracks:
        _read_cells(lines, artist=track["PERFORMER"], title=track["TITLE"], raw="", timestamp=track["INDEX"])
    return ParsedTracklist(name=name, dj=dj, lines=tuple(lines))


_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
_TEXT_BYTES = bytes(byte for byte in range(256) if byte >= 32 or byte in b"\t\n\r\f\v\x1a")


def _decode(filename: str, data: bytes) -> str:
    """Return an uploaded file's text, or raise TracklistError saying why it has none."""
    if not data.strip():
        raise TracklistError(f"{filename} is empty: paste the tracklist or choose the file that holds it.")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        sample = data[:8192]
        if sample.startswith(_BINARY_MAGIC) or len(sample.translate(None, _TEXT_BYTES)) > len(sample) // 20:
            raise TracklistError(
                f"{filename} is not a text file (it looks like audio, an image or an archive): "
                "export the tracklist as .txt, .csv or .cue and upload that."
            )
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise TracklistError(f"{filename} is in a text encoding we cannot read: save it as UTF-8 and upload it again.")


def parse_file(filename: str, data: bytes) -> list[ParsedTracklist]:
    """Read an uploaded tracklist file (.txt, .csv or .cue; other names by their content) into its tracklists."""
    text = _decode(filename, data)
    path = PurePosixPath(filename.replace("\\", "/"))
    suffix = path.suffix.casefold()
    if suffix == ".csv":
        tracklists = parse_csv(text)
    elif suffix == ".cue" or (suffix != ".txt" and _CUE_TRACK.search(text)):
        tracklists = [parse_cue(text)]
    else:
        tracklists = [parse_text(text)]
    if not any(tracklist.lines for tracklist in tracklists):
        raise TracklistError(f'{filename} holds no track lines: put one track a line, as "Artist - Title".')
    # A mix without a name of its own is known by its file's name.
    return [tracklist if tracklist.name else replace(tracklist, name=path.stem) for tracklist in tracklists]
