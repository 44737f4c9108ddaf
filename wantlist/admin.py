from django.contrib import admin
from django.utils.html import format_html, format_html_join
from unfold.admin import ModelAdmin

from core import dashboard
from wantlist.models import WantList


@admin.register(WantList)
class WantListAdmin(ModelAdmin):
    list_display = ("library_track", "priority", "status", "found_in", "link_count", "added_at")
    list_filter = ("status", "priority", "added_at")
    list_editable = ("priority", "status")
    search_fields = ("library_track__track__title", "library_track__track__credit_name", "notes")
    list_select_related = ("library_track__track", "found_in")
    autocomplete_fields = ("library_track", "found_in")
    readonly_fields = ("where_to_buy", "purchase_links_fetched_at", "added_at", "updated_at")
    exclude = ("purchase_links",)

    @admin.display(description="Purchase links")
    def link_count(self, want: WantList) -> int:
        return len(want.purchase_links)

    @admin.display(description="Where to buy it")
    def where_to_buy(self, want: WantList) -> str:
        links = [link for link in want.purchase_links if isinstance(link, dict) and link.get("url")]
        if not links:
            return "No purchase link found yet."
        return format_html("<ul>{}</ul>", format_html_join("", '<li><a class="crate-link" href="{}" rel="noreferrer" target="_blank">{}</a> {}</li>', (
            (link["url"], link.get("store") or "store", f"{link.get('price')} {link.get('currency', '')}".strip()
             if link.get("price") not in (None, "") else "") for link in links
        )))


dashboard.register_count(
    "Wanted", WantList, lambda: WantList.objects.filter(status=WantList.Status.WANTED).count(),
    "admin:wantlist_wantlist_changelist",
)
