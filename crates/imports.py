"""A Rekordbox collection brought in: its tracks become (or update) catalogue tracks and library tracks, its
playlists crates.

`rekordbox_import_job_create` reads the XML once (a broken file is refused whole, saying where it breaks) and
starts a job of one item per TRACK and a last one for the playlists. Each track, on its own (one that fails
never stops the others):

1. its file: the Location read as a path, MUSIC_ROOT put back where the DJ's computer has it (DJ_MUSIC_ROOT);
   a file that is here is read (format, bitrate, length, and the ISRC and MusicBrainz id in its tags); one
   that is not is named, as missing or as a path on another machine, and the track still comes in;
2. its catalogue track, found as everywhere: by the file's path, then by its MusicBrainz id or ISRC (the same
   version only), then by artist, title and version (`matching.decide`, which never takes a remix for its
   original); else a new track;
3. its values: BPM, key and rating set in Rekordbox are a person's (recorded as "manual": no provider
   overwrites them); genre, label, album, year and the rest fill what the catalogue lacks (source "rekordbox");
   its comment joins the library track's notes.
The playlists then become crates (the folders kept), holding the tracks in the playlist's order.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.utils import timezone

import matching
from audio import scan
from audio.file_matching import track_file_fields
from audio.probe import AudioError
from common import dates
from core import jobs
from core.jobs import ItemOutcome
from crates import selectors
from crates import services as crate_services
from crates.djformats import rekordbox
from crates.djformats.common import FormatError, is_windows_path, path_from_dj
from crates.models import FOLDER_SEPARATOR, ImportItemKind, RekordboxImportItem, RekordboxImportJob
from library import services as library_services
from providers.base import normalise_isrc
from tracks import keys, metadata
from tracks import services as track_services
from tracks.models import PROVIDER_ID_FIELDS, Track

SOURCE = "rekordbox"
# What Rekordbox gives that is a person's own: never replaced by a provider.
PERSON_FIELDS = ("bpm", "key", "rating")
MBID_LENGTH = 36


class ImportRefused(ValueError):
    """A collection that cannot be imported at all (not XML, not Rekordbox's); the message is for a person."""


def rekordbox_import_job_create(*, source, source_name: str, started_by: str = "",
                                enqueue_now: bool = True) -> RekordboxImportJob:
    """Read a Rekordbox XML collection (a path or a binary file) and start the job that brings it in.

    Raise ImportRefused, saying why, when it is no Rekordbox collection or its XML is broken; and
    BrokerUnavailable (the job left FAILED) when it cannot be queued."""
    try:
        collection = rekordbox.read(source)
    except FormatError as exc:
        raise ImportRefused(f"{source_name} cannot be imported: {exc}.") from None
    if not collection.tracks and not collection.playlists:
        raise ImportRefused(f"{source_name} holds no tracks and no playlists: there is nothing to import.")
    items: list[dict[str, Any]] = [
        {"kind": ImportItemKind.TRACK, "key": track.track_id[:1000], "data": track.as_dict()}
        for track in collection.tracks
    ]
    if collection.playlists:
        items.append({"kind": ImportItemKind.PLAYLISTS, "data": {"playlists": [
            {"name": playlist.name, "folders": list(playlist.folders), "by_location": playlist.by_location,
             "keys": list(playlist.keys)} for playlist in collection.playlists
        ]}})
    return jobs.job_create(
        model=RekordboxImportJob, items=items, started_by=started_by, enqueue_now=enqueue_now,
        source_name=os.path.basename(source_name)[:300], product=collection.product[:100],
    )


# --- One track ----------------------------------------------------------------------------------------------------


def local_path(path: str) -> str:
    """Return where this machine finds a file the collection names (DJ_MUSIC_ROOT put back to MUSIC_ROOT)."""
    return path_from_dj(path, music_root=selectors.music_root(), dj_music_root=settings.DJ_MUSIC_ROOT)


def _absent_reason(path: str) -> tuple[str, str]:
    """Return (outcome, why) for a file that is not here: on another machine, or missing."""
    if is_windows_path(path) and os.name != "nt":
        return "other_machine", (f"{path} is a path on another computer (Windows); "
                                 "set DJ_MUSIC_ROOT to map its music folder")
    folder = os.path.dirname(path)
    while folder and folder != os.path.dirname(folder) and not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    if folder in ("", os.sep):
        return "other_machine", (f"{path} is a path on another computer (no such folder here); "
                                 "set DJ_MUSIC_ROOT to map its music folder")
    return "missing", f"{path} is not there (the file was moved or deleted)"


def _values(entry: rekordbox.RekordboxTrack, tags, duration: float | None) -> dict[str, Any]:
    name, mix = (entry.name or "").strip(), " ".join((entry.mix or "").split())
    if mix and name.lower().endswith(f"({mix.lower()})"):
        name = name[: -len(mix) - 2].rstrip()  # Rekordbox's Name often holds the Mix too: "Glue (Hammer Remix)"
    title, version, remixers = metadata.title_parts(name, mix)
    if entry.remixer:
        remixers = list(matching.split_artists(entry.remixer)) or remixers
    artists = list(matching.split_artists(entry.artist)) if entry.artist else []
    code = keys.camelot(entry.tonality) if entry.tonality else None
    values: dict[str, Any] = {
        "title": title, "version": version, "remixers": remixers, "artists": artists, "credit_name": entry.artist,
        "album": entry.album, "genre": entry.genre, "label": entry.label, "bpm": entry.bpm,
        "key": keys.musical(code) if code else "",
        "track_number": entry.track_number if (entry.track_number or 0) < 32768 else None,
        "disc_number": entry.disc_number if (entry.disc_number or 0) < 32768 else None,
        "duration": round(duration) if duration else entry.total_time, "rating": entry.rating or None,
    }
    if entry.year and 1000 <= entry.year <= 9999:
        values["release_date"] = dates.ReleaseDate(entry.year, precision=dates.YEAR)
    if tags is not None:
        isrc = normalise_isrc(tags.isrc or "")
        if len(isrc) == 12 and isrc.isalnum():
            values["isrc"] = isrc
        mbid = (tags.musicbrainz_recording_id or "").strip().lower()
        if len(mbid) == MBID_LENGTH:
            values["musicbrainz_recording_id"] = mbid
    return values


def _live_file(track: Track) -> bool:
    return bool(track.file_path) and not track.file_missing and os.path.exists(track.file_path)


def _match(values: dict[str, Any], path: str) -> tuple[Track | None, str]:
    """Return the catalogue's track for an imported one, and how it was found; (None, "") for a new one."""
    if path:
        found = Track.objects.filter(file_path=path).first()
        if found is not None:
            return found, "file path"
    recording = matching.Recording(
        title=values.get("title", ""), version=values.get("version", ""), artists=tuple(values.get("artists") or ()),
        duration=values.get("duration"), isrc=values.get("isrc", ""),
    )
    if values.get("musicbrainz_recording_id"):
        found = Track.objects.filter(musicbrainz_recording_id=values["musicbrainz_recording_id"]).first()
        if found is not None:
            return found, "MusicBrainz id"
    if values.get("isrc"):
        for found in Track.objects.filter(isrc=values["isrc"])[:10]:
            if matching.same_recording(metadata.recording_of(found), recording):
                return found, "ISRC"
    if recording.title and recording.artists:
        candidates = list(Track.objects.filter(title__iexact=recording.title)[:50])
        if candidates:
            decision = matching.decide(recording, [metadata.recording_of(track) for track in candidates])
            if decision.outcome == matching.Outcome.ACCEPT:
                return candidates[decision.index], "artist, title and version"
    return None, ""


def rekordbox_track_import(*, job: RekordboxImportJob, item: RekordboxImportItem) -> ItemOutcome:
    """Bring one track of the collection in; its file is read here, the catalogue written in the job's transaction."""
    entry = rekordbox.RekordboxTrack.from_dict(item.data)
    notes = list(entry.problems)
    path = local_path(entry.path) if entry.path else ""
    file_fields, tags, outcome = None, None, "linked"
    if not path:
        outcome = "no_file"
        notes.append("the collection gives no file for it")
    elif not os.path.isfile(path):
        outcome, why = _absent_reason(path)
        notes.append(why)
    else:
        try:
            read = scan.read_file(path)
        except AudioError as exc:
            outcome = "unreadable"
            notes.append(f"{path} cannot be read: {exc}")
        else:
            tags = read.tags
            status = os.stat(path)
            file_fields = track_file_fields(path=path, info=read.info, size=status.st_size,
                                            mtime_ns=status.st_mtime_ns, read_at=timezone.now())
    values = _values(entry, tags, file_fields["file_duration"] if file_fields else None)

    def write() -> dict[str, Any]:
        track, how = _match(values, path if file_fields else "")
        if track is None:
            track = track_services.track_create(
                values={name: value for name, value in values.items() if name != "rating"}, source=SOURCE,
                person_fields=PERSON_FIELDS,
            )
            changed, status = [], "new"
        else:
            changed = track_services.track_values_merge(
                track=track, values={name: value for name, value in values.items() if name != "rating"},
                source=SOURCE, person_fields=PERSON_FIELDS,
            )
            status = "updated" if changed else "unchanged"
        if values.get("rating") is not None and track.rating != values["rating"]:
            track_services.track_rating_set(track=track, rating=values["rating"])
            status = "updated" if status == "unchanged" else status
        file_outcome = outcome
        if file_fields is not None:
            if track.file_path != path and _live_file(track):
                file_outcome = "duplicate"
                notes.append(f"{path} is a second copy: the catalogue has this recording at {track.file_path}")
            elif any(getattr(track, name) != value for name, value in file_fields.items()
                     if name not in ("file_scanned_at",)):
                track_services.track_file_set(track=track, fields=file_fields)
        provisional = not any(getattr(track, name) for name in PROVIDER_ID_FIELDS)
        library_track, added = library_services.library_track_ensure(track=track, provisional=provisional)
        if entry.comments.strip():
            library_services.library_track_note_add(library_track=library_track, note=entry.comments)
        RekordboxImportItem.objects.filter(pk=item.pk).update(library_track=library_track)
        return {
            "status": status, "how": how, "track": str(track.pk), "library_track": str(library_track.pk),
            "added_to_library": added, "file": file_outcome, "changed": changed, "notes": notes,
            "title": str(track)[:300],
        }

    return ItemOutcome(write=write)


# --- The playlists ------------------------------------------------------------------------------------------------


def _folder_name(name: str) -> str:
    # A folder name holding our separator would read as two folders.
    return " ".join(name.replace(FOLDER_SEPARATOR, "-").split())


def rekordbox_playlists_import(*, job: RekordboxImportJob, item: RekordboxImportItem) -> ItemOutcome:
    """Make each playlist of the collection a crate (in its folders), holding its tracks in its order."""
    by_key: dict[str, Any] = {}
    by_location: dict[str, Any] = {}
    rows = RekordboxImportItem.objects.filter(job=job, kind=ImportItemKind.TRACK, library_track__isnull=False)
    for key, data, library_track_id in rows.values_list("key", "data", "library_track_id").iterator(chunk_size=2000):
        by_key[key] = library_track_id
        if isinstance(data, dict) and data.get("location"):
            by_location[data["location"]] = library_track_id
    playlists = (item.data or {}).get("playlists") or []

    def write() -> dict[str, Any]:
        made = []
        for playlist in playlists:
            found = by_location if playlist.get("by_location") else by_key
            keys_ = playlist.get("keys") or []
            members = [found[key] for key in keys_ if key in found]
            folder = FOLDER_SEPARATOR.join(_folder_name(part) for part in playlist.get("folders") or () if part)
            crate, created = crate_services.crate_for_name(name=playlist.get("name") or "Untitled playlist",
                                                           folder=folder)
            if crate.is_smart:
                crate, created = crate_services.crate_for_name(name=f"{crate.name} (Rekordbox)", folder=folder)
            crate_services.crate_tracks_set(crate=crate, library_tracks=members)
            made.append({"crate": str(crate), "id": str(crate.pk), "created": created, "tracks": len(members),
                         "not_found": len(keys_) - len(members)})
        return {"crates": made}

    return ItemOutcome(write=write)


# --- What the job's page shows ----------------------------------------------------------------------------------

OUTCOMES = {"new": "new tracks", "updated": "updated", "unchanged": "unchanged"}
FILE_OUTCOMES = {
    "linked": "files found", "missing": "files missing", "other_machine": "paths on another computer",
    "unreadable": "files unreadable", "duplicate": "second copies", "no_file": "without a file",
}


def import_summary(*, job: RekordboxImportJob, notes_limit: int = 500) -> dict[str, Any]:
    """Return the import's counts, the tracks with something to say (a missing file, a bad value), and its crates."""
    counts = {label: 0 for label in (*OUTCOMES.values(), *FILE_OUTCOMES.values())}
    noted: list[dict[str, Any]] = []
    crates: list[dict[str, Any]] = []
    rows = (RekordboxImportItem.objects.filter(job=job).order_by("position")
            .values_list("kind", "result", "data", "error", "status"))
    for kind, result, data, error, status in rows.iterator(chunk_size=2000):
        result = result if isinstance(result, dict) else {}
        if kind == ImportItemKind.PLAYLISTS:
            crates.extend(result.get("crates") or [])
            continue
        if result.get("status") in OUTCOMES:
            counts[OUTCOMES[result["status"]]] += 1
        if result.get("file") in FILE_OUTCOMES:
            counts[FILE_OUTCOMES[result["file"]]] += 1
        if (result.get("notes") or error) and len(noted) < notes_limit:
            name = result.get("title") or " - ".join(filter(None, (data.get("artist"), data.get("name"))))
            noted.append({"track": name or data.get("path") or "?", "notes": result.get("notes") or [error],
                          "failed": status == RekordboxImportItem.Status.FAILED, "track_id": result.get("track")})
    return {"counts": {label: count for label, count in counts.items() if count}, "noted": noted, "crates": crates}

