"""Tags: the catalogue into the files. A track's tags written into its file (`track_tags_write`), after a person's
edit of the track (`track_tags_after_edit`), and the job that writes a selection's (`tag_write_jobs_create`, run by
`audio.jobs.TagWriteHandler`).

How a file's tags are read and written (the formats, the names, the safe write) is `audio.tags`; this module
decides when and what to write, and records it on the track.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from audio import artwork, tags
from audio.models import TagWriteJob
from core.jobs import job_create
from tracks.models import Track

# What a person edits in the admin, and so what an edit writes into the file. Ids, the ISRC, the file's own
# fields and the timestamps are the providers' and the scans' to write.
EDITED_TAG_FIELDS = frozenset({
    "title", "version", "artists", "credit_name", "album", "album_artist", "label", "genre", "release_date",
    "track_number", "disc_number", "bpm", "key",
})


def track_tags_write(*, track: Track, with_artwork: bool = False, id3_version: int | None = None) -> Path:
    """Write the catalogue's tags (and, with_artwork, the best cover) into the track's file; return the file.

    A file changed on disk since it was last read (its size or time differ from the track's) is not
    overwritten. On failure the track is marked "tags out of date" with the reason, and TagWriteError
    is raised; the catalogue itself is never touched by a failed write.
    """
    if not track.file_path:
        raise tags.TagWriteError("the track has no file")
    expected = (
        tags.FileStamp(size=track.file_size, mtime_ns=track.file_mtime_ns)
        if track.file_size is not None and track.file_mtime_ns is not None else None
    )
    try:
        picture = artwork.artwork_for_track(track) if with_artwork else None
        tags.write_tags(track.file_path, tags.tag_values_for_track(track), artwork=picture,
                        id3_version=id3_version, expected=expected)
        stamp = tags.file_stamp(track.file_path)
    except tags.TagWriteError as exc:
        Track.objects.filter(pk=track.pk).update(tags_out_of_date=True, tags_error=exc.reason[:500])
        track.tags_out_of_date, track.tags_error = True, exc.reason[:500]
        raise
    now = timezone.now()
    changes = {
        "tags_out_of_date": False, "tags_error": "", "tags_written_at": now, "file_size": stamp.size,
        "file_mtime_ns": stamp.mtime_ns,
    }
    Track.objects.filter(pk=track.pk).update(**changes)
    for name, value in changes.items():
        setattr(track, name, value)
    return Path(track.file_path)


@dataclass(frozen=True)
class TagsAfterEdit:
    """What writing a person's edit into the file did: written, or why not (the edit itself is kept); in the
    background, the job that writes it."""

    written: bool
    error: str = ""
    job: TagWriteJob | None = None


# What a track's tags say (Track.tags_error) while the job an edit started has still to write them.
TAGS_WAITING = "its tag write job has not written the edit yet"


def track_tags_after_edit(
    *, track: Track, changed: Iterable[str] | None, in_background: bool = False, started_by: str = "",
) -> TagsAfterEdit | None:
    """After a person's edit of track, write the catalogue's tags into its file when a field the file holds changed;
    None when there is nothing to write (no file, or no such field changed). A failed write keeps the edit, marks
    the track "tags out of date" and says why.

    in_background (the admin): start a tag write job instead, marking the track's tags out of date until it has
    written them. The job is queued once the edit is committed; outside a transaction a broker that is down raises
    BrokerUnavailable here, inside one the job is left failed with the reason (the edit and the mark are kept)."""
    changed = list(changed or ())
    if not track.file_path or not changed or not set(changed) & EDITED_TAG_FIELDS:
        return None
    if in_background:
        Track.objects.filter(pk=track.pk).update(tags_out_of_date=True, tags_error=TAGS_WAITING)
        track.tags_out_of_date, track.tags_error = True, TAGS_WAITING
        job = tag_write_jobs_create(tracks=[track], started_by=started_by, with_artwork=False)
        return TagsAfterEdit(written=False, job=job)
    try:
        track_tags_write(track=track)
    except tags.TagWriteError as exc:
        return TagsAfterEdit(written=False, error=exc.reason)
    return TagsAfterEdit(written=True)


def tag_write_jobs_create(*, tracks: Sequence[Track], started_by: str = "", with_artwork: bool = True,
                          enqueue_now: bool = True) -> TagWriteJob | None:
    """Start one job writing the tags of the tracks that have a file; None when none has one."""
    with_files = [track for track in dict.fromkeys(tracks) if track.file_path]
    if not with_files:
        return None
    return job_create(
        model=TagWriteJob, items=[{"track": track} for track in with_files], started_by=started_by,
        with_artwork=with_artwork, enqueue_now=enqueue_now,
    )
