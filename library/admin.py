"""Discovery in the admin: tracklists pasted or uploaded (library/forms.py) and their discovery jobs, and the
library. A tracklist's lines and the review queue are in library/admin_review.py, the statistics page in
library/admin_statistics.py, what discovery adds to other apps' pages in library/admin_extensions.py; Django's
autodiscovery imports this module, which imports them."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import RequestDataTooBig
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from unfold.contrib.filters.admin import DropdownFilter, RangeDateFilter

from common.text import bpm_text, count_text
from core.admin import CrateListAdmin, CrateModelAdmin, JobAdmin, job_link, started_by
from core.exports import ExportActionsMixin
from core.queue import BrokerUnavailable
from library import exports as library_exports
from library import selectors
from library.discovery_jobs import discovery_jobs_create
from library.entries import library_tracks_merge, library_tracks_merge_survivor
from library.forms import TracklistForm
from library.models import DiscoveryJob, DiscoveryStatus, LibraryTrack, Tracklist
from library.tracklists import TRACKLIST_MAX_TEXT, tracklist_lines_set, tracklists_create_from_mixes
from tracks import keys, player
from tracks.admin_filters import CachedValuesFilter


def _start_discovery(model_admin, request, tracklists, force_refresh=False):
    try:
        asked = discovery_jobs_create(
            tracklists=tracklists, started_by=started_by(request), force_refresh=force_refresh,
        )
    except BrokerUnavailable as exc:
        model_admin.message_user(request, str(exc), messages.ERROR)
        return None
    if not asked:
        model_admin.message_user(request, "No tracklist selected.", messages.INFO)
        return None
    created = [started.job for started in asked if started.created]
    under_way = [started.job for started in asked if not started.created]
    if created:
        model_admin.message_user(
            request, format_html("Identifying {} of {}: {}.", count_text(sum(job.total for job in created), "line"),
                                 count_text(len(created), "tracklist"), _job_links(created)),
            messages.SUCCESS,
        )
    if under_way:
        # Asking again while a job identifies those lines answers that job, as the API and the commands do.
        model_admin.message_user(
            request, format_html("{} being identified already: {}.",
                                 "Its lines are" if len(asked) == 1 else
                                 f"The lines of {count_text(len(under_way), 'tracklist')} are",
                                 _job_links(under_way)),
            messages.INFO,
        )
    if len(asked) == 1:
        return HttpResponseRedirect(reverse("admin:library_discoveryjob_change", args=[asked[0].job.pk]))
    return HttpResponseRedirect(reverse("admin:library_discoveryjob_changelist"))


def _job_links(jobs):
    return mark_safe(", ".join(job_link(job) for job in jobs[:10]) + (" …" if len(jobs) > 10 else ""))


# A tracklist's page shows its lines this many at a time: a 5,000-line list stays a light page.
LINES_PER_PAGE = 100


@admin.register(Tracklist)
class TracklistAdmin(CrateModelAdmin):
    form = TracklistForm
    list_display = ("name", "dj", "date", "line_count", "identified", "to_review", "created_at")
    list_filter = (("date", RangeDateFilter), "created_at")
    list_filter_submit = True
    search_fields = ("name", "dj", "source_url")
    date_hierarchy = "date"
    readonly_fields = ("id", "created_at", "updated_at")
    fieldsets = ((None, {"fields": ("name", "dj", "date", "source_url", "raw_text", "upload")}),)
    actions = ("discover_tracks", "discover_tracks_again")
    change_form_template = "admin/library/tracklist/change_form.html"

    def get_queryset(self, request):
        return selectors.tracklists_with_counts(super().get_queryset(request))

    @admin.display(description="Lines", ordering="line_count")
    def line_count(self, tracklist) -> int:
        return tracklist.line_count

    @admin.display(description="Identified", ordering="identified_count")
    def identified(self, tracklist) -> int:
        return tracklist.identified_count

    @admin.display(description="To review", ordering="review_count")
    def to_review(self, tracklist) -> str:
        if not tracklist.review_count:
            return ""
        url = reverse("admin:library_linetoreview_changelist") + f"?tracklist__id__exact={tracklist.pk}"
        return format_html('<a class="crate-link" href="{}">{}</a>', url, tracklist.review_count)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        tracklist = self.get_object(request, object_id)
        extra = {}
        if tracklist is not None:
            counts = selectors.tracklist_status_counts(tracklist)
            status = request.GET.get("status", "")
            status = status if status in DiscoveryStatus.values else ""
            page = Paginator(selectors.tracklist_lines(tracklist, status=status), LINES_PER_PAGE).get_page(
                request.GET.get("lines")
            )
            extra = {
                "lines_page": page, "lines_status": status, "lines_total": sum(counts.values()),
                "lines_counts": [(value, label, counts[value]) for value, label in DiscoveryStatus.choices
                                 if counts.get(value)],
            }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            request.POST  # noqa: B018 - read here, so a paste over Django's own limit is a message, not a bare 400
        except RequestDataTooBig:
            self.message_user(request, f"That tracklist is larger than {TRACKLIST_MAX_TEXT}, the most a tracklist "
                                       "may be; nothing was saved. Split it into smaller ones.", messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change or "raw_text" in form.changed_data or form.cleaned_data.get("upload"):
            change = tracklist_lines_set(tracklist=obj, lines=form.mixes[0].lines)
            self.message_user(request, str(change), messages.SUCCESS)
        # A file of several mixes: the others become tracklists of their own, as an import of the file makes them
        # (each named by its own title line, else by this one's name).
        for created in tracklists_create_from_mixes(mixes=form.mixes[1:], stem=obj.name, **form.given):
            self.message_user(request, format_html("The file holds another mix too: imported as {}.", created),
                              messages.INFO)

    @admin.action(description="Discover tracks (identify every line)", permissions=["change"])
    def discover_tracks(self, request, queryset):
        return _start_discovery(self, request, list(queryset))

    @admin.action(description="Discover tracks, asking the providers again (bypass the cache)", permissions=["change"])
    def discover_tracks_again(self, request, queryset):
        return _start_discovery(self, request, list(queryset), force_refresh=True)

    def get_urls(self):
        return [
            path("<uuid:pk>/discover/", self.admin_site.admin_view(require_POST(self.discover_view)),
                 name="library_tracklist_discover"),
            *super().get_urls(),
        ]

    def discover_view(self, request: HttpRequest, pk):
        tracklist = get_object_or_404(Tracklist, pk=pk)
        if not self.has_change_permission(request, tracklist):
            self.message_user(request, "You may look at tracklists but not start a discovery.", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:library_tracklist_change", args=[pk]))
        return _start_discovery(self, request, [tracklist]) or HttpResponseRedirect(
            reverse("admin:library_tracklist_change", args=[pk])
        )


@admin.register(DiscoveryJob)
class DiscoveryJobAdmin(JobAdmin):
    list_display = ("__str__", "progress", "started_by", "created_at", "finished_at")
    job_fields = ("tracklist", "force_refresh")
    list_select_related = ("tracklist",)


class GenreFilter(CachedValuesFilter):
    title = parameter_name = field = "genre"
    lookup = "track__genre"


class LabelFilter(CachedValuesFilter):
    title = parameter_name = field = "label"
    lookup = "track__label"


class ProvisionalFilter(DropdownFilter):
    title = "provisional"
    parameter_name = "provisional"

    def lookups(self, request, model_admin):
        return [("yes", "Provisional"), ("no", "Tied to a provider's recording")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(is_provisional=self.value() == "yes")
        return queryset


@admin.register(LibraryTrack)
class LibraryTrackAdmin(ExportActionsMixin, CrateListAdmin):
    # Exports in CSV, JSON, TXT and XLSX: of the selected rows, or of every row the list shows.
    export_name = "library"
    export_columns = staticmethod(library_exports.columns)
    export_rows = staticmethod(library_exports.rows)
    list_before_template = "admin/includes/export_links.html"

    list_display = (
        "play", "artist", "title", "version", "label", "genre", "bpm", "key", "discovery_count", "first_discovered",
        "last_seen",
    )
    list_display_links = ("title",)
    list_filter = (GenreFilter, LabelFilter, ProvisionalFilter, ("first_discovered", RangeDateFilter))
    list_filter_submit = True
    search_fields = ("track__title", "track__credit_name", "track__label", "track__isrc", "track__version")
    list_select_related = ("track",)
    autocomplete_fields = ("track",)
    readonly_fields = ("discovered_from", "discovery_count", "first_discovered", "last_seen", "added_at")
    actions = ("merge_duplicates",)
    show_full_result_count = False

    class Media:
        js = (player.SCRIPT,)

    @admin.display(description="")
    def play(self, entry: LibraryTrack) -> str:
        return player.play_button(entry.track)

    @admin.display(description="Artist", ordering="track__credit_name")
    def artist(self, entry: LibraryTrack) -> str:
        return entry.track.credit_name or ", ".join(entry.track.artists)

    @admin.display(description="Title", ordering="track__title")
    def title(self, entry: LibraryTrack) -> str:
        return entry.track.title

    @admin.display(description="Version", ordering="track__version")
    def version(self, entry: LibraryTrack) -> str:
        return entry.track.version

    @admin.display(description="Label", ordering="track__label")
    def label(self, entry: LibraryTrack) -> str:
        return entry.track.label

    @admin.display(description="Genre", ordering="track__genre")
    def genre(self, entry: LibraryTrack) -> str:
        return entry.track.genre

    @admin.display(description="BPM", ordering="track__bpm")
    def bpm(self, entry: LibraryTrack) -> str:
        return bpm_text(entry.track.bpm)

    @admin.display(description="Key", ordering="track__key_wheel")
    def key(self, entry: LibraryTrack) -> str:
        return keys.key_short_text(entry.track.key)

    @admin.action(description="Merge the selected duplicates (into the most discovered)", permissions=["change"])
    def merge_duplicates(self, request, queryset):
        chosen = list(queryset.select_related("track"))
        if len(chosen) < 2:
            self.message_user(request, "Select two or more library tracks that are one recording.", messages.INFO)
            return
        survivor = library_tracks_merge_survivor(chosen)
        merged = library_tracks_merge(survivor=survivor, others=chosen)
        self.message_user(request, f"Merged {count_text(merged, 'duplicate')} into “{survivor}”: their sightings "
                                   "and want-list entries moved to it.", messages.SUCCESS)


# A tracklist's lines and the review queue, and the statistics page, have modules of their own; what discovery adds
# to other apps' pages, another. Each registers itself.
from library import admin_extensions, admin_review, admin_statistics  # noqa: E402, F401
