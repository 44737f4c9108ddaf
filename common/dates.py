"""Dates known to a precision: a release "2000" is a year, not the first of January. Pure: no Django."""

from __future__ import annotations

import datetime
import re

YEAR, MONTH, DAY = "year", "month", "day"
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class ReleaseDate(datetime.date):
    """A date that knows how much of it its source gave: YEAR, MONTH or DAY (the rest is filled with 1s)."""

    precision: str

    def __new__(cls, year: int, month: int = 1, day: int = 1, precision: str = DAY):
        self = super().__new__(cls, year, month, day)
        self.precision = precision if precision in (YEAR, MONTH, DAY) else DAY
        return self

    def __reduce__(self):  # pickled across the fetch's worker processes, precision and all
        return (ReleaseDate, (self.year, self.month, self.day, self.precision))

    def __repr__(self) -> str:
        return f"ReleaseDate({self.isoformat()}, {self.precision})"


def parse_release_date(value: object) -> ReleaseDate | None:
    """Return a ReleaseDate from "2019-03-29", "2019-03", "2019" or an ISO datetime; None for anything else."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) > 10 and text[10] in "T ":  # an ISO date and time: the day is enough
        text = text[:10]
    match = _DATE.match(text)
    if not match:
        return None
    year, month, day = match.groups()
    try:
        if day:
            return ReleaseDate(int(year), int(month), int(day), DAY)
        if month:
            return ReleaseDate(int(year), int(month), 1, MONTH)
        return ReleaseDate(int(year), 1, 1, YEAR)
    except ValueError:
        return None


def precision_of(value: datetime.date | None) -> str:
    """Return the precision of a date: a ReleaseDate's own, DAY for any other date."""
    return getattr(value, "precision", DAY)


def date_text(value: datetime.date | None, precision: str = DAY) -> str:
    """Return a date as a person reads it, to its precision: "2000", "March 2000", "29 March 2000"."""
    if value is None:
        return ""
    if precision == YEAR:
        return f"{value.year}"
    if precision == MONTH:
        return f"{value:%B} {value.year}"
    return f"{value.day} {value:%B} {value.year}"


def date_input(value: datetime.date | None, precision: str = DAY) -> str:
    """Return a date as a form shows it for editing, to its precision: "2000", "2000-03", "2000-03-29"."""
    if value is None:
        return ""
    return value.isoformat()[: {YEAR: 4, MONTH: 7}.get(precision, 10)]
