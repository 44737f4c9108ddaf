"""What discovery adds to other apps' pages (core.extensions, core.dashboard, core.badges):

- on a track's page: its *Discoveries* tab (the tracklists it was heard in);
- the dashboard's counts of the library and of lines to review, and its chart of discoveries per week;
- the sidebar's count of lines waiting for review.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html, format_html_join

from core import badges, dashboard
from core.extensions import register_section
from library import selectors
from library.models import DiscoveryStatus, LibraryTrack, TrackDiscovery


def track_discoveries(track) -> str:
    """A track's Discoveries tab: the tracklists it was heard in, each line linked."""
    lines = (TrackDiscovery.objects.filter(library_track__track=track).select_related("tracklist")
             .order_by("-created_at")[:50]) if track.pk else []
    rows = [(reverse("admin:library_trackdiscovery_change", args=[line.pk]), line.tracklist.name, line.position)
            for line in lines]
    if not rows:
        in_library = track.pk and LibraryTrack.objects.filter(track=track).exists()
        return "In the library, not heard in any tracklist yet." if in_library else "Not heard in any tracklist yet."
    return format_html("<ul>{}</ul>", format_html_join(
        "", '<li><a class="crate-link" href="{}">{}</a>, line {}</li>', rows,
    ))


register_section("tracks.track", "discoveries", track_discoveries)

dashboard.register_count(
    "Library", LibraryTrack, lambda: LibraryTrack.objects.count(), "admin:library_librarytrack_changelist"
)
badges.register("library", "linetoreview", selectors.review_count)
dashboard.register_count(
    "To review", TrackDiscovery, lambda: TrackDiscovery.objects.filter(status=DiscoveryStatus.NEEDS_REVIEW).count(),
    "admin:library_linetoreview_changelist",
)
dashboard.register_chart("Discoveries per week", TrackDiscovery, selectors.discoveries_per_week)
