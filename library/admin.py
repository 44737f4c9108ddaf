import datetime

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone
from unfold.admin import ModelAdmin, TabularInline

from core import dashboard
from library.models import DiscoveryStatistics, LibraryTrack, TrackDiscovery, Tracklist


class TrackDiscoveryInline(TabularInline):
    model = TrackDiscovery
    extra = 0
    fields = ("position", "timestamp", "raw_text", "artist", "title", "status", "confidence", "library_track")
    readonly_fields = ("status", "confidence", "library_track")
    ordering = ("position",)
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("library_track__track")


@admin.register(Tracklist)
class TracklistAdmin(ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "dj", "date", "line_count", "created_at")
    list_filter = ("date", "created_at")
    search_fields = ("name", "dj", "source_url")
    date_hierarchy = "date"
    readonly_fields = ("id", "created_at", "updated_at")
    inlines = (TrackDiscoveryInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(line_count=Count("discoveries"))

    @admin.display(description="Lines", ordering="line_count")
    def line_count(self, tracklist) -> int:
        return tracklist.line_count


@admin.register(TrackDiscovery)
class TrackDiscoveryAdmin(ModelAdmin):
    list_display = ("raw_text", "tracklist", "position", "status", "confidence", "method", "library_track")
    list_filter = ("status", "method")
    search_fields = ("raw_text", "artist", "title", "label", "catalog_number", "tracklist__name")
    list_select_related = ("tracklist", "library_track__track")
    autocomplete_fields = ("tracklist", "library_track")
    readonly_fields = ("confidence", "method", "sources_consulted", "candidates", "created_at", "identified_at")


@admin.register(LibraryTrack)
class LibraryTrackAdmin(ModelAdmin):
    list_display = ("track", "discovery_count", "is_provisional", "first_discovered", "last_seen")
    list_filter = ("is_provisional", "last_seen")
    search_fields = ("track__title", "track__credit_name", "track__label", "track__isrc")
    list_select_related = ("track",)
    autocomplete_fields = ("track",)
    filter_horizontal = ("discovered_from",)
    readonly_fields = ("discovery_count", "first_discovered", "last_seen", "added_at")


@admin.register(DiscoveryStatistics)
class DiscoveryStatisticsAdmin(ModelAdmin):
    list_display = ("period", "period_start", "period_end", "tracks_discovered", "unique_artists", "unique_labels", "computed_at")
    list_filter = ("period",)
    date_hierarchy = "period_start"
    readonly_fields = (
        "period", "period_start", "period_end", "tracks_discovered", "unique_artists", "unique_labels",
        "tracklists_processed", "top_genres", "sources", "most_played", "computed_at",
    )

    def has_add_permission(self, request) -> bool:
        # Statistics are computed by the statistics task, not entered by hand.
        return False


def _discoveries_per_week() -> list[tuple[str, int]]:
    since = timezone.now() - datetime.timedelta(weeks=12)
    rows = (
        TrackDiscovery.objects.filter(created_at__gte=since).annotate(week=TruncWeek("created_at"))
        .values("week").annotate(lines=Count("id")).order_by("week")
    )
    return [(f"{row['week']:%d %b}", row["lines"]) for row in rows]


dashboard.register_count(
    "Library", LibraryTrack, lambda: LibraryTrack.objects.count(), "admin:library_librarytrack_changelist"
)
dashboard.register_chart("Discoveries per week", TrackDiscovery, _discoveries_per_week)
