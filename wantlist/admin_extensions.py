"""What the want list adds to other apps' admin pages (core.extensions):

- on tracks, library tracks and tracklist lines (the review queue too): the *Add to the want list* action, and an
  *Add to want list* button on a track's and a line's page;
- on a track's page: the want-list state in its *Discoveries* tab;
- the dashboard's count of wanted tracks.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html

from core import dashboard
from core.extensions import register_action, register_object_tool, register_section
from wantlist.admin import WANT, add_library_tracks_to_want_list, add_lines_to_want_list, add_tracks_to_want_list
from wantlist.models import WantList, WantStatus

register_action("library.librarytrack", add_library_tracks_to_want_list, WANT)
register_action("tracks.track", add_tracks_to_want_list, WANT)
register_action("library.trackdiscovery", add_lines_to_want_list, WANT)
register_action("library.linetoreview", add_lines_to_want_list, WANT)
register_object_tool("library.trackdiscovery", label="Add to want list", icon="bookmark_add",
                     url_name="admin:wantlist_add_line", permission=WANT)
register_object_tool("tracks.track", label="Add to want list", icon="bookmark_add",
                     url_name="admin:wantlist_add_track", permission=WANT)


def track_want_state(track) -> str:
    """A track's want-list state, linked, for its page."""
    want = WantList.objects.filter(library_track__track=track).first() if track.pk else None
    if want is None:
        return "Not on the want list."
    return format_html(
        '<a class="crate-link" href="{}">{}</a>, priority {}',
        reverse("admin:wantlist_wantlist_change", args=[want.pk]), want.get_status_display(), want.priority,
    )


register_section("tracks.track", "want_state", track_want_state)

dashboard.register_count(
    "Wanted", WantList, lambda: WantList.objects.filter(status=WantStatus.WANTED).count(),
    "admin:wantlist_wantlist_changelist",
)
