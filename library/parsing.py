"""Read DJ-mix tracklists (pasted text, CSV exports, CUE sheets) into lines of artist, title, version and label.

Pure Python with no Django and no I/O, so the admin, the importers and the benchmark all call the same functions
with plain strings. Nothing a person wrote is dropped: a line the parser cannot split into artist and title is kept
as UNPARSED with its text, one that says the track is unknown ("ID - ID", "Artist - ?") is UNIDENTIFIABLE, and a
line that is no track (the mix's title, "Tracklist:", a rule, a date, a link) is kept in ParsedTracklist.headers.

How pasted text is read:

- Position: a line's position is the number it prints ("07.", "07", "#7", "(7)", "NYH244 07") when that is greater
  than the previous line's position, else the previous position + 1. Positions stay unique and increasing, and gaps
  in the printed numbering are kept. A line with a vinyl side ("A1", "B2.", "AA1 -") or a disc position ("1.10")
  takes the next position and keeps what it printed in `side`.
- A catalogue number before the artist ("NYH244 07 Artist - Title") is the line's catalogue number.
- A square bracket that ends the title: "[Label - CAT 001]" is a label and catalogue number, a catalogue-shaped
  "[CAT001]" a catalogue number, "[Extended Mix]" a version. Any other ("[Locked Groove]") stays in the title, unless
  the tracklist writes its labels that way: when at least three lines, and half the lines, end in such brackets (as
  MixesDB's "[Label]" and 1001Tracklists' "[LABEL]" do), those brackets are labels.
- Not tracks: blank lines, rules ("-----"), headings ("Tracklist:", "CD 2", "Side A"), a line with a date and
  no artist and title ("2019-01-05", "Slam Radio 013 (2012-12-27)"), a link ("Source: https://..."), Discogs credit
  lines ("Written-By – X").
- The mix's own title: before the first track, a line with a clear sign of naming a mix is its title, giving
  ParsedTracklist.name, dj and date: an "@" ("Ben Klock @ Berghain - Klubnacht"), a date ("DJ - Essential Mix
  2019-01-05"), or, outside brackets, a word only a mix's title holds (Essential Mix, podcast, radio show, episode N,
  live at, DJ set, mixtape, guest mix, Boiler Room, b2b, tracklist). A first line without such a sign is a track
  ("Artist - Title" starts many plain lists), unless the next line shows that it was a heading: a heading, rule or
  date right after it, or a first number or side printed right after it ("01.", "1)", "A1") when it printed none.
"""

from __future__ import annotations

import codecs
import csv
import datetime
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

    position: int  # 1-based and increasing: the printed number when it counts up, else the previous position + 1
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
    side: str = ""  # the vinyl side or disc position as printed ("A1", "AA2", "1.10"); "" for a number or none


@dataclass(frozen=True, slots=True)
class ParsedTracklist:
    """One mix: its name, DJ, date and source where the file gives them, and its lines in order."""

    name: str = ""
    dj: str = ""
    source_url: str = ""
    lines: tuple[ParsedLine, ...] = ()
    date: datetime.date | None = None  # the mix's date, from its title or a line holding only a date
    headers: tuple[str, ...] = ()  # the non-blank lines that are no track (title, headings, rules, dates, links)


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
    r"|(?P<disc>\d{1,2}[.-]\d{1,3})(?= (?![-–—] ))"  # Discogs' disc and track: "1.10 Artist– Title"
    r"|(?P<dotted>\d{1,4})[.)](?!\d)"  # 01. / 1)
    r"|(?P<number>\d{1,4})(?= |$))"  # 01 Artist - Title (see _accepts_number)
    r" ?(?:[-–—|] )?"  # "12:34 - Artist - Title"
)
_STAMP_GROUPS = frozenset({"bracket", "paren", "bare"})
_PREFIX_STARTS = frozenset("0123456789[(#")
# A vinyl side as Discogs and Bandcamp print it: "A1", "B2.", "AA1 -", "A1.-", "C)", with sides up to 19 tracks.
_SIDE = re.compile(r"(?P<side>([A-Z])\2?(?:1\d|[1-9])?)(?P<mark>[.):]?)(?: ?[-–—])?(?: |$)")
_SIDE_MARKS = frozenset(".):")
# A catalogue number before the artist, as label compilations print it: "NYH244 07 Artist - Title".
_CATALOG_PREFIX = re.compile(r"(?P<catalog>[A-Z][A-Z$]*[A-Z](?P<digits>\d{1,5})) (?P<dash>[-–—] )?")
_TRACK_NUMBER = re.compile(r"\d{1,3} ")
_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
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
# "[CAT001]", "[KW 20]", "[PRH-002]": capitals and digits, both, in at most two words. "[2019]" is a year.
_CATALOG_SHAPE = re.compile(r"(?=.*\d)(?=.*[A-Z])[A-Z0-9][A-Z0-9.$#_-]*(?: [A-Z0-9.#_-]+)?")
_DIGIT = re.compile(r"\d")
_CELL_TIME = re.compile(r"[\d?]{1,4}(?::[\d?]{1,2}){0,2}")
_CUE_TIME = re.compile(r"(\d{1,4}):(\d{1,2}):\d{1,2}")
# "[ \t]*", not "\s*": under MULTILINE "\s*" runs across newlines from every line start and turns quadratic.
_CUE_TRACK = re.compile(r"^[ \t]*TRACK[ \t]+\d+[ \t]+AUDIO", re.MULTILINE | re.IGNORECASE)
# Discogs' trailing asterisk marks a name spelled otherwise on the release ("Essence Of Nature*"); it is no part of it.
_DISCOGS_STAR = re.compile(r"(?<=[^\s*])\*+(?=$|\s|[,/&])")

_UNKNOWN = frozenset({
    "id", "i.d.", "i.d", "unknown", "unknown artist", "unknown track", "unknown title", "tba", "tbc", "tbd",
    "unreleased", "n/a",
})  # fmt: skip

_UNKNOWN_STARTS = frozenset("iIuUtTnN?")
_Fields = tuple  # (status, artist, artists, title, version, remixers, label, catalog_number, loose bracket)
_UNKNOWN_FIELDS = (LineStatus.UNIDENTIFIABLE, "", (), "", "", (), "", "", "")
_UNPARSED_FIELDS = (LineStatus.UNPARSED, "", (), "", "", (), "", "", "")
_PUNCTUATION = "()[]{}<>-–—_=*~.,:;|/\\ "

# --- Lines that are no track: the mix's title, dates, links, credits ---------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
         ("nov", "november"), ("dec", "december")),
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = re.compile(
    r"(?<![\d.:/-])(?:"
    r"(?P<iso_year>(?:19|20)\d\d)(?P<iso_mark>[-./])(?P<iso_month>\d{1,2})(?P=iso_mark)(?P<iso_day>\d{1,2})"
    r"|(?P<day>\d{1,2})(?P<mark>[-./])(?P<month>\d{1,2})(?P=mark)(?P<year>(?:19|20)\d\d)"
    rf"|(?P<named_day>\d{{1,2}})(?:st|nd|rd|th)?\.? (?P<named_month>{_MONTH_NAMES})\.?,? (?P<named_year>(?:19|20)\d\d)"
    rf"|(?P<month_first>{_MONTH_NAMES})\.? (?P<later_day>\d{{1,2}})(?:st|nd|rd|th)?,? (?P<later_year>(?:19|20)\d\d)"
    r")(?![\d.:/-]?\d)",
    re.IGNORECASE,
)
_WEEKDAY = re.compile(r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|rsday|urday|sday)?\.?,?\s*",
                      re.IGNORECASE)  # fmt: skip
_LINK = re.compile(r"(?:(?:source|link|url|mix|listen|tracklist)\s*:?\s*)?(?P<url>(?:https?://|www\.)\S+)",
                   re.IGNORECASE)  # fmt: skip
# Discogs' credit lines under a track: "Written-By – Karl Kowalski", "Remix – Hardfloor", "Producer – X". Words
# hold no hyphen and are joined by one, so that each way through is the only one (no backtracking on a long line).
_CREDIT = re.compile(
    r"(?:[\w.]+[ -])*(?:by|remix|producer|co-producer|vocals|voice|featuring|edit|engineer|keyboards|bass|drums|"
    r"guitar|percussion|synthesizer|programming|artwork|design|photography|lyrics|music|other)",
    re.IGNORECASE,
)
_CREDIT_LENGTH = 40  # longer than any role Discogs names
# Words that only the title of a mix holds (searched outside brackets: "(Live At Fabric)" names a track's version).
_MIX_WORDS = re.compile(
    r"(?:^|\s)@|\b(?:essential mix|podcast|radio ?show|episode ?#?\d+|ep\. ?#?\d+|live (?:at|from|@)|dj[ -]?set|"
    r"mix ?tape|guest ?mix|boiler ?room|b2b|back ?to ?back|track ?list(?:ing)?|set ?list)\b",
    re.IGNORECASE,
)
_TRACKLIST_WORD = re.compile(r"^\s*track ?list(?:ing)?\s*[:\-–—]?\s*|\s*[:\-–—(]?\s*track ?list(?:ing)?\s*[:)]?\s*$",
                             re.IGNORECASE)  # fmt: skip
# What a DJ's name never holds, unlike the mix's title: "Ben Klock b2b Marcel Dettmann" is a name.
_NOT_A_DJ = re.compile(
    r"\b(?:essential mix|podcast|radio ?show|episode|live (?:at|from)|dj[ -]?set|mix ?tape|guest ?mix|boiler ?room|"
    r"track ?list(?:ing)?|set ?list)\b",
    re.IGNORECASE,
)
_AT = re.compile(r"\s@\s?")
_TITLE_EDGE = " -–—:|,;"


def _date_in(text: str) -> tuple[datetime.date | None, re.Match[str] | None]:
    """Return the first real date text names ("2019-01-05", "05.01.2019", "5 January 2019") and where, or Nones."""
    for found in _DATE.finditer(text):
        groups = found.groupdict()
        if groups["iso_year"]:
            year, month, day = int(groups["iso_year"]), int(groups["iso_month"]), int(groups["iso_day"])
        elif groups["year"]:
            year, month, day = int(groups["year"]), int(groups["month"]), int(groups["day"])
            if month > 12 >= day:  # "12/31/2019": the American order
                month, day = day, month
        elif groups["named_year"]:
            year, month, day = (int(groups["named_year"]), _MONTHS[groups["named_month"].casefold()],
                                int(groups["named_day"]))  # fmt: skip
        else:
            year, month, day = (int(groups["later_year"]), _MONTHS[groups["month_first"].casefold()],
                                int(groups["later_day"]))  # fmt: skip
        try:
            return datetime.date(year, month, day), found
        except ValueError:
            continue
    return None, None


def _date_only(text: str) -> datetime.date | None:
    """Return the date a line holds when it holds nothing else ("2019-01-05", "Saturday, 5 January 2019")."""
    date, found = _date_in(text)
    if found is None:
        return None
    before, after = text[: found.start()].strip(" ,.-–—([:"), text[found.end() :].strip(" ,.-–—)]:")
    before = _WEEKDAY.sub("", before, count=1).strip(" ,.-–—([:") if before else before
    return date if not before and not after else None


def _has_date(text: str) -> bool:
    """Return whether text names a real date anywhere."""
    # Every date names a year of this century or the last: a plain search for those spares most lines the pattern.
    return ("19" in text or "20" in text) and _date_in(text)[1] is not None


def _link(text: str) -> str:
    """Return the address a line holds when it is only a link ("https://...", "Source: https://..."), else ""."""
    if "://" not in text and "www." not in text:
        return ""
    found = _LINK.fullmatch(text)
    return found.group("url") if found else ""


def _mix_heading(text: str) -> tuple[str, str, datetime.date | None]:
    """Return the name, DJ and date a mix's title line gives ("2017-10-22 - Ben Klock @ Awakenings")."""
    name = _TRACKLIST_WORD.sub("", text).strip(_TITLE_EDGE) or text
    date, found = _date_in(name)
    rest = name
    if found is not None and not name[: found.start()].strip(_TITLE_EDGE):
        rest = name[found.end() :].strip(_TITLE_EDGE)  # "2017-10-22 - Ben Klock @ ..."
    at = _AT.search(rest)
    if at is not None:
        dj = rest[: at.start()]
    else:
        separator = _SEPARATOR.search(rest)
        dj = ""
        if separator is not None:
            dj, other = rest[: separator.start()], rest[separator.end() :]
            if _NOT_A_DJ.search(dj) or _date_in(dj)[1] is not None:
                # "Essential Mix - DJ Name - 2019-01-05": the DJ is the part that is no mix word.
                dj = _SEPARATOR.split(other, maxsplit=1)[0]
    dj = dj.strip(_TITLE_EDGE)
    if dj and (_NOT_A_DJ.search(dj) or _date_in(dj)[1] is not None):
        dj = ""
    return name, dj, date


def _names_a_mix(text: str) -> bool:
    """Return whether a line before the first track clearly names the mix: an "@", a date or a mix's word."""
    outside = _GROUP.sub(" ", text) if "(" in text or "[" in text else text
    return _MIX_WORDS.search(outside) is not None or _date_in(text)[1] is not None


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


def _first_printed(printed: int, side: str) -> bool:
    """Return whether a line printed the first number or side of a list ("1.", "01", "A1", "A")."""
    return printed == 1 or side in ("A", "A1", "AA1", "1.1", "1-1", "1.01", "1-01")


def _untrack(context: _Context, start: int, moved_from: int, printed: int) -> None:
    """Drop the lines from start to moved_from (a title read as a track) and number the ones after again."""
    lines = context.lines
    moved = lines[moved_from:]
    del lines[start:]
    for index, line in enumerate(moved):
        previous = lines[-1].position if lines else 0
        number = printed if index == 0 else 0
        position = number if number > previous else previous + 1
        lines.append(replace(line, position=position, together=line.together and bool(lines)))


class _Heading:
    """What a tracklist says about its mix rather than its tracks: name, DJ, date, link and the lines saying it."""

    __slots__ = ("date", "dj", "headers", "name", "source_url")

    def __init__(self) -> None:
        self.name = self.dj = self.source_url = ""
        self.date: datetime.date | None = None
        self.headers: list[str] = []

    def title(self, text: str) -> None:
        """Take text as the mix's title."""
        self.name, self.dj, date = _mix_heading(text)
        self.date = self.date or date

    def note(self, text: str) -> None:
        """Take the date or link a line that is no track holds."""
        date = _date_only(text)
        if date is not None:
            self.date = self.date or date
        else:
            self.source_url = self.source_url or _link(text)


def _read_heading(source, context: _Context, heading: _Heading) -> None:
    """Read source's lines up to its first track, and the next line when that shows the first to be the title."""
    lines = context.lines
    # The first track line while the next may yet show it to be the mix's title ("Some Mix" above "01. ..."):
    # where its lines start, its text and its place among the headers.
    candidate, candidate_text, candidate_header = -1, "", 0
    for line in source:
        raw = line.strip() if line.isprintable() else line.translate(_CONTROLS).strip()  # _clean, inlined
        collapsed = " ".join(raw.split())
        if not collapsed:
            continue
        if collapsed[0] in _HEADER_STARTS and _is_header(collapsed):
            if candidate >= 0:
                heading.title(candidate_text)
                heading.headers.insert(candidate_header, candidate_text)
                _untrack(context, candidate, len(lines), 0)
            heading.headers.append(raw)
            if candidate >= 0:
                return
            continue
        if not lines and not heading.name:
            url = _link(collapsed)
            if url or _names_a_mix(collapsed):
                date = _date_only(collapsed) if not url else None
                if url:
                    heading.source_url = heading.source_url or url
                elif date is None:
                    heading.title(collapsed)
                heading.date = heading.date or date
                heading.headers.append(raw)
                continue
        before = len(lines)
        printed = _read_line(raw, collapsed, context)
        if printed < 0:
            heading.headers.append(raw)
            heading.note(collapsed)
        if candidate >= 0:
            # A date under the first line dates the mix that line names; a link or a credit may follow a track.
            if (printed < 0 and _has_date(collapsed)) or (printed >= 0 and _first_printed(printed, context.side)):
                heading.title(candidate_text)
                heading.headers.insert(candidate_header, candidate_text)
                _untrack(context, candidate, before, max(printed, 0))
            return
        if printed < 0:
            continue
        if (
            not heading.name and printed == 0 and not context.prefixed and len(lines) == before + 1
            and lines[before].status != LineStatus.UNIDENTIFIABLE and any(char.isalpha() for char in collapsed)
        ):  # fmt: skip
            candidate, candidate_text, candidate_header = before, collapsed, len(heading.headers)
            continue
        return


def parse_text(text: str) -> ParsedTracklist:
    """Read a tracklist pasted as text, one track a line, in any of the usual styles (see the module's docstring)."""
    context = _Context()
    heading = _Heading()
    source = iter(text.splitlines())
    _read_heading(source, context, heading)
    headers = heading.headers
    for line in source:
        raw = line.strip() if line.isprintable() else line.translate(_CONTROLS).strip()  # _clean, inlined
        # Printable ASCII holds no whitespace but the space, so one without a double space is collapsed already.
        collapsed = raw if raw.isascii() and "  " not in raw else " ".join(raw.split())
        # The first-character test spares most lines the call: a header starts with one of a few characters.
        if collapsed and not (collapsed[0] in _HEADER_STARTS and _is_header(collapsed)):
            if _read_line(raw, collapsed, context) < 0:
                headers.append(raw)
                heading.note(collapsed)
        elif collapsed:
            headers.append(raw)
    _labels_from_brackets(context)
    return ParsedTracklist(
        name=heading.name, dj=heading.dj, source_url=heading.source_url, lines=tuple(context.lines),
        date=heading.date, headers=tuple(headers),
    )  # fmt: skip


def _read_cells(context: _Context, *, artist: str, title: str, raw: str, timestamp: int | None) -> None:
    """Append the lines one CSV row or CUE track holds, from its artist and title as given."""
    artist, title = " ".join(_clean(artist).split()), " ".join(_clean(title).split())
    # "?" for a row with neither: what MixesDB writes for an unknown track, so the raw text reads back the same.
    raw = _clean(raw) or (f"{artist} - {title}" if artist and title else artist or title or "?")
    if artist or not title:
        # No title, or neither: a numbered slot where something was played and nobody wrote down what.
        _emit(context, raw, _segment(artist, title) if artist else _UNKNOWN_FIELDS, timestamp, False)
        return
    # No artist: the title cell may hold the whole line ("The Mountain People -Mountain 004"). Its rows are the
    # tracklist's positions, so a number the cell prints is not one, nor is the cell a date or a link.
    cell = _Context(last_number=-1)
    printed = _read_line(title, title, cell)
    found = cell.lines
    if printed < 0 or (len(found) == 1 and found[0].status == LineStatus.UNPARSED):
        fields = _segment("", title)  # a known title without its artist
        _emit(context, raw, (LineStatus.UNIDENTIFIABLE, *fields[1:]), timestamp, False)
        return
    context.loose += cell.loose
    context.bracketed += cell.bracketed
    lines = context.lines
    for index, line in enumerate(found):
        lines.append(
            replace(
                line,
                position=(lines[-1].position if lines else 0) + 1,
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
    mixes: dict[str, tuple[str, str, _Context]] = {}
    for row in rows[1:]:
        if not any(value.strip() for value in row):
            continue
        cell = {key: row[index] if index < len(row) else "" for key, index in columns.items()}
        mix = " ".join(cell.get("mix", "").split())
        url, dj, context = mixes.setdefault(
            mix, (cell.get("url", "").strip(), " ".join(cell.get("dj", "").split()), _Context())
        )
        lines = context.lines
        before = len(lines)
        _read_cells(
            context, artist=cell["artist"], title=cell["title"], raw=cell.get("raw", ""),
            timestamp=_cell_seconds(cell.get("timestamp", "")),
        )  # fmt: skip
        label, catalog = _clean(cell.get("label", "")), _clean(cell.get("catalog_number", ""))
        for index in range(before, len(lines)) if label or catalog else ():
            line = lines[index]
            lines[index] = replace(line, label=label or line.label, catalog_number=catalog or line.catalog_number)
    for _, _, context in mixes.values():
        _labels_from_brackets(context)
    return [
        ParsedTracklist(name=mix, dj=dj, source_url=url, lines=tuple(context.lines), date=_date_in(mix)[0])
        for mix, (url, dj, context) in mixes.items()
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
    context = _Context()
    for track in tracks:
        _read_cells(context, artist=track["PERFORMER"], title=track["TITLE"], raw="", timestamp=track["INDEX"])
    _labels_from_brackets(context)
    return ParsedTracklist(name=name, dj=dj, lines=tuple(context.lines), date=_date_in(name)[0])


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
