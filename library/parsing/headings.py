"""Lines that are no track: rules and headings ("Tracklist:", "CD 2", "-----"), dates, links, and the mix's own
title, with the name, DJ and date it gives the mix (see the package's docstring for when a line is the title)."""

from __future__ import annotations

import datetime
import re

from .patterns import (
    _AT,
    _DATE,
    _GROUP,
    _HEADER,
    _LINK,
    _MIX_WORDS,
    _MONTHS,
    _NOT_A_DJ,
    _RULE_CHARS,
    _SEPARATOR,
    _TITLE_EDGE,
    _TRACKLIST_WORD,
    _WEEKDAY,
)


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


def _is_header(text: str) -> bool:
    """Return whether a collapsed line is a rule or a heading ("Tracklist:", "CD 2", "-----") rather than a track."""
    if not text.strip(_RULE_CHARS):
        return True
    return len(text) <= 20 and _HEADER.fullmatch(text) is not None


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
