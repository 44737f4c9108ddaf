"""A tracklist's lines in the admin, and the review queue: each line's page shows its candidates (with a play
button where the catalogue has the recording's file) and takes a person's decision: accept one, search again, or
mark it unidentifiable; the queue lists the close calls and accepts those where only listings of one recording
compete."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from common.text import count_text
from core.admin import CrateModelAdmin, object_tools
from library import selectors
from library.forms import ReviewSearchForm
from library.models import DiscoveryStatus, LineToReview, TrackDiscovery
from library.review import (
    discoveries_accept_duplicates,
    discovery_accept,
    discovery_mark_unidentifiable,
    discovery_search_again,
)
from providers.base import ProviderError, RateLimited
from providers.registry import provider_label
from tracks import player


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
            path("<uuid:pk>/accept/<int:index>/", view(require_POST(self.accept_view)),
                 name="library_discovery_accept"),
            path("<uuid:pk>/search/", view(require_POST(self.search_view)), name="library_discovery_search"),
            path("<uuid:pk>/unidentifiable/", view(require_POST(self.unidentifiable_view)),
                 name="library_discovery_unidentifiable"),
            *super().get_urls(),
        ]

    def _line(self, request, pk) -> tuple[TrackDiscovery, HttpResponseRedirect | None]:
        discovery = get_object_or_404(TrackDiscovery, pk=pk)
        back = HttpResponseRedirect(reverse("admin:library_trackdiscovery_change", args=[pk]))
        if not self.has_change_permission(request, discovery):
            self.message_user(request, "You may look at this line but not decide it; nothing was changed.",
                              messages.ERROR)
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
            library_track = discovery_accept(discovery=discovery, index=index)
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
            status = discovery_search_again(discovery=discovery, **form.cleaned_data)
        except RateLimited as exc:
            self.message_user(request, f"{exc.provider} asks to wait {exc.retry_after:g} s; search again then.",
                              messages.WARNING)
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
        discovery_mark_unidentifiable(discovery=discovery)
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
        return (f"{artists} – {best.get('title', '')} "
                f"({_candidate_row(best)['source_label']}, {best.get('score', 0):.0%})")

    @admin.action(description="Accept the best where only listings of one recording compete", permissions=["change"])
    def accept_duplicates(self, request, queryset):
        done = discoveries_accept_duplicates(discoveries=queryset.select_related("tracklist"))
        if done.accepted:
            self.message_user(request, f"Accepted {count_text(done.accepted, 'line')}: no other recording or version "
                                       "came close to its best candidate.", messages.SUCCESS)
        for why, number in done.left.items():
            self.message_user(request, f"Left {count_text(number, 'line')} for you: {why}.", messages.INFO)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:library_trackdiscovery_change", args=[object_id]))
