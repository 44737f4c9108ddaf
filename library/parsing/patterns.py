"""The parser's compiled patterns and character sets, each with why it is shaped so: the prefixes a line may start
with, the separators and joiners, brackets, headings, and what names a date, a link, a credit or a mix's title.

Each pattern is anchored or bounded so that it costs the same on a 100,000-character line as on a short one."""

from __future__ import annotations

import re

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
