"""Discovery statistics in the admin: the statistics page (charts of a period and the trends) and the stored rows.

The sidebar's "Discovery statistics" opens the page; the summaries the statistics task stored stay a changelist
at stored/. Every figure links to the rows behind it.
"""

from __future__ import annotations

import copy
import datetime
import json
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from common.text import count_text
from core.admin import CrateModelAdmin
from library import statistics
from library.models import DiscoveryStatistics, DiscoveryStatus, StatisticsPeriod

PERIODS = (("daily", "Day"), ("weekly", "Week"), ("monthly", "Month"), ("all-time", "All time"))
WANT_STATUSES = (("added", "Added", None), ("purchased", "Purchased", "purchased"),
                 ("wanted", "Still wanted", "wanted"), ("unavailable", "Unavailable", "unavailable"))


def _url(name: str, params: dict | None = None, args: tuple = ()) -> str:
    url = reverse(f"admin:{name}", args=args)
    return f"{url}?{urlencode(params)}" if params else url


def _sightings_url(start: datetime.date | None, last: datetime.date) -> str:
    """Return the address of the sightings (identified or provisional lines) from start to last, both included."""
    params = {"status__in": ",".join(statistics.SIGHTING_STATUSES), "library_track__isnull": "False"}
    if start is not None:
        params["identified_at__date__gte"] = start.isoformat()
    params["identified_at__date__lte"] = last.isoformat()
    return _url("library_trackdiscovery_changelist", params)


def _library_url(**params) -> str:
    return _url("library_librarytrack_changelist", params)


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(100 * rate, 1)


def _chart(key: str, title: str, rows: list[tuple[str, float, str]], *, suffix: str = "", kind: str = "bar") -> dict:
    """Return a chart for the theme's component: its Chart.js data, and each bar's label, value and link."""
    data = {
        "labels": [label for label, _, _ in rows],
        "datasets": [{
            "label": title, "data": [value for _, value, _ in rows], "displayYAxis": True,
            "backgroundColor": "var(--color-primary-600)", "borderColor": "var(--color-primary-600)",
            "maxBarThickness": 40, **({"suffixYAxis": suffix} if suffix else {}),
            # The theme draws lines without points; these make each week's point visible and easy to click.
            **({"pointStyle": "circle", "pointRadius": 3, "pointHitRadius": 12} if kind == "line" else {}),
        }],
    }
    return {
        "key": key, "title": title, "kind": kind, "data": json.dumps(data),
        "links": json.dumps([url for _, _, url in rows]),
        "rows": [{"label": label, "value": value, "url": url} for label, value, url in rows], "suffix": suffix,
    }


def statistics_page_context(*, period: str, day: datetime.date | None = None) -> dict:
    """Return the page's figures, charts and links for the period containing day, and the trends up to day."""
    figures = statistics.statistics_for(period=period, day=day)
    trends = statistics.trends(today=day)
    first = None if figures["period"] == StatisticsPeriod.ALL_TIME else figures["period_start"]
    last = figures["period_end"]
    sightings = _sightings_url(first, last)
    window_start, window_end = trends["window"]
    window = {"identified_at__date__gte": window_start.isoformat(), "identified_at__date__lte": window_end.isoformat()}
    added = {"added_at__date__gte": window_start.isoformat(), "added_at__date__lte": window_end.isoformat()}
    counts = [
        {"label": "Tracks discovered", "value": figures["tracks_discovered"], "url": sightings,
         "id": "tracks-discovered"},
        {"label": "Unique artists", "value": figures["unique_artists"], "url": sightings, "id": "unique-artists"},
        {"label": "Unique labels", "value": figures["unique_labels"], "url": sightings, "id": "unique-labels"},
        {"label": "Tracklists processed", "value": figures["tracklists_processed"], "url": sightings,
         "id": "tracklists-processed"},
    ]
    want = trends["wantlist"]
    charts = {
        "weekly": _chart("weekly", "Discoveries per week", [
            (monday.strftime("%d %b"), count, _sightings_url(monday, monday + datetime.timedelta(days=6)))
            for monday, count in trends["discovery_rate"]
        ], kind="line"),
        "genres": _chart("genres", "Top genres",
                         [(genre, n, _library_url(genre=genre)) for genre, n in figures["top_genres"]]),
        "artists": _chart("artists", "Top artists",
                          [(name, n, _library_url(q=name)) for name, n in figures["top_artists"]]),
        "labels": _chart("labels", "Top labels",
                         [(label, n, _library_url(label=label)) for label, n in figures["top_labels"]]),
        "mixes": _chart("mixes", "Top mixes", [
            (name, n, _url("library_tracklist_change", args=(pk,))) for name, pk, n in figures["sources"]["mixes"]
        ]),
        "djs": _chart("djs", "Top DJs", [
            (dj, n, _url("library_tracklist_changelist", {"dj": dj})) for dj, n in figures["sources"]["djs"]
        ]),
        "conversion": _chart("conversion", "Want-list conversion", [
            (label, want[key],
             _url("wantlist_wantlist_changelist", {**added, **({"status__exact": status} if status else {})}))
            for key, label, status in WANT_STATUSES
        ]),
    }
    providers = [
        {**row, "percent": _percent(row["rate"]), "url": _url("library_trackdiscovery_changelist", {
            **window, "identified_by__exact": row["provider"], "status__exact": DiscoveryStatus.IDENTIFIED,
        })}
        for row in trends["success"]["by_provider"]
    ]
    charts["providers"] = _chart("providers", "Lines each provider identified, of those it was asked about", [
        (row["label"], row["percent"], row["url"]) for row in providers
    ], suffix="%")
    return {
        "figures": figures,
        "trends": trends,
        "counts": counts,
        "charts": charts,
        "period_charts": [charts[key] for key in ("genres", "artists", "labels", "mixes", "djs")],
        "sightings_url": sightings,
        "most_played": [
            {"label": label, "mixes": n, "url": _url("library_librarytrack_change", args=(pk,))}
            for label, pk, n in figures["most_played"]
        ],
        "trending_artists": [
            {"name": name, "now": now, "before": before, "url": _library_url(q=name)}
            for name, now, before in trends["trending_artists"]
        ],
        "trending_genres": [
            {"name": name, "now": now, "before": before, "url": _library_url(genre=name)}
            for name, now, before in trends["trending_genres"]
        ],
        "sources": [
            {**row, "url": _url("library_tracklist_changelist", {"dj": row["dj"]})}
            for row in trends["success"]["by_source"]
        ],
        "providers": providers,
        "success_percent": _percent(trends["success"]["rate"]),
        "conversion_percent": _percent(want["rate"]),
        "decided_url": _url("library_trackdiscovery_changelist", window),
        "identified_url": _url("library_trackdiscovery_changelist",
                               {**window, "status__exact": DiscoveryStatus.IDENTIFIED}),
    }


def _pairs(value) -> list[tuple[str, int]]:
    return [(str(row[0]), row[1]) for row in value or [] if isinstance(row, list | tuple) and len(row) == 2]


def _counts_text(rows, noun: str = "", plural: str = "") -> str:
    """Return [("Techno", 12), ("House", 3)] as "Techno (12), House (3)" (with noun: "Glue (3 mixes)")."""
    return ", ".join(
        f"{name} ({count_text(count, noun, plural) if noun else f'{count:,}'})" for name, count in rows
        if isinstance(count, int)
    )


@admin.register(DiscoveryStatistics)
class DiscoveryStatisticsAdmin(CrateModelAdmin):
    list_display = ("period", "period_start", "period_end", "tracks_discovered", "unique_artists",
                    "unique_labels", "computed_at")
    list_filter = ("period",)
    date_hierarchy = "period_start"
    readonly_fields = (
        "period", "period_start", "period_end", "tracks_discovered", "unique_artists", "unique_labels",
        "tracklists_processed", "top_genres_text", "sources_text", "most_played_text", "computed_at",
    )
    fields = readonly_fields

    @admin.display(description="Top genres")
    def top_genres_text(self, summary: DiscoveryStatistics) -> str:
        return _counts_text([(genre, count) for genre, count in _pairs(summary.top_genres)]) or "No genre yet."

    @admin.display(description="Mixes and DJs")
    def sources_text(self, summary: DiscoveryStatistics) -> str:
        sources = summary.sources if isinstance(summary.sources, dict) else {}
        mixes = _counts_text([(row[0], row[-1]) for row in sources.get("mixes") or [] if isinstance(row, list) and row])
        djs = _counts_text(_pairs(sources.get("djs")))
        return "; ".join(part for part in (f"mixes: {mixes}" if mixes else "", f"DJs: {djs}" if djs else "") if part) \
            or "No mix yet."

    @admin.display(description="Most played")
    def most_played_text(self, summary: DiscoveryStatistics) -> str:
        rows = [(row[0], row[-1]) for row in summary.most_played or [] if isinstance(row, list) and row]
        return _counts_text(rows, noun="mix", plural="mixes") or "Nothing played yet."

    def has_add_permission(self, request) -> bool:
        # Statistics are computed by the statistics task, not entered by hand.
        return False

    def get_urls(self):
        return [
            path("stored/", self.admin_site.admin_view(self.stored_view), name="library_discoverystatistics_stored"),
            *super().get_urls(),
        ]

    def stored_view(self, request: HttpRequest) -> HttpResponse:
        """List the summaries the statistics task stored: the model's own changelist."""
        return super().changelist_view(request, {"title": "Stored discovery summaries"})

    def _stored_changelist(self, request: HttpRequest):
        """Return the stored summaries' changelist as the plain list shows it: the page's ?period= is no filter here."""
        plain = copy.copy(request)
        plain.GET = QueryDict()
        return self.get_changelist_instance(plain)

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """Show the statistics page: a period's figures and the trends, drawn as charts that link to their rows.

        The latest stored summaries close the page (as the changelist "cl", like any changelist's context).
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        period = request.GET.get("period") or "weekly"
        try:
            period = statistics.period_of(period).value
        except ValueError:
            self.message_user(request, f"There is no period “{period}”; here is this week.", messages.WARNING)
            period = StatisticsPeriod.WEEKLY.value
        day = None
        if request.GET.get("date"):
            try:
                day = datetime.date.fromisoformat(request.GET["date"])
            except ValueError:
                self.message_user(request, f"“{request.GET['date']}” is not a date (YYYY-MM-DD); here is today.",
                                  messages.WARNING)
        name = period.replace("_", "-")
        date_param = {"date": day.isoformat()} if day else {}
        context = {
            **self.admin_site.each_context(request),
            "title": "Discovery statistics",
            "opts": self.model._meta,
            "periods": [
                {"name": key, "label": label, "active": key == name,
                 "url": "?" + urlencode({"period": key, **date_param})}
                for key, label in PERIODS
            ],
            "period_name": name,
            "day": day or timezone.localdate(),
            "stored_url": reverse("admin:library_discoverystatistics_stored"),
            "cl": self._stored_changelist(request),
            "cache_minutes": statistics.CACHE_SECONDS // 60,
            **statistics_page_context(period=period, day=day),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/library/statistics.html", context)
