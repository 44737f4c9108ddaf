"""A scan of the music folder into the library: the job, its listing, its chunks of files, and their writes.

A scan is a ScanJob on the job engine (`scan_job_create`; run by `audio.jobs.ScanHandler`). Its first item lists the
folder (`scan_walk`, through audio.scan.walk), flags the tracks whose file is gone (file_missing, never deleted) and
adds one item per chunk of about SCAN_CHUNK files. A chunk item (`scan_files`) stats its files, skips those whose
size and mtime_ns equal the track's (one query for the chunk), reads the others (stream properties and tags),
matches each to a track and writes them in bulk (`files_record`). It then adds an item per file whose tags say too
little (an AcoustID look-up: audio.identify) and per track without BPM or key (an analysis: audio.analysing), so the
slow work never holds up the chunks and fails, waits or is retried on its own.

How a file is matched to a track (or becomes a new one) is audio.file_matching. Every track with a file has a
library entry. What a scan found, for its page and the command, is audio.selectors.scan_summary.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import F, Max
from django.utils import timezone

from audio import scan
from audio.file_matching import (
    FileFacts,
    _Catalogue,
    _file_clear,
    _track_new,
    _track_update,
    facts_of,
)
from audio.identify import acoustid_ready
from audio.models import ScanItemKind, ScanJob, ScanJobItem
from audio.probe import AudioError
from common.text import count_text
from core import jobs
from core.jobs import ItemOutcome
from core.models import ACTIVE_STATUSES
from library import services as library_services
from tracks import services as track_services
from tracks.models import Track

logger = logging.getLogger(__name__)


# Files listed by name on the job page per item (problems, missing files); the rest are counted.
LISTED_PER_ITEM = 200


class ScanError(scan.ScanError):
    """A scan that cannot start; the message is for a person."""


class ScanAlreadyRunning(ScanError):
    def __init__(self, job: ScanJob):
        self.job = job
        super().__init__(f"A scan of {job.root} is already under way; wait for it to finish or cancel it.")


def scan_job_create(
    *, root: str | None = None, analyse: bool = True, started_by: str = "", enqueue_now: bool = True,
) -> ScanJob:
    """Start a scan of root (MUSIC_ROOT by default); raise ScanError if it is not a readable folder or is being scanned.

    Raise BrokerUnavailable (the job left FAILED with the reason) if it cannot be queued.
    """
    try:
        folder = scan.folder_checked(settings.MUSIC_ROOT if root is None else root)
    except scan.ScanError as exc:
        raise ScanError(str(exc)) from None
    running = ScanJob.objects.filter(root=folder, status__in=ACTIVE_STATUSES).first()
    if running is not None:
        raise ScanAlreadyRunning(running)
    return jobs.job_create(
        model=ScanJob, items=[{"kind": ScanItemKind.WALK}], started_by=started_by, enqueue_now=enqueue_now,
        root=folder, analyse=analyse,
    )


def _items_append(job_id, rows: list[dict[str, Any]]) -> None:
    """Add items at the end of a running scan (the run that writes is the only one: positions cannot clash)."""
    if not rows:
        return
    last = ScanJobItem.objects.filter(job_id=job_id).aggregate(last=Max("position"))["last"] or 0
    ScanJobItem.objects.bulk_create(
        [ScanJobItem(job_id=job_id, position=last + 1 + index, **row) for index, row in enumerate(rows)],
        batch_size=1000,
    )
    ScanJob.objects.filter(pk=job_id).update(total=F("total") + len(rows))


def _problem(path: str, outcome: str, reason: str) -> dict[str, str]:
    return {"file": path, "outcome": outcome, "reason": reason}


# --- The listing ----------------------------------------------------------------------------------------------------


def scan_walk(*, job: ScanJob) -> ItemOutcome:
    """List the folder: queue its files in chunks, and flag the tracks whose file is no longer there."""
    root = job.root
    if not os.path.isdir(root):
        # A disconnected drive must not flag the whole library missing: nothing is written.
        return ItemOutcome(error=f"The folder {root} is not there any more (a drive disconnected?); "
                           "nothing was marked missing.")
    seen: set[str] = set()
    unseen: list[str] = []  # folders and links the listing could not (or would not) enter
    problems: list[dict[str, str]] = []
    tally = Counter()

    def listings():
        for listing in scan.walk(root):
            tally["folders"] += 1
            tally["files"] += len(listing.names)
            seen.update(os.path.join(listing.folder, name) for name in listing.names)
            problems.extend(_problem(skipped.path, "skipped", skipped.reason) for skipped in listing.skipped)
            unseen.extend(skipped.path for skipped in listing.skipped)
            yield listing

    try:
        rows = [{"kind": ScanItemKind.FILES, "segments": segments} for segments in scan.chunks(listings())]
    except scan.ScanError as exc:
        return ItemOutcome(error=str(exc))

    def write() -> dict[str, Any]:
        _items_append(job.pk, rows)
        missing = _missing_flag(root, seen, unseen)
        listed = problems[:LISTED_PER_ITEM] + [
            _problem(path, "missing", "not in the folder any more") for path in missing[:LISTED_PER_ITEM]
        ]
        return {
            "counts": {"missing": len(missing)}, "folders": tally["folders"], "files": tally["files"],
            "chunks": len(rows), "skipped": len(problems), "problems": listed,
        }

    return ItemOutcome(write=write)


def _missing_flag(root: str, seen: set[str], unseen: Iterable[str] = ()) -> list[str]:
    """Flag the tracks under root whose file the listing did not find; return their paths.

    A file under a folder the listing could not read (or a link it did not follow) was not looked for,
    so it is not called missing: an unreadable share must not flag everything in it.
    """
    prefix = root.rstrip(os.sep) + os.sep
    blind = tuple(path.rstrip(os.sep) for path in unseen)
    known = Track.objects.filter(file_path__startswith=prefix, file_missing=False).values_list("pk", "file_path")
    gone = [
        (pk, path) for pk, path in known.iterator(chunk_size=5000)
        if path not in seen and not any(path == b or path.startswith(b + os.sep) for b in blind)
    ]
    now = timezone.now()
    for start in range(0, len(gone), 1000):
        Track.objects.filter(pk__in=[pk for pk, _ in gone[start:start + 1000]]).update(
            file_missing=True, updated_at=now)
    return [path for _, path in gone]


# --- A chunk of files -----------------------------------------------------------------------------------------------


@dataclass
class Known:
    pk: Any
    size: int | None
    mtime_ns: int | None
    missing: bool


def _known_files(paths: list[str]) -> dict[str, Known]:
    """Return what the catalogue knows of these paths' files: one query per thousand paths."""
    known: dict[str, Known] = {}
    for start in range(0, len(paths), 1000):
        rows = Track.objects.filter(file_path__in=paths[start:start + 1000]).values_list(
            "file_path", "pk", "file_size", "file_mtime_ns", "file_missing",
        )
        for path, pk, size, mtime_ns, missing in rows:
            known.setdefault(path, Known(pk, size, mtime_ns, missing))
    return known


def scan_files(*, job: ScanJob, item: ScanJobItem) -> ItemOutcome:
    """Read the chunk's new and changed files (the others are skipped by size and mtime) and record them."""
    now = timezone.now()
    entries, skipped = scan.chunk_entries(item.segments or [], job.root)
    counts: Counter = Counter()
    problems = [_problem(each.path, "skipped", each.reason) for each in skipped]
    known = _known_files([entry.path for entry in entries if entry.is_audio_name and not entry.error])
    facts: list[FileFacts] = []
    found_again = []
    for entry in entries:
        if not entry.is_audio_name:
            counts["not_audio"] += 1
            extension = scan.extension_of(entry.path)
            problems.append(_problem(
                entry.path, "not_audio",
                f"not an audio file (.{extension} files are not read)" if extension
                else "not an audio file (no extension)",
            ))
            continue
        if entry.error:
            counts["unreadable"] += 1
            problems.append(_problem(entry.path, "unreadable", entry.error))
            continue
        before = known.get(entry.path)
        if before is not None and before.size == entry.size and before.mtime_ns == entry.mtime_ns:
            if before.missing:
                found_again.append(before.pk)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
            continue
        try:
            read = scan.read_file(entry.path)
        except AudioError as exc:
            counts["unreadable"] += 1
            problems.append(_problem(entry.path, "unreadable", str(exc)))
            continue
        facts.append(facts_of(entry, read, now))

    def write() -> dict[str, Any]:
        recorded = files_record(job=job, facts=facts, found_again=found_again, now=now)
        counts.update(recorded.counts)
        listed = (problems + recorded.problems)[:LISTED_PER_ITEM]
        result: dict[str, Any] = {"counts": dict(counts), "problems": listed, "files": len(entries)}
        if len(problems) + len(recorded.problems) > LISTED_PER_ITEM:
            result["problems_not_listed"] = len(problems) + len(recorded.problems) - LISTED_PER_ITEM
        if recorded.notes:
            result["notes"] = recorded.notes
        return result

    return ItemOutcome(write=write)


@dataclass
class Recorded:
    counts: Counter = field(default_factory=Counter)
    problems: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def files_record(*, job: ScanJob, facts: list[FileFacts], found_again: Iterable = (), now=None) -> Recorded:
    """Match each file to a track (or make one), write them in bulk, and queue the look-ups and analyses they need."""
    now = now or timezone.now()
    recorded = Recorded()
    found_again = list(found_again)
    if found_again:
        Track.objects.filter(pk__in=found_again).update(file_missing=False, updated_at=now)
    if not facts:
        return recorded
    catalogue = _Catalogue(facts)
    claimed: set = set()
    new_tracks: list[Track] = []
    changed: dict[Any, Track] = {}
    changed_fields: set[str] = set()
    follow_ups: list[dict[str, Any]] = []
    too_few = 0
    acoustid_off = acoustid_ready()
    for each in facts:
        track, how = catalogue.match(each, claimed)
        if how == "duplicate":
            recorded.counts["duplicate"] += 1
            recorded.problems.append(_problem(
                each.path, "duplicate",
                f"another copy of “{track}” (its file: {track.file_path or 'this scan'}); not added",
            ))
            continue
        owner = catalogue.by_path.get(each.path)
        if owner is not None and (track is None or owner.pk != track.pk) and owner.pk not in claimed:
            changed_fields |= _file_clear(owner)  # the file at this path is now another recording
            changed[owner.pk] = owner
        if track is None:
            track = _track_new(each, now)
            new_tracks.append(track)
            catalogue.add(track)
            recorded.counts["new"] += 1
        else:
            changed_fields |= _track_update(track, each, now)
            changed[track.pk] = track
            catalogue.add(track)
            recorded.counts["updated"] += 1
        claimed.add(track.pk)
        if each.too_few_tags and not track.musicbrainz_recording_id:
            too_few += 1
            if not acoustid_off:
                follow_ups.append({"kind": ScanItemKind.IDENTIFY, "path": each.path, "track_id": track.pk})
        if job.analyse and (track.bpm is None or not track.key):
            follow_ups.append({"kind": ScanItemKind.ANALYSE, "path": each.path, "track_id": track.pk})
    track_services.tracks_from_files_create(tracks=new_tracks)
    if changed:
        for track in changed.values():
            track.updated_at = now
        Track.objects.bulk_update(list(changed.values()),
                                  fields=sorted(changed_fields | {"updated_at"}), batch_size=500)
    # Every track with a file is in the library: provisional until a MusicBrainz id says which recording it is.
    library_services.library_tracks_ensure(
        provisional={pk: not catalogue.by_pk[pk].musicbrainz_recording_id for pk in claimed},
    )
    # Look-ups first: an identified track may then get its BPM and key from the analysis that follows.
    follow_ups.sort(key=lambda row: row["kind"] != ScanItemKind.IDENTIFY)
    _items_append(job.pk, follow_ups)
    if too_few and acoustid_off:
        recorded.notes.append(
            f"{count_text(too_few, 'file')} {'has' if too_few == 1 else 'have'} no title or no artist in their tags "
            f"and {'was' if too_few == 1 else 'were'} added under their file name. "
            f"The look-up by sound (AcoustID) was skipped: {acoustid_off}."
        )
    return recorded
