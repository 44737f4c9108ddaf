"""Discovery statistics in the admin."""

from __future__ import annotations

from django.contrib import admin
from unfold.admin import ModelAdmin

from library.models import DiscoveryStatistics


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
