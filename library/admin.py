"""Discovery in the admin: tracklists pasted or uploaded, the lines identified, the review queue, the library."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import RequestDataTooBig
from django.core.paginator import Paginator
from django.core.validators import ProhibitNullCharactersValidator
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from unfold.contrib.filters.admin import DropdownFilter, RangeDateFilter
from unfold.widgets import (
    UnfoldAdminFileFieldWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
    UnfoldAdminURLInputWidget,
)

from common.text import count_text, storable
from core.admin import CrateListAdmin, CrateModelAdmin, JobAdmin, job_link, object_tools, started_by
from core.exports import ExportActionsMixin
from core.queue import BrokerUnavailable
from library import exports as library_exports
from library import parsing, selectors, services
from library.models import (
    DiscoveryJob,
    DiscoveryStatus,
    LibraryTrack,
    LineToReview,
    TrackDiscovery,
    Tracklist,
)
from providers.base import ProviderError, RateLimited
from providers.registry import provider_label
from tracks import keys, player
from tracks.admin_filters import CachedValuesFilter


class TracklistForm(forms.ModelForm):
    """A tracklist pasted as text or uploaded as a .txt, .csv or .cue file."""

    source_url = forms.URLField(
        label="Source URL", required=False, max_length=1000, assume_scheme="https", widget=UnfoldAdminURLInputWidget,
        help_text="Where the tracklist was published, e.g. its MixesDB page.",
    )
    upload = forms.FileField(
        required=False, label="Or upload a file", widget=UnfoldAdminFileFieldWidget,
        help_text="A .txt (one track per line), a .csv with artist and title columns (as MixesDB gives), or a .cue "
        f"sheet, at most {services.TRACKLIST_MAX_TEXT}. It replaces the text above.",
    )

    class Meta:
        model = Tracklist
        fields = ("name", "dj", "date", "source_url", "raw_text", "upload")
        widgets = {"raw_text": UnfoldAdminTextareaWidget(attrs={"rows": 16, "placeholder": "01. Artist - Title (X Remix) [Label]"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = "Left empty, it is taken from the tracklist's own title line or the file's name."
        self.fields["raw_text"].help_text = (
            "Paste the tracklist: any of “01. Artist - Title (X Remix) [Label]”, “[00:12:34] Artist - Title”, "
            "“Artist feat. B - Title”, “ID - ID”… Blank and header lines are skipped; a line that cannot be read "
            f"is kept as unparsed. At most {services.TRACKLIST_MAX_TEXT}, pasted or uploaded."
        )
        # Text from outside is made storable (a NUL shown as �), not refused: the rest of the paste is good.
        self.fields["raw_text"].validators = [
            check for check in self.fields["raw_text"].validators if not isinstance(check, ProhibitNullCharactersValidator)
        ]
        self.mixes: list[parsing.ParsedTracklist] = []

    def clean_raw_text(self) -> str:
        text = storable(self.cleaned_data.get("raw_text") or "")
        if len(text.encode("utf-8", "replace")) > services.TRACKLIST_MAX_BYTES:
            raise forms.ValidationError(f"A tracklist is at most {services.TRACKLIST_MAX_TEXT}; this one is "
                                        f"{keys.size_text(len(text.encode('utf-8', 'replace')))}. Split it into smaller ones.")
        return text

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload is not None:
            if upload.size > services.TRACKLIST_MAX_BYTES:
                raise forms.ValidationError({"upload": f"A tracklist is at most {services.TRACKLIST_MAX_TEXT}; this file "
                                                       f"is {keys.size_text(upload.size)}. Split it into smaller ones."})
            try:
                self.mixes = [mix for mix in parsing.parse_file(upload.name, upload.read()) if mix.lines]
            except parsing.TracklistError as exc:
                raise forms.ValidationError({"upload": str(exc)}) from None
            if not self.mixes:
                raise forms.ValidationError({"upload": f"“{upload.name}” holds no tracklist lines."})
            cleaned["raw_text"] = "\n".join(line.raw for line in self.mixes[0].lines)
            cleaned["name"] = cleaned.get("name") or self.mixes[0].name or upload.name.rsplit(".", 1)[0]
        elif "raw_text" in cleaned:
            text = cleaned.get("raw_text") or ""
            if not text.strip():
                raise forms.ValidationError({"raw_text": "Paste the tracklist, or upload a file."})
            self.mixes = [parsing.parse_text(text)]
            if not self.mixes[0].lines:
                raise forms.ValidationError({"raw_text": "No line of this text reads as a track (only headings, "
                                                         "dates or blank lines). Paste the tracklist's track lines."})
        if self.mixes:
            # What the file or the paste says of the mix fills what the form leaves empty.
            first = self.mixes[0]
            cleaned["name"] = cleaned.get("name") or first.name
            cleaned["dj"] = cleaned.get("dj") or first.dj
            cleaned["date"] = cleaned.get("date") or first.date
            cleaned["source_url"] = cleaned.get("source_url") or first.source_url
        if not cleaned.get("name"):
            raise forms.ValidationError({"name": "Give the mix a name."})
        return cleaned


def _start_discovery(model_admin, request, tracklists, force_refresh=False):
    try:
        created = services.discovery_jobs_create(
            tracklists=tracklists, started_by=started_by(request), force_refresh=force_refresh,
        )
    except BrokerUnavailable as exc:
        model_admin.message_user(request, str(exc), messages.ERROR)
        return None
    if not created:
        model_admin.message_user(request, "No tracklist selected.", messages.INFO)
        return None
    links = mark_safe(", ".join(job_link(job) for job in created[:10]))
    lines = sum(job.total for job in created)
    model_admin.message_user(
        request, format_html("Identifying {} of {}: {}.", count_text(lines, "line"), count_text(len(created), "tracklist"),
                             links),
        messages.SUCCESS,
    )
    if len(created) == 1:
        return HttpResponseRedirect(reverse("admin:library_discoveryjob_change", args=[created[0].pk]))
    return HttpResponseRedirect(reverse("admin:library_discoveryjob_changelist"))


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
            self.message_user(request, f"That tracklist is larger than {services.TRACKLIST_MAX_TEXT}, the most a tracklist "
                                       "may be; nothing was saved. Split it into smaller ones.", messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change or "raw_text" in form.changed_data or form.cleaned_data.get("upload"):
            change = services.tracklist_lines_set(tracklist=obj, lines=form.mixes[0].lines)
            self.message_user(request, str(change), messages.SUCCESS)
        for extra in form.mixes[1:]:
            created = services.tracklist_create(
                name=extra.name or obj.name, dj=extra.dj or obj.dj, source_url=extra.source_url,
                raw_text="\n".join(line.raw for line in extra.lines), lines=extra.lines,
            )
            self.message_user(request, format_html("The file holds another mix too: imported as {}.", created), messages.INFO)

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


class ReviewSearchForm(forms.Form):
    artist = forms.CharField(max_length=500, widget=UnfoldAdminTextInputWidget)
    title = forms.CharField(max_length=500, widget=UnfoldAdminTextInputWidget)
    version = forms.CharField(max_length=300, required=False, widget=UnfoldAdminTextInputWidget,
                              help_text="The remix, mix or edit, e.g. “Bicep Remix”; empty for the original.")


def _line_url(line: TrackDiscovery | None) -> str:
    return reverse("admin:library_trackdiscovery_change", args=[line.pk]) if line is not None else ""


def _candidate_rows(discovery: TrackDiscovery) -> list[dict]:
    """Return the line's candidates as the review page shows them, each with a play button where the catalogue
    already has its recording with a file."""
    rows = [_candidate_row(kept) for kept in discovery.candidates or [] if isinstance(kept, dict)]
    for row, track in zip(rows, selectors.candidate_tracks(rows), strict=True):
        row["play"] = player.play_button(track)
    return rows


def _candidate_row(kept: dict) -> dict:
    """Return a kept candidate as the review page shows it: what tells two listings apart, in words."""
    date = str(kept.get("album_date") or kept.get("release_date") or "")
    source = str(kept.get("source") or "")
    score = kept.get("score")
    return {
        **kept, "year": date[:4], "source_label": provider_label(source) if source else "",
        "percent": f"{score:.0%}" if isinstance(score, int | float) else "",
    }


@admin.register(TrackDiscovery)
class TrackDiscoveryAdmin(CrateModelAdmin):
    list_display = ("line", "tracklist", "status", "confidence_text", "method", "library_track")
    list_filter = ("status", "method")
    search_fields = ("raw_text", "artist", "title", "label", "catalog_number", "tracklist__name")
    list_select_related = ("tracklist", "library_track__track")
    # Read-only: a line is decided by the buttons above the form (accept, search again, unidentifiable),
    # which keep the library's sightings right; its candidates are the table above.
    fields = (
        "tracklist", "position", "timestamp", "raw_text", "artist", "title", "version", "label", "catalog_number",
        "status", "confidence_text", "reason", "method", "library_track", "sources_text", "identified_at",
    )
    readonly_fields = fields
    change_form_template = "admin/library/trackdiscovery/change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False,
                         "show_save_and_add_another": False}
        return self._review_view(request, object_id, form_url, extra_context)

    def has_add_permission(self, request) -> bool:
        return False  # lines come from tracklists

    @admin.display(description="Line", ordering="position")
    def line(self, discovery: TrackDiscovery) -> str:
        return str(discovery)

    @admin.display(description="Confidence", ordering="confidence")
    def confidence_text(self, discovery: TrackDiscovery) -> str:
        return f"{discovery.confidence:.0%}" if discovery.confidence is not None else ""

    @admin.display(description="Asked")
    def sources_text(self, discovery: TrackDiscovery) -> str:
        names = [name for name in discovery.sources_consulted or [] if isinstance(name, str)]
        return ", ".join("the library" if name == "library" else provider_label(name) for name in names)

    def _review_view(self, request, object_id, form_url="", extra_context=None):
        discovery = self.get_object(request, object_id)
        extra = {}
        if discovery is not None:
            previous, following = selectors.review_neighbours(discovery)
            extra = {
                "tools": object_tools(request, discovery),
                "candidates": _candidate_rows(discovery),
                "listen": player.player(discovery.library_track.track) if discovery.library_track_id else "",
                "can_review": self.has_change_permission(request, discovery),
                "search_form": ReviewSearchForm(initial={
                    "artist": discovery.artist, "title": discovery.title, "version": discovery.version,
                }),
                "previous_url": _line_url(previous), "next_url": _line_url(following),
                "waiting": selectors.review_count(),
            }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<uuid:pk>/accept/<int:index>/", view(require_POST(self.accept_view)), name="library_discovery_accept"),
            path("<uuid:pk>/search/", view(require_POST(self.search_view)), name="library_discovery_search"),
            path("<uuid:pk>/unidentifiable/", view(require_POST(self.unidentifiable_view)),
                 name="library_discovery_unidentifiable"),
            *super().get_urls(),
        ]

    def _line(self, request, pk) -> tuple[TrackDiscovery, HttpResponseRedirect | None]:
        discovery = get_object_or_404(TrackDiscovery, pk=pk)
        back = HttpResponseRedirect(reverse("admin:library_trackdiscovery_change", args=[pk]))
        if not self.has_change_permission(request, discovery):
            self.message_user(request, "You may look at this line but not decide it; nothing was changed.", messages.ERROR)
            return discovery, back
        return discovery, None

    def _next(self, discovery: TrackDiscovery) -> HttpResponseRedirect:
        """Go on to the next line waiting for review, or back to the queue when none is left."""
        _, following = selectors.review_neighbours(discovery)
        return HttpResponseRedirect(_line_url(following) or reverse("admin:library_linetoreview_changelist"))

    def accept_view(self, request, pk, index):
        discovery, refused = self._line(request, pk)
        if refused:
            return refused
        try:
            library_track = services.discovery_accept(discovery=discovery, index=index)
        except ValueError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:library_trackdiscovery_change", args=[pk]))
        self.message_user(request, f"Line {discovery.position} is “{library_track}”, as you chose.", messages.SUCCESS)
        return self._next(discovery)

    def search_view(self, request, pk):
        discovery, refused = self._line(request, pk)
        if refused:
            return refused
        form = ReviewSearchForm(request.POST)
        back = HttpResponseRedirect(reverse("admin:library_trackdiscovery_change", args=[pk]))
        if not form.is_valid():
            self.message_user(request, "Give an artist and a title to search for.", messages.ERROR)
            return back
        try:
            status = services.discovery_search_again(discovery=discovery, **form.cleaned_data)
        except RateLimited as exc:
            self.message_user(request, f"{exc.provider} asks to wait {exc.retry_after:g} s; search again then.", messages.WARNING)
            return back
        except ProviderError as exc:
            self.message_user(request, f"The search failed: {exc.message}. Try again in a minute.", messages.ERROR)
            return back
        words = {
            DiscoveryStatus.IDENTIFIED: "identified", DiscoveryStatus.NEEDS_REVIEW: "still a close call: pick below",
            DiscoveryStatus.PROVISIONAL: "not found anywhere: kept as a provisional library track",
        }
        self.message_user(request, f"Searched again: {words.get(status, status)}.",
                          messages.SUCCESS if status == DiscoveryStatus.IDENTIFIED else messages.INFO)
        return back

    def unidentifiable_view(self, request, pk):
        discovery, refused = self._line(request, pk)
        if refused:
            return refused
        services.discovery_mark_unidentifiable(discovery=discovery)
        self.message_user(request, f"Line {discovery.position} is marked unidentifiable; it will never be guessed.",
                          messages.SUCCESS)
        return self._next(discovery)


@admin.register(LineToReview)
class LineToReviewAdmin(TrackDiscoveryAdmin):
    """The review queue: lines that are close calls, each opened on its candidates."""

    list_display = ("line", "tracklist", "best_candidate", "confidence_text", "reason")
    list_filter = ("tracklist",)
    list_display_links = ("line",)
    actions = ("accept_duplicates",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=DiscoveryStatus.NEEDS_REVIEW)

    @admin.display(description="Best candidate")
    def best_candidate(self, discovery: TrackDiscovery) -> str:
        if not discovery.candidates:
            return ""
        best = discovery.candidates[0]
        artists = ", ".join(best.get("artists") or [])
        return f"{artists} – {best.get('title', '')} ({_candidate_row(best)['source_label']}, {best.get('score', 0):.0%})"

    @admin.action(description="Accept the best where only listings of one recording compete", permissions=["change"])
    def accept_duplicates(self, request, queryset):
        done = services.discoveries_accept_duplicates(discoveries=queryset.select_related("tracklist"))
        if done.accepted:
            self.message_user(request, f"Accepted {count_text(done.accepted, 'line')}: no other recording or version "
                                       "came close to its best candidate.", messages.SUCCESS)
        for why, number in done.left.items():
            self.message_user(request, f"Left {count_text(number, 'line')} for you: {why}.", messages.INFO)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:library_trackdiscovery_change", args=[object_id]))


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
        return keys.bpm_text(entry.track.bpm)

    @admin.display(description="Key", ordering="track__key_wheel")
    def key(self, entry: LibraryTrack) -> str:
        return keys.key_short_text(entry.track.key)

    @admin.action(description="Merge the selected duplicates (into the most discovered)", permissions=["change"])
    def merge_duplicates(self, request, queryset):
        chosen = list(queryset.select_related("track").order_by("-discovery_count", "added_at"))
        if len(chosen) < 2:
            self.message_user(request, "Select two or more library tracks that are one recording.", messages.INFO)
            return
        survivor, others = chosen[0], chosen[1:]
        merged = services.library_tracks_merge(survivor=survivor, others=others)
        self.message_user(request, f"Merged {count_text(merged, 'duplicate')} into “{survivor}”: their sightings and want-list "
                                   "entries moved to it.", messages.SUCCESS)


# The statistics page has a module of its own; what discovery adds to other apps' pages, another.
from library import admin_extensions, admin_statistics  # noqa: E402, F401 - each registers itself
