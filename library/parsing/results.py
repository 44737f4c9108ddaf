"""What the parser gives back: a tracklist's lines (ParsedLine, with a LineStatus), the mix (ParsedTracklist), and
the error for a file that is no tracklist at all (TracklistError)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


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
