"""What downloads add to other apps' admin pages (core.extensions):

- on tracks, library tracks and want-list entries: the *Download (best / good / any)* actions;
- on a track's page: its *Downloads* tab;
- the dashboard's count of downloads under way, and the sidebar's count of those awaiting your choice.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from core import badges, dashboard
from core.admin import html_table
from core.extensions import register_action, register_section
from downloads.admin import ADD, request_and_say
from downloads.models import ACTIVE_STATES, Download, DownloadState
from downloads.quality import Quality


def _actions_for(label: str, tracks_of):
    """Register "Download (best / good / any)" on the admin of label, tracks_of(queryset) giving the tracks."""
    for quality in Quality.values:
        def action(modeladmin, request, queryset, quality=quality):
            request_and_say(modeladmin, request, tracks_of(queryset), quality)

        action.__name__ = f"download_{quality}"
        action.short_description = f"Download ({quality})"
        register_action(label, action, ADD)


_actions_for("tracks.track", list)
_actions_for("library.librarytrack", lambda qs: [entry.track for entry in qs.select_related("track")])
_actions_for("wantlist.wantlist",
             lambda qs: [want.library_track.track for want in qs.select_related("library_track__track")])

badges.register(
    "downloads", "download", lambda: Download.objects.filter(state=DownloadState.AWAITING_CHOICE).count(),
)
dashboard.register_count(
    "Downloads under way", Download, lambda: Download.objects.filter(state__in=ACTIVE_STATES).count(),
    "admin:downloads_download_changelist",
)


def track_downloads(track) -> str:
    """A track's Downloads tab: its latest downloads, each linked, with their state, source and progress."""
    rows = [
        (reverse("admin:downloads_download_change", args=[d.pk]), d.get_state_display(), d.source,
         f"{d.progress}%", date_format(timezone.localtime(d.created_at), "DATETIME_FORMAT"))
        for d in Download.objects.filter(track=track).order_by("-created_at")[:20]
    ] if track.pk else []
    if not rows:
        return "Never downloaded."
    return html_table(
        "track-downloads", ("State", "From", "Done", "Asked"), rows,
        row='<tr><td><a class="crate-link" href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
    )


register_section("tracks.track", "downloads", track_downloads)
