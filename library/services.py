"""Where the library's writes live, for the callers outside the library that import them from here.

This module holds nothing of its own: it re-exports what the other apps (audio, crates, wantlist), the API and the
benches call, each name from the module that holds it; new code imports from that module.

- `library.tracklists`: tracklists and their lines (made from text or a file, their lines set again keeping what
  was done). Re-exported: TRACKLIST_MAX_BYTES, TRACKLIST_MAX_TEXT, TracklistError, tracklist_create,
  tracklists_import.
- `library.discovery_jobs`: identification started as a job. Re-exported: discovery_jobs_create,
  tracklist_discover.
- `library.identification`: identifying lines (query, search, decision, the writes on the line, the candidates
  kept), a library track identified again, new tracks enriched. Re-exported: query_of, candidate_dict, line_link,
  library_track_identify.
- `library.review`: the review queue. Re-exported: discovery_accept, discovery_mark_unidentifiable,
  discovery_search_again.
- `library.entries`: the one writer of LibraryTrack (added, provisional, sure or doubted, notes, sightings, merges).
  Re-exported: library_track_ensure, library_tracks_ensure, library_track_provisional_create, library_track_confirm,
  library_track_doubt, library_track_note_add, library_tracks_merge.
"""

from __future__ import annotations

from library.discovery_jobs import discovery_jobs_create, tracklist_discover
from library.entries import (
    library_track_confirm,
    library_track_doubt,
    library_track_ensure,
    library_track_note_add,
    library_track_provisional_create,
    library_tracks_ensure,
    library_tracks_merge,
)
from library.identification import candidate_dict, library_track_identify, line_link, query_of
from library.review import discovery_accept, discovery_mark_unidentifiable, discovery_search_again
from library.tracklists import (
    TRACKLIST_MAX_BYTES,
    TRACKLIST_MAX_TEXT,
    TracklistError,
    tracklist_create,
    tracklists_import,
)

__all__ = [
    "TRACKLIST_MAX_BYTES",
    "TRACKLIST_MAX_TEXT",
    "TracklistError",
    "candidate_dict",
    "discovery_accept",
    "discovery_jobs_create",
    "discovery_mark_unidentifiable",
    "discovery_search_again",
    "library_track_confirm",
    "library_track_doubt",
    "library_track_ensure",
    "library_track_identify",
    "library_track_note_add",
    "library_track_provisional_create",
    "library_tracks_ensure",
    "library_tracks_merge",
    "line_link",
    "query_of",
    "tracklist_create",
    "tracklist_discover",
    "tracklists_import",
]
