"""What crates add to other apps' admin pages (core.extensions):

- on tracks, library tracks, want-list entries and tracklist lines: *Add to crate…*;
- on tracks and library tracks: *Organise files* (move them to where their tags say);
- on tracklists: *Make a crate of each*, and *Export as …* (Rekordbox, Traktor, M3U8) on library tracks and
  tracklists;
- on a track's save: its file moved to where its new tags say (offered, or done with MUSIC_RENAME_ON_EDIT).
"""

from __future__ import annotations

from core.extensions import register_action, register_save_hook
from crates.admin_actions import (
    ADD_CRATES,
    CHANGE_CRATES,
    MOVE_FILES,
    add_to_crate,
    crates_from_tracklists,
    export_action,
    organise_library_tracks,
    organise_tracks,
    rename_after_edit,
)
from crates.djformats import FORMATS

for label in ("tracks.track", "library.librarytrack", "wantlist.wantlist", "library.trackdiscovery",
              "library.linetoreview"):
    register_action(label, add_to_crate, CHANGE_CRATES)
register_action("tracks.track", organise_tracks, MOVE_FILES)
register_action("library.librarytrack", organise_library_tracks, MOVE_FILES)
register_action("library.tracklist", crates_from_tracklists, ADD_CRATES)
for fmt in FORMATS:
    register_action("library.librarytrack", export_action(fmt, of="librarytrack"), "library.view_librarytrack")
    register_action("library.tracklist", export_action(fmt, of="tracklist"), "library.view_tracklist")
register_save_hook("tracks.track", rename_after_edit)
