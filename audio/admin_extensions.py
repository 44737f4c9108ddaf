"""What the music folder adds to other apps' admin pages (core.extensions):

- on tracks: the *Write tags into the files* action and the *Write tags* button on a track's page;
- on a track's save: the fields a person edited written into its file's tags.
"""

from __future__ import annotations

from audio.admin import WRITE_TAGS, tags_after_edit, write_tags
from core.extensions import register_action, register_object_tool, register_save_hook

register_action("tracks.track", write_tags, WRITE_TAGS)
register_object_tool("tracks.track", label="Write tags", icon="sell", url_name="admin:audio_write_tags",
                     permission=WRITE_TAGS)
register_save_hook("tracks.track", tags_after_edit)
