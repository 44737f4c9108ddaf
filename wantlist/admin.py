"""The want list in the admin: a crate of what to buy, with store badges and prices, and "Add to want list"
everywhere a track shows (library tracks, tracklist lines, the catalogue)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from unfold.contrib.filters.admin import DropdownFilter, RangeDateFilter
from unfold.widgets import UnfoldAdminSelectWidget

from common.text import bpm_text, count_text
from core.admin import (
    CrateListAdmin,
    JobAdmin,
    job_link,
    started_by,
)
from core.exports import ExportActionsMixin
from core.queue import BrokerUnavailable
from library.models import TrackDiscovery
from tracks import keys
from tracks.admin_filters import CachedValuesFilter
from tracks.models import Track
from wantlist import exports as wantlist_exports
from wantlist import selectors, services
from wantlist.imports import WantListImportMixin
from wantlist.models import PurchaseLinksJob, WantList, WantStatus

# The priority as a person picks it: 1 is the most wanted.
PRIORITY_CHOICES = [(1, "1 · most wanted"), (2, "2"), (3, "3"), (4, "4"), (5, "5 · least")]


class StoreFilter(DropdownFilter):
    title = "store"
    parameter_name = "store"

    def lookups(self, request, model_admin):
        return [(name, name) for name in selectors.purchase_link_stores()]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # JSON containment is PostgreSQL-only; the JSON text reads `"store": "Beatport"` on both databases.
        store = dict(self.lookup_choices).get(self.value())
        return queryset.filter(purchase_links__icontains=f'"store": "{store}"') if store else queryset


class LabelFilter(CachedValuesFilter):
    title = parameter_name = field = "label"
    lookup = "library_track__track__label"


class GenreFilter(CachedValuesFilter):
    title = parameter_name = field = "genre"
    lookup = "library_track__track__genre"


@admin.register(WantList)
class WantListAdmin(WantListImportMixin, ExportActionsMixin, CrateListAdmin):
    # Exports in CSV, JSON, TXT and XLSX: of the selected rows, or of every row the list shows.
    export_name = "wantlist"
    export_columns = staticmethod(wantlist_exports.columns)
    export_rows = staticmethod(wantlist_exports.rows)
    list_before_template = "admin/includes/export_links.html"

    list_display = (
        "artist", "title", "version", "label", "bpm", "key", "priority", "status", "state", "cheapest_price",
        "heard_in",
    )
    list_display_links = ("title",)
    list_editable = ("priority", "status")
    list_filter = (
        "status", "priority", StoreFilter, LabelFilter, GenreFilter, ("added_at", RangeDateFilter),
    )
    list_filter_submit = True
    search_fields = ("library_track__track__title", "library_track__track__credit_name", "notes")
    list_select_related = ("library_track__track", "found_in")
    autocomplete_fields = ("library_track", "found_in")
    readonly_fields = ("where_to_buy", "purchase_links_fetched_at", "store_errors", "purchased_at", "added_at",
                       "updated_at")
    exclude = ("purchase_links", "purchase_links_errors")
    actions = ("mark_purchased", "mark_unavailable", "mark_wanted", "refresh_purchase_links")
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("library_track__track", "found_in")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "priority":
            # A choice of five, not a free number box, on the form and in the list alike.
            return forms.TypedChoiceField(
                choices=PRIORITY_CHOICES, coerce=int, label="Priority", widget=UnfoldAdminSelectWidget,
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="Artist", ordering="library_track__track__credit_name")
    def artist(self, want: WantList) -> str:
        track = want.library_track.track
        return track.credit_name or ", ".join(track.artists)

    @admin.display(description="Title", ordering="library_track__track__title")
    def title(self, want: WantList) -> str:
        return want.library_track.track.title

    @admin.display(description="Version", ordering="library_track__track__version")
    def version(self, want: WantList) -> str:
        return want.library_track.track.version

    @admin.display(description="Label", ordering="library_track__track__label")
    def label(self, want: WantList) -> str:
        return want.library_track.track.label

    @admin.display(description="BPM", ordering="library_track__track__bpm")
    def bpm(self, want: WantList) -> str:
        return bpm_text(want.library_track.track.bpm)

    @admin.display(description="Key", ordering="library_track__track__key_wheel")
    def key(self, want: WantList) -> str:
        return keys.key_short_text(want.library_track.track.key)

    @admin.display(description="")
    def state(self, want: WantList) -> str:
        track = want.library_track.track
        if track.file_path and not track.file_missing:
            # Bought or downloaded: its file is on disk, whatever the want's status says.
            return format_html('<span class="crate-badge" title="{}">{}</span>', track.file_path, "in the collection")
        return ""

    @admin.display(description="Cheapest")
    def cheapest_price(self, want: WantList) -> str:
        cheapest = want.cheapest
        if cheapest is None:
            return ""
        return format_html('<a class="crate-link" href="{}" rel="noreferrer" target="_blank">{} {} · {}</a>',
                           cheapest["url"], cheapest["price"], cheapest.get("currency", ""), cheapest.get("store", ""))

    @admin.display(description="Heard in", ordering="found_in__name")
    def heard_in(self, want: WantList) -> str:
        return str(want.found_in) if want.found_in else ""

    @admin.display(description="Where to buy it")
    def where_to_buy(self, want: WantList) -> str:
        links = [link for link in services.links_sorted(want.purchase_links)
                 if isinstance(link, dict) and link.get("url")]
        if not links:
            return "No purchase link found yet: use “Refresh purchase links”."
        return format_html('<div class="crate-stores" id="purchase-links">{}</div>', format_html_join(
            "", '<a class="crate-store" href="{}" rel="noreferrer" target="_blank" title="{}">{}<span>{}</span></a>',
            ((link["url"], link.get("title") or link.get("store"), link.get("store", "store"),
              f" {link['price']} {link.get('currency', '')}".rstrip() if link.get("price") not in (None, "") else
              (" search" if link.get("kind") == "search" else ""))
             for link in links),
        ))

    @admin.display(description="Stores that failed")
    def store_errors(self, want: WantList) -> str:
        return "; ".join(want.purchase_links_errors) or "No store failed at the last refresh."

    def save_model(self, request, obj, form, change):
        # Status through the service, so that "purchased" records when.
        if change and "status" in form.changed_data:
            super().save_model(request, obj, form, change)
            services.want_status_set(want=obj, status=obj.status)
            return
        super().save_model(request, obj, form, change)

    def _set_status(self, request, queryset, status: str, words: str) -> None:
        count = 0
        for want in queryset:
            services.want_status_set(want=want, status=status)
            count += 1
        self.message_user(request, f"Marked {count_text(count, 'wanted track')} {words}.", messages.SUCCESS)

    @admin.action(description="Mark purchased", permissions=["change"])
    def mark_purchased(self, request, queryset):
        self._set_status(request, queryset, WantStatus.PURCHASED, "purchased")

    @admin.action(description="Mark unavailable", permissions=["change"])
    def mark_unavailable(self, request, queryset):
        self._set_status(request, queryset, WantStatus.UNAVAILABLE, "unavailable")

    @admin.action(description="Mark wanted again", permissions=["change"])
    def mark_wanted(self, request, queryset):
        self._set_status(request, queryset, WantStatus.WANTED, "wanted")

    @admin.action(description="Refresh purchase links (background)", permissions=["change"])
    def refresh_purchase_links(self, request, queryset):
        try:
            job = services.purchase_links_jobs_create(
                wants=list(queryset.values_list("pk", flat=True)), started_by=started_by(request), force_refresh=True,
            )
        except BrokerUnavailable as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return None
        self.message_user(request, format_html("Asking the stores about {}: {}.", count_text(job.total, "wanted track"),
                                               job_link(job)), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:wantlist_purchaselinksjob_change", args=[job.pk]))

    # --- Adding from elsewhere ------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("add-line/<uuid:pk>/", view(self.add_line_view), name="wantlist_add_line"),
            path("add-track/<uuid:pk>/", view(self.add_track_view), name="wantlist_add_track"),
            *super().get_urls(),
        ]

    def _refusal(self, request: HttpRequest, back: str):
        """A redirect with a message if this is no POST by someone who may add to the want list, else None."""
        if request.method == "POST" and self.has_add_permission(request):
            return None
        self.message_user(request, "You may not add to the want list; nothing was added.", messages.ERROR)
        return HttpResponseRedirect(back)

    def add_line_view(self, request, pk):
        line = get_object_or_404(TrackDiscovery.objects.select_related("tracklist", "library_track"), pk=pk)
        back = reverse("admin:library_trackdiscovery_change", args=[pk])
        if refused := self._refusal(request, back):
            return refused
        try:
            entry = services.library_track_for_line(discovery=line)
        except ValueError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            add_and_say(self, request, [entry], found_in=line.tracklist)
        return HttpResponseRedirect(back)

    def add_track_view(self, request, pk):
        track = get_object_or_404(Track, pk=pk)
        back = reverse("admin:tracks_track_change", args=[pk])
        if refused := self._refusal(request, back):
            return refused
        add_and_say(self, request, [services.library_track_for_track(track=track)])
        return HttpResponseRedirect(back)


def add_and_say(modeladmin, request, entries, found_in=None) -> None:
    """Add library tracks to the want list and say what became of them on the page the person is on."""
    try:
        added = services.wants_add(library_tracks=entries, found_in=found_in)
    except (services.WantListFull, ValueError) as exc:
        modeladmin.message_user(request, str(exc), messages.ERROR)
        return
    modeladmin.message_user(
        request, format_html('Want list: {} <a href="{}">See the want list</a>.', added.summary(),
                             reverse("admin:wantlist_wantlist_changelist")),
        messages.SUCCESS if added.created else messages.INFO,
    )


@admin.action(description="Add to the want list")
def add_library_tracks_to_want_list(modeladmin, request, queryset):
    add_and_say(modeladmin, request, list(queryset))


@admin.action(description="Add to the want list")
def add_tracks_to_want_list(modeladmin, request, queryset):
    add_and_say(modeladmin, request, [services.library_track_for_track(track=track) for track in queryset])


@admin.action(description="Add to the want list")
def add_lines_to_want_list(modeladmin, request, queryset):
    entries = []
    for line in queryset.select_related("library_track"):
        try:
            entries.append(services.library_track_for_line(discovery=line))
        except ValueError as exc:
            modeladmin.message_user(request, str(exc), messages.WARNING)
    add_and_say(modeladmin, request, entries)


WANT = "wantlist.add_wantlist"


@admin.register(PurchaseLinksJob)
class PurchaseLinksJobAdmin(JobAdmin):
    list_display = ("__str__", "progress", "started_by", "created_at", "finished_at")
    job_fields = ("force_refresh",)


from wantlist import admin_extensions  # noqa: E402, F401 - what the want list adds to other apps' pages
