"""The music folder kept in step with the catalogue: files moved to where their tags say (after an edit, or all at
once), fingerprints computed for the duplicates, and the other copies of a duplicate set aside.

Every move is the shared base's filing (`common.files.move_into_place`): atomic, never overwriting (a name taken
by another file gets " (2)"), never deleting. The track's path is then updated (`tracks.services.track_file_moved`),
so the library, the crates and every export written afterwards point at the new place. Only files inside MUSIC_ROOT
are organised: a file elsewhere (a DJ's own folder, brought in from Rekordbox) stays where its owner put it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from audio import fingerprint
from audio.file_matching import track_fingerprint_store
from audio.probe import EXTENSIONS
from common.files import FilingFailed, move_into_place, numbered_names
from common.paths import UnsafePath
from core import jobs
from core.jobs import ItemOutcome
from crates import selectors
from crates.models import FileMoveItem, FileMoveJob, FileMoveKind, FingerprintItem, FingerprintJob
from downloads import files as filing
from library import services as library_services
from library.models import LibraryTrack
from tracks import services as track_services
from tracks.models import Track

# The fields DOWNLOAD_PATH_TEMPLATE may use: an edit of one of them may move the file.
PATH_FIELDS = frozenset({
    "title", "version", "artists", "credit_name", "album", "album_artist", "release_date", "label", "genre",
})


@dataclass(frozen=True)
class Move:
    """Where a track's file is, and where it belongs ("" when it stays, with why)."""

    track: Track
    source: str
    destination: str = ""
    reason: str = ""

    @property
    def moves(self) -> bool:
        return bool(self.destination)

    def as_dict(self) -> dict[str, str]:
        return {"track": str(self.track), "from": self.source, "to": self.destination, "why": self.reason}


def _extension(track: Track) -> str:
    suffix = Path(track.file_path).suffix.lstrip(".").lower()
    allowed = EXTENSIONS.get(track.file_format, ())
    return suffix if suffix in allowed or not allowed else allowed[0]


def track_move_plan(track: Track) -> Move:
    """Return where the track's file belongs under MUSIC_ROOT by DOWNLOAD_PATH_TEMPLATE, or why it stays."""
    source = track.file_path
    if not source:
        return Move(track, "", reason="no file")
    if track.file_missing or not os.path.isfile(source):
        return Move(track, source, reason="the file is not there (scan the music folder)")
    root = selectors.music_root()
    if not selectors.path_inside(source, root):
        return Move(track, source, reason="outside the music folder: left where it is")
    try:
        destination = filing.track_library_path(track, ext=_extension(track), root=root)
    except (ValueError, UnsafePath) as exc:
        return Move(track, source, reason=str(exc))
    here = Path(source)
    for candidate in numbered_names(destination):
        if candidate == here:
            return Move(track, source, reason="already where its tags say")
        if not os.path.lexists(candidate):
            break
    return Move(track, source, destination=str(destination))


def organise_plan(*, tracks: Iterable[Track]) -> list[Move]:
    """Return each track's move (or why it stays)."""
    return [track_move_plan(track) for track in tracks]


def tracks_with_files():
    return Track.objects.exclude(file_path="").filter(file_missing=False).defer(
        "metadata_sources", "audience", "file_fingerprint").order_by("file_path")


def organise_job_create(*, tracks: Iterable[Track], started_by: str = "", enqueue_now: bool = True
                        ) -> tuple[FileMoveJob | None, list[Move]]:
    """Start a job moving the files that are not where their tags say; return it (None when none must move) and
    the plan (every track, with where it goes or why it stays)."""
    plan = organise_plan(tracks=tracks)
    moving = [move for move in plan if move.moves]
    if not moving:
        return None, plan
    job = jobs.job_create(
        model=FileMoveJob, items=[{"track": move.track, "path": move.source} for move in moving],
        started_by=started_by, enqueue_now=enqueue_now, kind=FileMoveKind.ORGANISE,
    )
    return job, plan


def _prune_empty_folders(folder: Path, root: Path) -> None:
    """Remove folder and its parents while they are empty, up to (not including) root."""
    folder, root = folder.resolve(), root.resolve()
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()  # only an empty folder goes
        except OSError:
            return
        folder = folder.parent


def track_file_organise(*, track: Track) -> dict[str, str]:
    """Move the track's file to where its tags say it belongs, and record the new place; raise FilingFailed
    (the file left where it was) when it cannot be moved."""
    move = track_move_plan(track)
    if not move.moves:
        return {"status": "stays", "file": move.source, "why": move.reason}
    moved = move_into_place(move.source, move.destination)
    track_services.track_file_moved(track=track, path=str(moved))
    _prune_empty_folders(Path(move.source).parent, Path(selectors.music_root()))
    return {"status": "moved", "from": move.source, "to": str(moved)}


def track_file_after_edit(*, track: Track, changed: Sequence[str] | None) -> Move | None:
    """After a person's edit, return the move the file now needs (made at once with MUSIC_RENAME_ON_EDIT), or None
    when the edit touched no field of the path or the file is where it belongs. Raise FilingFailed if the move
    was tried and failed."""
    if not changed or not set(changed) & PATH_FIELDS or not track.file_path:
        return None
    move = track_move_plan(track)
    if not move.moves:
        return None
    if settings.MUSIC_RENAME_ON_EDIT:
        done = track_file_organise(track=track)
        return Move(track, move.source, destination=done.get("to", move.destination))
    return move


# --- Fingerprints -----------------------------------------------------------------------------------------------


def fingerprint_job_create(*, tracks: Iterable[Track] | None = None, started_by: str = "",
                           enqueue_now: bool = True) -> FingerprintJob | None:
    """Start a job fingerprinting the files that have no fingerprint (those given, else every one); None if none."""
    pending = selectors.tracks_to_fingerprint()
    if tracks is not None:
        pending = pending.filter(pk__in=[track.pk for track in tracks])
    ids = list(pending.values_list("pk", flat=True))
    if not ids:
        return None
    return jobs.job_create(model=FingerprintJob, items=[{"track_id": pk} for pk in ids], started_by=started_by,
                           enqueue_now=enqueue_now)


def _fingerprint(path: str) -> tuple[str, str] | str:
    """Return (fingerprint, brief) of the file, or why it could not be had."""
    if not os.path.isfile(path):
        return f"{path} is not there any more"
    try:
        items = fingerprint.fingerprint_raw(path)
    except fingerprint.FingerprintError as exc:
        return f"{path}: {exc}"
    return fingerprint.encode(items), fingerprint.profile(items)


def fingerprints_compute(items: Sequence[FingerprintItem], *, threads: int | None = None) -> dict[Any, ItemOutcome]:
    """Fingerprint the items' files side by side (fpcalc runs as its own process, one per core); return each
    item's outcome, whose write keeps the fingerprint on its track."""
    work = [(item, item.track.file_path if item.track else "") for item in items]
    with ThreadPoolExecutor(max_workers=threads or max(1, os.cpu_count() or 1)) as pool:
        found = list(pool.map(lambda pair: _fingerprint(pair[1]) if pair[1] else "the track has no file", work))
    outcomes: dict[Any, ItemOutcome] = {}
    for (item, path), result in zip(work, found, strict=True):
        if isinstance(result, str):
            outcomes[item.pk] = ItemOutcome(error=result)
            continue

        def write(item=item, path=path, result=result) -> dict[str, Any]:
            kept = track_fingerprint_store(track_id=item.track_id, path=path, fingerprint=result[0], key=result[1])
            return {"file": path, "kept": kept}

        outcomes[item.pk] = ItemOutcome(write=write)
    return outcomes


# --- Duplicates: keep the best, set the others aside ------------------------------------------------------------


def duplicates_dir() -> Path:
    """Return DUPLICATES_DIR; refuse one inside MUSIC_ROOT (a scan would bring the copies back)."""
    folder = Path(settings.DUPLICATES_DIR).expanduser()
    if selectors.path_inside(str(folder), selectors.music_root()):
        raise ImproperlyConfigured(
            f"DUPLICATES_DIR={str(folder)!r} is inside MUSIC_ROOT={selectors.music_root()!r}: the copies set aside "
            "would be scanned back into the library. Point it at a folder outside the music folder."
        )
    return folder


def set_aside_job_create(*, choices: Sequence[tuple[Track, Sequence[Track]]], started_by: str = "",
                         enqueue_now: bool = True) -> FileMoveJob | None:
    """Start a job moving, for each (kept track, its duplicates), the duplicates' files into DUPLICATES_DIR."""
    duplicates_dir()
    items = [
        {"track": other, "keep": keep, "path": other.file_path}
        for keep, others in choices for other in others if other.pk != keep.pk and other.file_path
    ]
    if not items:
        return None
    return jobs.job_create(model=FileMoveJob, items=items, started_by=started_by, enqueue_now=enqueue_now,
                           kind=FileMoveKind.SET_ASIDE)


def _aside_path(source: str) -> Path:
    """Return where a duplicate goes: its place under MUSIC_ROOT kept under DUPLICATES_DIR, so it can be found."""
    folder, root = duplicates_dir(), selectors.music_root()
    if selectors.path_inside(source, root):
        return folder / os.path.relpath(os.path.realpath(source), os.path.realpath(root))
    return folder / Path(source).name


def track_file_set_aside(*, track: Track, keep: Track | None) -> dict[str, Any]:
    """Move a duplicate's file into DUPLICATES_DIR (never deleting it) and fold its library entry into the kept
    track's: its sightings, want-list entry and crates move there. Raise FilingFailed when it cannot be moved."""
    source = track.file_path
    if not source:
        return {"status": "stays", "why": "no file"}
    moved = move_into_place(source, _aside_path(source))
    track_services.track_file_set(track=track, fields={
        "file_path": "", "file_format": "", "file_bitrate": None, "file_duration": None, "file_sample_rate": None,
        "file_bit_depth": None, "file_size": None, "file_mtime_ns": None, "file_missing": False,
        "file_fingerprint": "", "file_fingerprint_key": "",
    })
    _prune_empty_folders(Path(source).parent, Path(selectors.music_root()))
    merged = 0
    if keep is not None and keep.pk != track.pk:
        survivor, _ = library_services.library_track_ensure(track=keep)
        other = LibraryTrack.objects.filter(track=track).first()
        if other is not None:
            merged = library_services.library_tracks_merge(survivor=survivor, others=[other])
    return {"status": "set aside", "from": source, "to": str(moved), "merged": merged}


def file_move_item(*, job: FileMoveJob, item: FileMoveItem) -> ItemOutcome:
    """Move one item's file (organise, or set a duplicate aside); the catalogue is written with the item."""
    if item.track is None:
        return ItemOutcome(result={"status": "skipped", "why": "the track was deleted"})
    if item.track.file_path != item.path:
        return ItemOutcome(result={"status": "skipped",
                                   "why": f"the file moved since (now {item.track.file_path or 'none'})"})
    try:
        if job.kind == FileMoveKind.SET_ASIDE:
            result = track_file_set_aside(track=item.track, keep=item.keep)
        else:
            result = track_file_organise(track=item.track)
    except FilingFailed as exc:
        return ItemOutcome(error=f"{item.path}: {exc.reason}")
    except ImproperlyConfigured as exc:
        return ItemOutcome(error=str(exc))
    return ItemOutcome(result=result)


def moves_done(*, job: FileMoveJob) -> list[dict[str, Any]]:
    """Return what the job moved: from, to, for each file moved."""
    rows = FileMoveItem.objects.filter(job=job).order_by("position").values_list("result", flat=True)
    return [row for row in rows if isinstance(row, dict) and row.get("to")]
