"""The want list as an export: the library's columns for each wanted track, then what the want list adds.

core/exports.py writes the rows as CSV, JSON, TXT or XLSX; the admin and export_wantlist share the filters here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import QuerySet

from core.exports import DATE, NUMBER, Column, start_of_day
from library import exports as library_exports
from tracks.genres import normalise_genre
from wantlist.models import WantList, link_price

EXPORT_NAME = "wantlist"


def columns() -> list[Column]:
    """Return the want-list export's columns."""
    return [
        *library_exports.columns(),
        Column("priority", NUMBER), Column("status"), Column("notes"), Column("found_in"),
        Column("added_at", DATE), Column("purchased_at", DATE),
        Column("cheapest_price", NUMBER), Column("cheapest_currency"), Column("cheapest_store"),
        Column("purchase_links"),
    ]


def _links(want: WantList) -> list[dict]:
    return [link for link in want.purchase_links or () if isinstance(link, dict)]


def cheapest(links: list[dict]) -> tuple[dict, Decimal] | tuple[None, None]:
    """Return the cheapest priced link and its price; prices in other currencies are compared as they are."""
    priced = [(link, price) for link in links if (price := link_price(link)) is not None]
    return min(priced, key=lambda pair: pair[1], default=(None, None))


def want_row(want: WantList) -> dict:
    """Return one wanted track as an export row."""
    links = _links(want)
    link, price = cheapest(links)
    return {
        **library_exports.library_row(want.library_track),
        "priority": want.priority,
        "status": want.status,
        "notes": want.notes,
        "found_in": want.found_in.name if want.found_in else "",
        "added_at": want.added_at,
        "purchased_at": getattr(want, "purchased_at", None),
        "cheapest_price": price,
        "cheapest_currency": (link or {}).get("currency") or "",
        "cheapest_store": (link or {}).get("store") or "",
        "purchase_links": library_exports.JOIN.join(
            f"{item.get('store') or 'store'}: {item['url']}" for item in links if item.get("url")
        ),
    }


def rows(queryset: QuerySet[WantList]) -> Iterator[dict]:
    """Yield the export rows of queryset, reading the database a chunk at a time."""
    queryset = queryset.select_related("library_track__track", "found_in").defer(
        # Only the mix's name is shown; its whole tracklist text would be read once per row.
        "found_in__raw_text", "library_track__notes",
        *(f"library_track__track__{name}" for name in library_exports.UNUSED_TRACK_FIELDS),
    )
    for want in queryset.iterator(chunk_size=library_exports.CHUNK_SIZE):
        yield want_row(want)


def wantlist_queryset(
    *, status: str | None = None, priority: int | None = None, genre: str | None = None,
    discovered_after: datetime.date | None = None,
) -> QuerySet:
    """Return the wanted tracks with status, priority and genre (any spelling), first discovered since a day."""
    queryset = WantList.objects.select_related("library_track__track", "found_in")
    if status:
        queryset = queryset.filter(status=status)
    if priority is not None:
        queryset = queryset.filter(priority=priority)
    if genre:
        queryset = queryset.filter(library_track__track__genre=normalise_genre(genre))
    if discovered_after:
        queryset = queryset.filter(library_track__first_discovered__gte=start_of_day(discovered_after))
    return queryset
