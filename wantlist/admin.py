from django.contrib import admin

from core import dashboard
from wantlist.models import WantList


@admin.register(WantList)
class WantListAdmin(admin.ModelAdmin):
    list_display = ("library_track", "priority", "status", "found_in", "link_count", "added_at")
    list_filter = ("status", "priority", "added_at")
    list_editable = ("priority", "status")
    search_fields = ("library_track__track__title", "library_track__track__credit_name", "notes")
    list_select_related = ("library_track__track", "found_in")
    autocomplete_fields = ("library_track", "found_in")
    readonly_fields = ("purchase_links", "purchase_links_fetched_at", "added_at", "updated_at")

    @admin.display(description="Purchase links")
    def link_count(self, want: WantList) -> int:
        return len(want.purchase_links)


dashboard.register_count(
    "Wanted", WantList, lambda: WantList.objects.filter(status=WantList.Status.WANTED).count(),
    "admin:wantlist_wantlist_changelist",
)
