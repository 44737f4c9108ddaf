"""Reads for crates and DJ software: a crate's tracks in order, a saved filter's tracks, what an export holds, the
files that still need a fingerprint, and the duplicates found by sound."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from audio import fingerprint
from common.text import bpm_text
from core.models import ACTIVE_STATUSES
from crates.models import Crate, ExportJob, FingerprintJob, ImportItemKind, RekordboxImportJob
from library.models import LibraryTrack, TrackDiscovery, Tracklist
from matching.weights import DURATION_TOLERANCE, PROFILE_CLOSE
from tracks import keys
from tracks.genres import normalise_genre
from tracks.models import Track

# Track fields an export never reads (JSON and fingerprints that can outweigh the row).
UNREAD_TRACK_FIELDS = ("metadata_sources", "audience", "file_fingerprint")
# What a saved filter may say; the crate's form and `crate_rule_clean` check each.
RULE_FIELDS = ("genres", "labels", "bpm_from", "bpm_to", "key", "key_compatible", "year_from", "year_to",
               "want_status", "with_file")
LOSSLESS_FORMATS = frozenset({"flac", "wav", "aiff", "alac"})


def crate_library_tracks(crate: Crate) -> QuerySet[LibraryTrack]:
    """Return a crate's library tracks in its order (each with its track)."""
    return (LibraryTrack.objects.filter(crate_entries__crate=crate).select_related("track")
            .defer(*(f"track__{name}" for name in UNREAD_TRACK_FIELDS)).order_by("crate_entries__position"))


def rule_library_tracks(rule: dict[str, Any]) -> QuerySet[LibraryTrack]:
    """Return the library tracks a saved filter takes, ordered as a DJ digs: by BPM, then round the key wheel."""
    queryset = LibraryTrack.objects.select_related("track")
    genres = [normalise_genre(genre) for genre in rule.get("genres") or () if genre]
    if genres:
        queryset = queryset.filter(track__genre__in=genres)
    labels = [label for label in rule.get("labels") or () if label]
    if labels:
        label_filter = Q()
        for label in labels:
            label_filter |= Q(track__label__iexact=label)
        queryset = queryset.filter(label_filter)
    for name, lookup in (("bpm_from", "track__bpm__gte"), ("bpm_to", "track__bpm__lte")):
        if rule.get(name) not in (None, ""):
            queryset = queryset.filter(**{lookup: Decimal(str(rule[name]))})
    code = keys.camelot(rule.get("key") or "")
    if code:
        codes = keys.compatible(code) if rule.get("key_compatible") else [code]
        queryset = queryset.filter(track__key_wheel__in=[keys.wheel_index(each) for each in codes])
    for name, lookup in (("year_from", "track__release_date__year__gte"),
                         ("year_to", "track__release_date__year__lte")):
        if rule.get(name) not in (None, ""):
            queryset = queryset.filter(**{lookup: int(rule[name])})
    if rule.get("want_status"):
        queryset = queryset.filter(want__status=rule["want_status"])
    if rule.get("with_file"):
        queryset = queryset.exclude(track__file_path="").filter(track__file_missing=False)
    return queryset.order_by("track__bpm", "track__key_wheel", "track__credit_name", "track__title", "pk")


def rule_text(rule: dict[str, Any]) -> str:
    """Return a saved filter as a person reads it: "Techno, 124-128 BPM, 8A and its neighbours"."""
    parts = []
    if rule.get("genres"):
        parts.append(" or ".join(rule["genres"]))
    if rule.get("labels"):
        parts.append("on " + " or ".join(rule["labels"]))
    low, high = rule.get("bpm_from"), rule.get("bpm_to")
    if low not in (None, "") or high not in (None, ""):
        if low not in (None, "") and high not in (None, ""):
            parts.append(f"{bpm_text(low)}-{bpm_text(high)} BPM")
        elif low not in (None, ""):
            parts.append(f"from {bpm_text(low)} BPM")
        else:
            parts.append(f"up to {bpm_text(high)} BPM")
    code = keys.camelot(rule.get("key") or "")
    if code:
        parts.append(f"{code} and its neighbours" if rule.get("key_compatible") else code)
    low, high = rule.get("year_from"), rule.get("year_to")
    if low or high:
        parts.append(f"{low or '…'}-{high or '…'}" if low != high else str(low))
    if rule.get("want_status"):
        parts.append(f"{rule['want_status']} on the want list")
    if rule.get("with_file"):
        parts.append("with a file")
    return ", ".join(parts) or "every library track"


def tracklist_library_tracks(tracklist: Tracklist) -> list[LibraryTrack]:
    """Return the library tracks a tracklist's lines resolved to, in the mix's order, each once."""
    lines = (TrackDiscovery.objects.filter(tracklist=tracklist, library_track__isnull=False)
             .select_related("library_track__track").order_by("position"))
    seen: dict[Any, LibraryTrack] = {}
    for line in lines:
        seen.setdefault(line.library_track_id, line.library_track)
    return list(seen.values())


def library_queryset_for_export() -> QuerySet[LibraryTrack]:
    return LibraryTrack.objects.select_related("track").defer(*(f"track__{name}" for name in UNREAD_TRACK_FIELDS))


def id_order(ids: Iterable) -> Case | str:
    """Return an ordering that sorts rows as the ids are given ("pk" when there are none)."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return "pk"
    return Case(*(When(pk=pk, then=Value(index)) for index, pk in enumerate(ids)), output_field=IntegerField())


def ordered_by_ids(ids: Iterable) -> QuerySet[LibraryTrack]:
    """Return the library tracks with these ids, in the order given."""
    ids = list(dict.fromkeys(ids))
    return (library_queryset_for_export().filter(pk__in=ids).order_by(id_order(ids)) if ids
            else LibraryTrack.objects.none())


# --- Fingerprints and duplicates ----------------------------------------------------------------------------------


def tracks_to_fingerprint() -> QuerySet[Track]:
    """Return the tracks whose file is there and has no fingerprint yet (or changed since)."""
    return (Track.objects.exclude(file_path="").filter(file_missing=False, file_fingerprint_key="")
            .order_by("file_path"))


def fingerprint_counts() -> dict[str, int]:
    with_file = Track.objects.exclude(file_path="").filter(file_missing=False)
    return {"files": with_file.count(), "fingerprinted": with_file.exclude(file_fingerprint_key="").count()}


@dataclass
class DuplicateFile:
    track: Track
    bit_error_rate: float  # against the best of its group (0 for the best itself)

    @property
    def lossless(self) -> bool:
        return (self.track.file_format or "").lower() in LOSSLESS_FORMATS


@dataclass
class DuplicateGroup:
    """Files that are one recording by their sound; the best first (the one *keep the best* keeps)."""

    files: list[DuplicateFile]

    @property
    def best(self) -> DuplicateFile:
        return self.files[0]

    @property
    def others(self) -> list[DuplicateFile]:
        return self.files[1:]


def quality_rank(track: Track) -> tuple:
    """Return how good a file is, for sorting best first: lossless over lossy, then bitrate, sample rate, bit
    depth, size; then the shorter (tidier) path."""
    lossless = (track.file_format or "").lower() in LOSSLESS_FORMATS
    return (
        0 if lossless else 1, -(track.file_bitrate or 0), -(track.file_sample_rate or 0), -(track.file_bit_depth or 0),
        -(track.file_size or 0), len(track.file_path or ""), track.file_path or "",
    )


def duplicate_groups() -> list[DuplicateGroup]:
    """Return the files whose fingerprints say they are the same recording, grouped, best first in each group.

    Candidates are found by brief (a file's 32 bit shares, `audio.fingerprint.profile`, within PROFILE_CLOSE) among
    files of about the same length (within DURATION_TOLERANCE: copies last the same, give or take an encoder's
    padding), then compared in full (a bit-error rate over the best alignment); a pair within SAME_RECORDING_BER is
    one recording. Only the candidates' full fingerprints are read.
    """
    rows = list(
        Track.objects.exclude(file_fingerprint_key="").exclude(file_path="").filter(file_missing=False)
        .values_list("pk", "file_duration", "file_fingerprint_key")
    )
    rows = [(pk, duration or 0.0, key) for pk, duration, key in rows if len(key) == 64]
    if len(rows) < 2:
        return []
    rows.sort(key=lambda row: row[1])
    durations = np.array([row[1] for row in rows], dtype=np.float64)
    profiles = np.stack([fingerprint.profile_array(row[2]) for row in rows])
    pairs: list[tuple[int, int]] = []
    for index in range(len(rows)):
        end = int(np.searchsorted(durations, durations[index] + DURATION_TOLERANCE, side="right"))
        if end <= index + 1:
            continue
        distances = np.abs(profiles[index + 1:end] - profiles[index]).sum(axis=1)
        pairs.extend((index, index + 1 + int(other)) for other in np.nonzero(distances <= PROFILE_CLOSE)[0])
    if not pairs:
        return []
    wanted = {rows[index][0] for pair in pairs for index in pair}
    tracks = {track.pk: track for track in Track.objects.filter(pk__in=wanted).defer("metadata_sources", "audience")}
    arrays = {pk: fingerprint.decode(track.file_fingerprint) for pk, track in tracks.items()}
    parent = {pk: pk for pk in tracks}
    rates: dict[tuple, float] = {}

    def root(pk):
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    for first, second in pairs:
        a, b = rows[first][0], rows[second][0]
        if a not in arrays or b not in arrays:
            continue
        same, rate = fingerprint.same_recording(arrays[a], arrays[b])
        if same:
            rates[(a, b)] = rates[(b, a)] = rate
            parent[root(a)] = root(b)
    members: dict[Any, list[Track]] = {}
    for pk in tracks:
        members.setdefault(root(pk), []).append(tracks[pk])
    groups = []
    for found in members.values():
        if len(found) < 2:
            continue
        found.sort(key=quality_rank)
        best = found[0]
        files = [DuplicateFile(best, 0.0)]
        for track in found[1:]:
            rate = rates.get((best.pk, track.pk))
            if rate is None:
                rate = fingerprint.bit_error_rate(arrays[best.pk], arrays[track.pk])
            files.append(DuplicateFile(track, rate))
        groups.append(DuplicateGroup(files))
    groups.sort(key=lambda group: (str(group.best.track.credit_name).lower(), group.best.track.title.lower()))
    return groups


def path_inside(path: str, folder: str) -> bool:
    """Return whether path is inside folder (both as this machine resolves them)."""
    real_path, real_folder = os.path.realpath(path), os.path.realpath(folder)
    return real_path == real_folder or real_path.startswith(real_folder.rstrip(os.sep) + os.sep)


def music_root() -> str:
    return os.path.abspath(settings.MUSIC_ROOT)


def parse_bpm(text: str) -> Decimal | None:
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() and 0 < value < 1000 else None


# --- What the crates' admin pages read ----------------------------------------------------------------------------


def crates_tracks_with_files(crates: Iterable[Crate]) -> QuerySet[Track]:
    """Return the tracks of any of the crates that have a file, each once (what *Organise the crates' files* moves)."""
    return Track.objects.filter(library_entry__crate_entries__crate__in=crates).exclude(file_path="").distinct()


def library_tracks_with_files_count() -> int:
    """Return how many library tracks have a file: the tracks an export of the library holds."""
    return LibraryTrack.objects.exclude(track__file_path="").count()


def rekordbox_import_track_count(job: RekordboxImportJob) -> int:
    """Return how many tracks an import brings in: its items, less the one that makes its playlists into crates."""
    return job.total - (1 if job.items.filter(kind=ImportItemKind.PLAYLISTS).exists() else 0)


def fingerprint_job_under_way() -> FingerprintJob | None:
    """Return an unfinished fingerprinting job, or None."""
    return FingerprintJob.objects.filter(status__in=ACTIVE_STATUSES).first()


def duplicates_keep_choices(*, keep_id: str = "") -> list[tuple[Track, list[Track]]]:
    """Return what keeping sets aside, as (the file kept, the copies set aside) for each group: the group holding
    the track keep_id, keeping that one; with no keep_id, every group, keeping the best of each."""
    groups = duplicate_groups()
    if not keep_id:
        return [(group.best.track, [each.track for each in group.others]) for group in groups]
    chosen = [group for group in groups if any(str(each.track.pk) == keep_id for each in group.files)]
    return [(next(each.track for each in group.files if str(each.track.pk) == keep_id),
             [each.track for each in group.files if str(each.track.pk) != keep_id]) for group in chosen]


def export_job_result(job: ExportJob) -> dict[str, Any]:
    """Return what an export job wrote (its one item's result: the file and what it holds), {} before it has."""
    item = job.items.first()
    return item.result if item is not None and isinstance(item.result, dict) else {}
