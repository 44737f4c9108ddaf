"""Discovery statistics and trends: aggregate reads over the library's sightings, cached, and their stored summary.

Definitions (the statistics page, the `discovery_stats` command and the stored summaries all use these):

- A **sighting** is a TrackDiscovery (a tracklist line) whose status is identified or provisional and that
  points at a library track. Its moment is `identified_at`.
- A **period** is the one containing a given day (default today, in settings.TIME_ZONE): daily is that calendar
  day, weekly its ISO week (Monday to Sunday), monthly its calendar month, all-time every sighting up to the end
  of that day (its stored `period_start` is the day of the first sighting).
- **Tracks discovered**: distinct library tracks sighted in the period. **Unique artists** and **unique labels**:
  distinct non-empty `Track.credit_name` and `Track.label` of those tracks. **Tracklists processed**: distinct
  tracklists with a sighting in the period.
- **Top genres** and **top artists**: `[[name, tracks], ...]`, the ten with the most distinct tracks discovered.
- **Sources**: `{"mixes": [[tracklist, tracklist id, tracks], ...], "djs": [[dj, tracks], ...]}`, the ten mixes
  and DJs that brought the most distinct tracks.
- **Most played**: `[[track, library track id, mixes], ...]`, the ten tracks sighted in the most distinct mixes.

Trends compare the last `days` days (today included) with the `days` before them:

- **Trending artists and genres**: `[[name, now, before], ...]`, the ten whose number of sightings rose the most.
- **Discovery rate**: `[[monday, sightings], ...]` for each of the last twelve ISO weeks, this one included.
- **Identification success**: over the lines decided in the window (`identified_at` in it, any status but
  pending and unparsed), per provider: the lines whose `sources_consulted` name it, and how many of those were
  identified by its own candidate (`identified_by`; the rate is their share; "library" is the library match,
  which consults no provider); per source
  (the tracklist's DJ): lines decided and identified.
- **Want-list conversion**: want-list entries added in the window, how many of them are purchased now (the rate),
  still wanted or unavailable; and how many entries were purchased in the window (by `purchased_at`, or for an
  entry purchased before that field existed, by `updated_at`).

Every figure is an aggregate query in the database (no sighting is loaded into Python); each result is cached for
CACHE_SECONDS, keyed by period and day.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Min, Q, QuerySet, Window
from django.db.models.functions import TruncWeek
from django.utils import timezone

from library.models import (
    DiscoveryStatistics,
    DiscoveryStatus,
    LibraryTrack,
    StatisticsPeriod,
    TrackDiscovery,
    Tracklist,
)
from providers.registry import PROVIDER_CLASSES, provider_label
from tracks.models import Track

CACHE_SECONDS = 15 * 60
TOP = 10
RATE_WEEKS = 12
SIGHTING_STATUSES = (DiscoveryStatus.IDENTIFIED, DiscoveryStatus.PROVISIONAL)
# Lines not decided yet, or never to be: they have no say in a success rate.
UNDECIDED_STATUSES = (DiscoveryStatus.PENDING, DiscoveryStatus.UNPARSED)
# What a line's sources_consulted may name: the library match, then every provider.
SOURCE_NAMES = ("library", *PROVIDER_CLASSES)
# The command line writes "all-time"; the stored row says "all_time".
PERIOD_NAMES = {"daily": StatisticsPeriod.DAILY, "weekly": StatisticsPeriod.WEEKLY,
                "monthly": StatisticsPeriod.MONTHLY, "all-time": StatisticsPeriod.ALL_TIME}


def period_of(name: str) -> StatisticsPeriod:
    """Return the period called name ("daily", "weekly", "monthly", "all-time" or "all_time"); ValueError if none."""
    key = (name or "").strip().lower().replace("_", "-")
    try:
        return PERIOD_NAMES[key]
    except KeyError:
        raise ValueError(f"No period called {name!r}; choose one of {', '.join(PERIOD_NAMES)}.") from None


def period_days(*, period: str, day: datetime.date) -> tuple[datetime.date | None, datetime.date]:
    """Return the first day of the period containing day (None for all-time) and the day after its last."""
    period = period_of(period)
    if period == StatisticsPeriod.DAILY:
        return day, day + datetime.timedelta(days=1)
    if period == StatisticsPeriod.WEEKLY:
        monday = day - datetime.timedelta(days=day.weekday())
        return monday, monday + datetime.timedelta(days=7)
    if period == StatisticsPeriod.MONTHLY:
        first = day.replace(day=1)
        return first, (first + datetime.timedelta(days=32)).replace(day=1)
    return None, day + datetime.timedelta(days=1)


def midnight(day: datetime.date) -> datetime.datetime:
    """Return the start of day in the current time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def sightings_select(*, start: datetime.date | None, end: datetime.date) -> QuerySet[TrackDiscovery]:
    """Return the sightings from the start of day start (the first ever if None) to the start of day end."""
    # No ordering: the model's (by tracklist) would join the tracklists into every grouped query for nothing.
    rows = TrackDiscovery.objects.order_by().filter(
        status__in=SIGHTING_STATUSES, library_track__isnull=False, identified_at__lt=midnight(end),
    )
    return rows.filter(identified_at__gte=midnight(start)) if start is not None else rows


def _top(grouped: QuerySet, name: str, count: str = "tracks", *, text: bool = True) -> tuple[list[list], int]:
    """Return the TOP largest groups as [[name, count], ...], and how many groups there are.

    Where the name is text (an artist, a label, a genre, a DJ), an empty one is no group. The number of groups
    comes from the same query, as COUNT(*) OVER () over the grouped rows, so that a "how many distinct" and its
    "which ones most" cost one pass over the rows, not two.
    """
    if text:
        grouped = grouped.exclude(**{name: ""})
    rows = list(grouped.annotate(groups=Window(Count("*"))).order_by(f"-{count}", name)[:TOP])
    return [[row[name], row[count]] for row in rows], (rows[0]["groups"] if rows else 0)


def _compute(period: StatisticsPeriod, day: datetime.date) -> dict[str, Any]:
    """Return the statistics of the period containing day, in nine aggregate queries whatever the period."""
    start, end = period_days(period=period, day=day)
    rows = sightings_select(start=start, end=end)
    # COUNT(*), not COUNT(id): the sightings' index holds no id, and a count of rows needs none.
    totals = rows.aggregate(sightings=Count("*"), first=Min("identified_at"))
    # The tracks sighted, each once: artists, labels and genres are counted over these rather than over every
    # sighting, which would make the database de-duplicate a row per sighting.
    tracks = Track.objects.filter(library_entry__in=rows.values("library_track"))
    top_artists, unique_artists = _top(tracks.values("credit_name").annotate(tracks=Count("id")), "credit_name")
    top_labels, unique_labels = _top(tracks.values("label").annotate(tracks=Count("id")), "label")
    top_genres, _ = _top(tracks.values("genre").annotate(tracks=Count("id")), "genre")
    mixes, tracklists_processed = _top(
        rows.values("tracklist").annotate(tracks=Count("library_track", distinct=True)), "tracklist", text=False,
    )
    names = dict(Tracklist.objects.filter(pk__in=[mix for mix, _ in mixes]).values_list("pk", "name"))
    djs, _ = _top(rows.values("tracklist__dj").annotate(tracks=Count("library_track", distinct=True)), "tracklist__dj")
    played, tracks_discovered = _top(
        rows.values("library_track").annotate(mixes=Count("tracklist", distinct=True)), "library_track", "mixes",
        text=False,
    )
    entries = LibraryTrack.objects.select_related("track").in_bulk([entry for entry, _ in played])
    if start is None:
        start = _local_date(totals["first"]) if totals["first"] else day
    return {
        "period": period.value,
        "period_start": start,
        "period_end": end - datetime.timedelta(days=1),
        "sightings": totals["sightings"],
        "tracks_discovered": tracks_discovered,
        "unique_artists": unique_artists,
        "unique_labels": unique_labels,
        "tracklists_processed": tracklists_processed,
        "top_genres": top_genres,
        "top_artists": top_artists,
        "top_labels": top_labels,
        "sources": {
            "mixes": [[names[mix], str(mix), count] for mix, count in mixes],
            "djs": djs,
        },
        "most_played": [[str(entries[entry]), str(entry), count] for entry, count in played],
    }


def statistics_for(*, period: str, day: datetime.date | None = None, use_cache: bool = True) -> dict[str, Any]:
    """Return the statistics of the period containing day (default today); see the module's definitions.

    Cached for CACHE_SECONDS by period and day; use_cache=False computes afresh and leaves the cache alone.
    """
    period = period_of(period)
    day = day or timezone.localdate()
    key = f"library:statistics:{period.value}:{day.isoformat()}"
    if use_cache and (cached := cache.get(key)) is not None:
        return cached
    result = _compute(period, day)
    if use_cache:
        cache.set(key, result, CACHE_SECONDS)
    return result


def _rising(rows: QuerySet, field: str, since: datetime.datetime) -> list[list]:
    """Return [[name, now, before], ...]: the TOP names of field whose sightings rose the most since since."""
    now, before = Q(identified_at__gte=since), Q(identified_at__lt=since)
    grouped = (
        rows.exclude(**{field: ""}).values(field)
        # Counting identified_at (never null here), not id: the sightings' index holds it and not the id.
        .annotate(now=Count("identified_at", filter=now), before=Count("identified_at", filter=before))
        .annotate(rise=F("now") - F("before")).filter(rise__gt=0)
        .order_by("-rise", "-now", field)[:TOP]
    )
    return [[row[field], row["now"], row["before"]] for row in grouped]


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _discovery_rate(today: datetime.date) -> list[list]:
    """Return [[monday, sightings], ...] for the last RATE_WEEKS ISO weeks, this one included, empty weeks as 0."""
    this_monday = today - datetime.timedelta(days=today.weekday())
    first = this_monday - datetime.timedelta(weeks=RATE_WEEKS - 1)
    rows = (
        sightings_select(start=first, end=this_monday + datetime.timedelta(days=7))
        .annotate(week=TruncWeek("identified_at")).values("week").annotate(sightings=Count("*")).order_by("week")
    )
    counts = {_local_date(row["week"]): row["sightings"] for row in rows}
    weeks = [first + datetime.timedelta(weeks=n) for n in range(RATE_WEEKS)]
    return [[monday, counts.get(monday, 0)] for monday in weeks]


def _consulted(name: str) -> Q:
    """Return the lines whose sources_consulted (a JSON list of names) holds name."""
    if connection.features.supports_json_field_contains:
        return Q(sources_consulted__contains=[name])  # PostgreSQL's jsonb @>: a third of the time of the text match
    return Q(sources_consulted__icontains=f'"{name}"')  # SQLite: the list's text holds each name in quotes


def _success(start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """Return the identification success per provider, per method and per source over the lines decided."""
    decided = TrackDiscovery.objects.order_by().filter(
        identified_at__gte=midnight(start), identified_at__lt=midnight(end),
    ).exclude(status__in=UNDECIDED_STATUSES)
    identified = Q(status=DiscoveryStatus.IDENTIFIED)
    consulted = {name: _consulted(name) for name in SOURCE_NAMES}
    counts = decided.aggregate(
        lines=Count("id"), identified=Count("id", filter=identified),
        **{f"consulted_{n}": Count("id", filter=q) for n, q in enumerate(consulted.values())},
        # A provider is credited with the lines it identified, not every identified line it was asked about.
        **{f"identified_{n}": Count("id", filter=identified & Q(identified_by=name))
           for n, name in enumerate(consulted)},
    )
    providers = [
        {"provider": name, "label": "Library" if name == "library" else provider_label(name),
         "consulted": counts[f"consulted_{n}"], "identified": counts[f"identified_{n}"],
         "rate": share(counts[f"identified_{n}"], counts[f"consulted_{n}"])}
        for n, name in enumerate(consulted) if counts[f"consulted_{n}"]
    ]
    providers.sort(key=lambda row: (-row["consulted"], row["provider"]))
    methods = decided.filter(identified).exclude(method="").values("method").annotate(lines=Count("id"))
    sources = (
        decided.values("tracklist__dj").annotate(lines=Count("id"), identified=Count("id", filter=identified))
        .order_by("-lines", "tracklist__dj")[:TOP]
    )
    return {
        "lines": counts["lines"], "identified": counts["identified"],
        "rate": share(counts["identified"], counts["lines"]),
        "by_provider": providers,
        "by_method": sorted(([row["method"], row["lines"]] for row in methods), key=lambda row: (-row[1], row[0])),
        "by_source": [
            {"dj": row["tracklist__dj"], "lines": row["lines"], "identified": row["identified"],
             "rate": share(row["identified"], row["lines"])}
            for row in sources
        ],
    }


# Figures other features add to the trends, by key ("wantlist": the want list's conversion): each a function of the
# window's first day and the day after its last. The want list depends on the library, not the other way round,
# so it registers its figures here (wantlist/apps.py).
TREND_FIGURES: dict[str, Callable[[datetime.date, datetime.date], dict[str, Any]]] = {}


def register_trend_figures(key: str, figures: Callable[[datetime.date, datetime.date], dict[str, Any]]) -> None:
    """Add figures(start, end) to every window's trends under key."""
    TREND_FIGURES[key] = figures


def _compute_trends(days: int, today: datetime.date) -> dict[str, Any]:
    """Return the trends of the days days up to today, in seven aggregate queries."""
    start = today - datetime.timedelta(days=days - 1)
    end = today + datetime.timedelta(days=1)
    before = start - datetime.timedelta(days=days)
    window = sightings_select(start=before, end=end)
    return {
        "today": today,
        "days": days,
        "window": [start, today],
        "previous": [before, start - datetime.timedelta(days=1)],
        "trending_artists": _rising(window, "library_track__track__credit_name", midnight(start)),
        "trending_genres": _rising(window, "library_track__track__genre", midnight(start)),
        "discovery_rate": _discovery_rate(today),
        "success": _success(start, end),
        **{key: figures(start, end) for key, figures in TREND_FIGURES.items()},
    }


def trends(*, days: int = 30, today: datetime.date | None = None, use_cache: bool = True) -> dict[str, Any]:
    """Return the trends of the last days days (today included) against the days before; see the module's definitions.

    Cached for CACHE_SECONDS by days and today; use_cache=False computes afresh and leaves the cache alone.
    """
    if days < 1:
        raise ValueError(f"A trend needs at least one day, not {days}.")
    today = today or timezone.localdate()
    key = f"library:trends:{days}:{today.isoformat()}"
    if use_cache and (cached := cache.get(key)) is not None:
        return cached
    result = _compute_trends(days, today)
    if use_cache:
        cache.set(key, result, CACHE_SECONDS)
    return result


def statistics_store(*, period: str, day: datetime.date | None = None) -> DiscoveryStatistics:
    """Compute the statistics of the period containing day (default today) afresh and store them in its row.

    A row is one (period, period_start): storing a period again updates it. All-time's row starts at the first
    sighting, so it is one row updated day after day (and a new one if that first sighting is ever deleted).
    """
    figures = statistics_for(period=period, day=day, use_cache=False)
    stored, _ = DiscoveryStatistics.objects.update_or_create(
        period=figures["period"], period_start=figures["period_start"],
        defaults={
            "period_end": figures["period_end"],
            "tracks_discovered": figures["tracks_discovered"],
            "unique_artists": figures["unique_artists"],
            "unique_labels": figures["unique_labels"],
            "tracklists_processed": figures["tracklists_processed"],
            "top_genres": figures["top_genres"],
            "sources": figures["sources"],
            "most_played": figures["most_played"],
        },
    )
    return stored
