"""What the music folder adds to other apps' admin pages (core.extensions):

- on tracks: the *Write tags into the files* action and the *Write tags* button on a track's page;
- on a track's save: a job writing the fields a person edited into its file's tags;
- on a track's page, while its tags are out of date: the tag write job under way that will write them.
"""

from __future__ import annotations

from django.utils.html import format_html

from audio import selectors
from audio.admin import WRITE_TAGS, tags_after_edit, write_tags
from core.admin import job_link
from core.extensions import register_action, register_object_tool, register_save_hook, register_section

register_action("tracks.track", write_tags, WRITE_TAGS)
register_object_tool("tracks.track", label="Write tags", icon="sell", url_name="admin:audio_write_tags",
                     permission=WRITE_TAGS)
register_save_hook("tracks.track", tags_after_edit)


def track_tags_waiting(track) -> str:
    """The tag write job that has still to write a track's tags, linked; "" when none is under way."""
    job = selectors.tag_write_job_under_way(track=track) if track.pk else None
    return format_html("Out of date until its tag write job has run: {}.", job_link(job)) if job else ""


register_section("tracks.track", "tags_waiting", track_tags_waiting)
