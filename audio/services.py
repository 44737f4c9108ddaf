"""Every write of the music folder: scanning a folder into the library, identifying files by sound, analysing them."""

from __future__ import annotations

import logging
import os
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Lower
from django.utils import timezone

import matching
from audio import scan
from audio.models import ScanItemKind, ScanJob, ScanJobItem
from audio.probe import AudioError, AudioInfo
from common import dates
from common.text import count_text
from core import jobs
from core.jobs import ItemOutcome
from core.models import ACTIVE_STATUSES
from library import services as library_services
from library.models import LibraryTrack
from providers.base import TrackCandidate, as_decimal, normalise_isrc
from tracks import keys, metadata
from tracks import services as track_services
from tracks.genres import normalise_genre
from tracks.models import Track

logger = logging.getLogger(__name__)


# --- Scanning -------------------------------------------------------------------------------------------------------
#
# A scan is a ScanJob on the job engine. Its first item lists the folder (audio.scan.walk), flags the tracks whose
# file is gone (file_missing, never deleted) and adds one item per chunk of about SCAN_CHUNK files. A chunk item
# stats its files, skips those whose size and mtime_ns equal the track's (one query for the chunk), reads the others
# (stream properties and tags), matches each to a track and writes them in bulk. It then adds an item per file whose
# tags say too little (an AcoustID look-up) and per track without BPM or key (an analysis), so the slow work never
# holds up the chunks and fails, waits or is retried on its own.
#
# Matching a file to a track, in order: its MusicBrainz recording id; its ISRC (the same version only); the track
# that had this path (unless the tags now say another recording: another id, or another version); then artist,
# title, version and duration through `matching.decide` among tracks without a file, which never takes a remix
# for its original. Nothing matched: a new track. Every track with a file has a library entry.

TAGS_SOURCE = "tags"
FILENAME_SOURCE = "filename"
ACOUSTID_SOURCE = "acoustid"
ANALYSIS_SOURCE = "analysis"
# Values a file's tags may replace: their own earlier reading, a guess from the file name, the analysis. A
# provider's value or a person's (or one of unknown origin) is kept.
REPLACEABLE_BY_TAGS = frozenset({TAGS_SOURCE, FILENAME_SOURCE, ANALYSIS_SOURCE})
# What AcoustID may replace: the file's own guesses, never a provider's or a person's.
REPLACEABLE_BY_ACOUSTID = frozenset({TAGS_SOURCE, FILENAME_SOURCE})
# Files listed by name on the job page per item (problems, missing files); the rest are counted.
LISTED_PER_ITEM = 200
CANDIDATES_KEPT = 8
MBID_LENGTH = 36

FILE_FIELDS = (
    "file_path", "file_format", "file_bitrate", "file_duration", "file_sample_rate", "file_bit_depth", "file_size",
    "file_mtime_ns", "file_missing", "file_scanned_at",
)
# The fields that are one with the title or the artists: they follow its source.
_FOLLOWS = {"version": "title", "remixers": "title", "credit_name": "artists"}


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
        return ItemOutcome(error=f"The folder {root} is not there any more (a drive disconnected?); nothing was marked missing.")
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
        Track.objects.filter(pk__in=[pk for pk, _ in gone[start:start + 1000]]).update(file_missing=True, updated_at=now)
    return [path for _, path in gone]


# --- A chunk of files -----------------------------------------------------------------------------------------------


@dataclass
class Known:
    pk: Any
    size: int | None
    mtime_ns: int | None
    missing: bool


@dataclass
class FileFacts:
    """What one file says, in Track's terms: fields from its tags (and its name), and its file fields."""

    path: str
    fields: dict[str, Any]  # Track field -> value, only those the file gives
    sources: dict[str, str]  # Track field -> TAGS_SOURCE or FILENAME_SOURCE
    file: dict[str, Any]  # the file_* fields
    too_few_tags: bool  # no title or no artist in the tags
    recording: matching.Recording

    @property
    def mbid(self) -> str:
        return self.fields.get("musicbrainz_recording_id", "")

    @property
    def isrc(self) -> str:
        return self.fields.get("isrc", "")

    @property
    def title(self) -> str:
        return self.fields.get("title", "") if self.sources.get("title") == TAGS_SOURCE else ""

    @property
    def has_artists(self) -> bool:
        return self.sources.get("artists") == TAGS_SOURCE


# Artists are a list (no field length to cut them to): one name from a tag is spaced once and kept to this many
# characters, so a broken tag cannot fill the list with a book.
ARTIST_NAME_CHARS = 300


def _artist_name(value: Any) -> str:
    return " ".join(str(value).split())[:ARTIST_NAME_CHARS] if value else ""


def _small_number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 32767 else None


def facts_of(entry: scan.Entry, read: scan.FileRead, now) -> FileFacts:
    """Return the Track fields the file's tags (or, lacking those, its name) give."""
    tags, info = read.tags, read.info
    fields: dict[str, Any] = {}
    sources: dict[str, str] = {}

    def give(name: str, value: Any, source: str = TAGS_SOURCE) -> None:
        if value not in (None, "", (), []):
            fields[name], sources[name] = value, source

    artists = tuple(name for name in (_artist_name(artist) for artist in tags.artists or ()) if name)
    if not artists and tags.artist_credit:
        artists = matching.split_artists(tags.artist_credit)
    name_artist, name_title = scan.file_name_parts(entry.path)
    if tags.title:
        title, version, remixers = metadata.title_parts(tags.title, tags.version or "")
        source = TAGS_SOURCE
    else:
        title, version, remixers = metadata.title_parts(name_title)
        source = FILENAME_SOURCE
    give("title", title, source)
    give("version", version, source)
    give("remixers", [name for name in remixers if name], source)
    if artists:
        give("artists", list(artists))
        give("credit_name", tags.artist_credit or ", ".join(artists))
    elif name_artist:
        give("artists", list(matching.split_artists(name_artist)), FILENAME_SOURCE)
        give("credit_name", name_artist, FILENAME_SOURCE)
    for name in ("album", "album_artist", "label", "catalog_number"):
        give(name, getattr(tags, name))
    isrc = normalise_isrc(tags.isrc or "")
    give("isrc", isrc if len(isrc) == 12 and isrc.isalnum() else "")
    bpm = as_decimal(tags.bpm)
    give("bpm", bpm if bpm is not None and bpm < 10000 else None)
    code = keys.camelot(tags.key or "") or keys.camelot(tags.camelot or "")
    give("key", keys.musical(code) if code else "")
    give("genre", normalise_genre(tags.genre or ""))
    released = dates.parse_release_date(tags.date) if tags.date else None
    if released is not None:
        give("release_date", released)
        give("release_date_precision", dates.precision_of(released))
    give("track_number", _small_number(tags.track_number))
    give("disc_number", _small_number(tags.disc_number))
    mbid = (tags.musicbrainz_recording_id or "").strip().lower()
    give("musicbrainz_recording_id", mbid if len(mbid) == MBID_LENGTH else "")
    give("duration", round(info.duration) if info.duration >= 0.5 else None)
    # Made storable (a tag may hold a NUL, which PostgreSQL refuses) and cut to the fields' lengths, as every track's
    # values are; a value that was only spaces is no value.
    fields = {name: value for name, value in metadata.fitted(fields).items() if value not in (None, "", (), [])}
    sources = {name: source for name, source in sources.items() if name in fields}
    file_fields = track_file_fields(path=entry.path, info=info, size=entry.size, mtime_ns=entry.mtime_ns, read_at=now)
    recording = matching.Recording(
        title=fields.get("title", ""), version=fields.get("version", ""), artists=tuple(fields.get("artists", ())),
        duration=fields.get("duration"), isrc=fields.get("isrc", ""),
        ids={"musicbrainz_recording_id": mbid} if fields.get("musicbrainz_recording_id") else {},
        label=fields.get("label", ""), catalog_number=fields.get("catalog_number", ""),
    )
    return FileFacts(
        path=entry.path, fields=fields, sources=sources, file=file_fields,
        too_few_tags=not (tags.title and artists), recording=recording,
    )


def track_file_fields(*, path: str, info: AudioInfo, size: int, mtime_ns: int, read_at) -> dict[str, Any]:
    """Return a Track's file_* fields for a file: where it is, what it is, and its size and time for rescans."""
    return {
        "file_path": path, "file_format": info.format, "file_bitrate": info.bitrate,
        "file_duration": info.duration, "file_sample_rate": info.sample_rate, "file_bit_depth": info.bit_depth,
        "file_size": size, "file_mtime_ns": mtime_ns, "file_missing": False, "file_scanned_at": read_at,
    }


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
                f"not an audio file (.{extension} files are not read)" if extension else "not an audio file (no extension)",
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


def _holds_other_file(track: Track, path: str) -> bool:
    """Return whether the track's file is another one that is still there (so this file is a second copy)."""
    if not track.file_path or track.file_missing or os.path.abspath(track.file_path) == path:
        return False
    return os.path.exists(track.file_path)


def _versions_agree(track: Track, facts: FileFacts) -> bool:
    """Return whether the track and the file are one recording by id and version (a remix is not its original)."""
    if facts.mbid and track.musicbrainz_recording_id and track.musicbrainz_recording_id != facts.mbid:
        return False
    if facts.title and track.title:
        ours = matching.Recording(title=track.title, version=track.version)
        return matching.same_version(ours.parsed, facts.recording.parsed)
    return True


class _Catalogue:
    """The tracks a chunk's files may match, loaded (and locked) in a few queries, one object per row."""

    def __init__(self, facts: list[FileFacts]):
        self.by_pk: dict[Any, Track] = {}
        mbids = {each.mbid for each in facts if each.mbid}
        isrcs = {each.isrc for each in facts if each.isrc}
        paths = [each.path for each in facts]
        titles = {each.title.lower() for each in facts if each.title and each.has_artists}
        self.by_mbid = {t.musicbrainz_recording_id: t for t in self._load(Q(musicbrainz_recording_id__in=mbids), mbids)}
        self.by_isrc: dict[str, list[Track]] = defaultdict(list)
        for track in self._load(Q(isrc__in=isrcs), isrcs):
            self.by_isrc[track.isrc].append(track)
        self.by_path: dict[str, Track] = {}
        for track in self._load(Q(file_path__in=paths), paths):
            self.by_path.setdefault(track.file_path, track)
        self.by_title: dict[str, list[Track]] = defaultdict(list)
        if titles:
            # Only tracks without a live file can take a file by their text; one query over the lower-cased titles.
            rows = (Track.objects.annotate(title_lower=Lower("title"))
                    .filter(title_lower__in=titles).filter(Q(file_path="") | Q(file_missing=True))
                    .select_for_update(of=("self",)))
            for track in rows:
                self.by_title[track.title_lower].append(self._one(track))

    def _one(self, track: Track) -> Track:
        return self.by_pk.setdefault(track.pk, track)

    def _load(self, condition: Q, values) -> list[Track]:
        if not values:
            return []
        return [self._one(track) for track in Track.objects.filter(condition).select_for_update()]

    def add(self, track: Track) -> None:
        self.by_pk[track.pk] = track
        if track.musicbrainz_recording_id:
            self.by_mbid[track.musicbrainz_recording_id] = track

    def match(self, facts: FileFacts, claimed: set) -> tuple[Track | None, str]:
        """Return the track the file is, and how it was found ("duplicate" with the track: a second copy)."""
        if facts.mbid and (track := self.by_mbid.get(facts.mbid)) is not None:
            if track.pk in claimed or _holds_other_file(track, facts.path):
                return track, "duplicate"
            return track, "musicbrainz id"
        for track in self.by_isrc.get(facts.isrc, ()) if facts.isrc else ():
            if track.pk in claimed or _holds_other_file(track, facts.path) or not _versions_agree(track, facts):
                continue
            if not facts.title or matching.same_recording(metadata.recording_of(track), facts.recording):
                return track, "ISRC"
        owner = self.by_path.get(facts.path)
        if owner is not None and owner.pk not in claimed and _versions_agree(owner, facts):
            return owner, "path"
        if facts.title and facts.has_artists:
            free = [
                track for track in self.by_title.get(facts.title.lower(), ())
                if track.pk not in claimed and not _holds_other_file(track, facts.path) and _versions_agree(track, facts)
            ]
            decision = matching.decide(facts.recording, [metadata.recording_of(track) for track in free])
            if decision.outcome == matching.Outcome.ACCEPT:
                return free[decision.index], "artist, title, version and duration"
        return None, ""


def _track_new(facts: FileFacts, now) -> Track:
    """Return the new track (not yet saved) a file matched to no track becomes."""
    return track_services.track_build(
        values={**facts.fields, **facts.file}, at=now,
        sources={name: source for name, source in facts.sources.items() if name != "release_date_precision"},
    )


def _track_update(track: Track, facts: FileFacts, now) -> set[str]:
    """Set the file's fields on track, and the tag values it may replace; return the fields that changed."""
    changed: set[str] = set()
    sources = dict(track.metadata_sources or {})
    for name, value in facts.fields.items():
        if name == "release_date_precision":
            continue
        owner = _FOLLOWS.get(name, name)
        current = getattr(track, name)
        owner_value = getattr(track, owner)
        owner_source = metadata.source_of(sources.get(owner))
        if name == "musicbrainz_recording_id" and current:
            continue  # a known id is the key the track is known by
        if owner_value not in (None, "", [], ()) and owner_source not in REPLACEABLE_BY_TAGS:
            continue  # a provider's or a person's value (or the title it belongs to) is kept
        if current != value:
            setattr(track, name, value)
            changed.add(name)
            sources[name] = metadata.source_entry(facts.sources[name], now)
            if name == "release_date":
                track.release_date_precision = facts.fields["release_date_precision"]
                changed.add("release_date_precision")
    for name, value in facts.file.items():
        if getattr(track, name) != value:
            setattr(track, name, value)
            changed.add(name)
    if changed & {"file_path", "file_size", "file_mtime_ns"}:
        changed |= _fingerprint_clear(track)  # another file, or the file changed: its sound may too
    if "key" in changed:
        track.key_wheel = keys.wheel_index(track.key)
        changed.add("key_wheel")
    if changed - set(FILE_FIELDS):
        track.metadata_sources = sources
        changed.add("metadata_sources")
    return changed


def _file_clear(track: Track) -> set[str]:
    """Take the file off a track (another recording now has it); the track itself is kept."""
    track.file_path, track.file_format, track.file_missing = "", "", False
    for name in ("file_bitrate", "file_duration", "file_sample_rate", "file_bit_depth", "file_size", "file_mtime_ns"):
        setattr(track, name, None)
    return set(FILE_FIELDS) | _fingerprint_clear(track)


# --- Fingerprints (for duplicates: crates) ----------------------------------------------------------------------------
#
# A scan never fingerprints (fpcalc decodes two minutes of audio, a hundred times a scan's cost per file): the
# duplicates page and `find_duplicates` start a job over the files that have none. A scan only forgets the
# fingerprint of a file that changed, so it is computed again.

FINGERPRINT_FIELDS = ("file_fingerprint", "file_fingerprint_key")


def _fingerprint_clear(track: Track) -> set[str]:
    if not (track.file_fingerprint or track.file_fingerprint_key):
        return set()
    track.file_fingerprint, track.file_fingerprint_key = "", ""
    return set(FINGERPRINT_FIELDS)


def track_fingerprint_store(*, track_id, path: str, fingerprint: str, key: str) -> bool:
    """Keep the fingerprint computed from path on the track, unless its file moved or changed meanwhile; return
    whether it was kept."""
    return bool(Track.objects.filter(pk=track_id, file_path=path).update(file_fingerprint=fingerprint,
                                                                         file_fingerprint_key=key))


def acoustid_ready() -> str:
    """Return "" when AcoustID look-ups can run, else why not (for a note on the job)."""
    from providers.acoustid import AcoustID

    return AcoustID.disabled_reason() or ""


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
                each.path, "duplicate", f"another copy of “{track}” (its file: {track.file_path or 'this scan'}); not added",
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
        Track.objects.bulk_update(list(changed.values()), fields=sorted(changed_fields | {"updated_at"}), batch_size=500)
    # Every track with a file is in the library: provisional until a MusicBrainz id says which recording it is.
    library_services.library_tracks_ensure(
        provisional={pk: not catalogue.by_pk[pk].musicbrainz_recording_id for pk in claimed},
    )
    # Look-ups first: an identified track may then get its BPM and key from the analysis that follows.
    follow_ups.sort(key=lambda row: row["kind"] != ScanItemKind.IDENTIFY)
    _items_append(job.pk, follow_ups)
    if too_few and acoustid_off:
        recorded.notes.append(
            f"{count_text(too_few, 'file')} {'has' if too_few == 1 else 'have'} no title or no artist in their tags and "
            f"{'was' if too_few == 1 else 'were'} added under their file name. "
            f"The look-up by sound (AcoustID) was skipped: {acoustid_off}."
        )
    return recorded


# --- Identification by sound (AcoustID) -----------------------------------------------------------------------------


@dataclass
class SoundMatch:
    """What the look-up decided: "identified" (chosen), "needs_review" (candidates for a person) or "not_identified"."""

    status: str
    chosen: TrackCandidate | None
    confidence: float | None
    candidates: list[dict[str, Any]]


_SOUND_STATUS = {
    matching.Outcome.ACCEPT: "identified", matching.Outcome.REVIEW: "needs_review",
    matching.Outcome.NOTHING: "not_identified",
}


def sound_match_decide(query: matching.Recording, candidates: list[TrackCandidate]) -> SoundMatch:
    """Decide a look-up by the rule every identification uses (`matching.decide`, given AcoustID's scores as the
    candidates' sound): confident (ACCEPT_THRESHOLD, ACCEPT_GAP ahead of the next other recording) is taken, a close
    call (at least REVIEW_FLOOR) waits for a person, less is not identified.

    A candidate's confidence is the lower of AcoustID's score (how alike the sound is) and how well it agrees with
    what the file says: its title, artists and version when the tags give any (`matching.score`, so another version
    is capped far below the threshold), else its duration.
    """
    decision = matching.decide(
        query, [metadata.recording_from(candidate) for candidate in candidates],
        sound=[candidate.score for candidate in candidates],
    )
    kept = [
        {**candidates[index].as_dict(), "confidence": round(scored.value, 3), "reasons": list(scored.reasons)}
        for index, scored in decision.ranked[:CANDIDATES_KEPT]
    ]
    chosen = candidates[decision.index] if decision.outcome == matching.Outcome.ACCEPT else None
    confidence = decision.score.value if decision.score is not None else None
    return SoundMatch(_SOUND_STATUS[decision.outcome], chosen, confidence, kept)


def _query_of(track: Track, duration: int | None) -> matching.Recording:
    """Return what the file's own tags say of the track (its file name says too little to weigh)."""
    sources = track.metadata_sources or {}
    tagged = {name for name in ("title", "artists") if metadata.source_of(sources.get(name)) == TAGS_SOURCE}
    return matching.Recording(
        title=track.title if "title" in tagged else "", version=track.version if "title" in tagged else "",
        artists=tuple(track.artists or ()) if "artists" in tagged else (), duration=duration,
    )


def scan_identify(*, job: ScanJob, item: ScanJobItem) -> ItemOutcome:
    """Identify one file by its sound; the decision is written to its track (or kept for a person)."""
    from providers.acoustid import AcoustID, fingerprint_file

    track = item.track
    if track is None:
        return ItemOutcome(result={"status": "skipped", "reason": "the track was deleted"})
    reason = AcoustID.disabled_reason()
    if reason:
        return ItemOutcome(result={"status": "skipped", "reason": f"AcoustID is not set up: {reason}",
                                   "counts": {"not_identified": 1}})
    fingerprint = fingerprint_file(item.path)
    decided = sound_match_decide(_query_of(track, fingerprint.duration), AcoustID().lookup(fingerprint))

    def write() -> dict[str, Any]:
        result: dict[str, Any] = {
            "status": decided.status, "candidates": decided.candidates,
            "confidence": None if decided.confidence is None else round(decided.confidence, 3),
            "counts": {decided.status: 1},
        }
        if decided.chosen is not None:
            result.update(sound_match_apply(track_id=track.pk, candidate=decided.chosen))
        elif decided.status == "needs_review":
            library_services.library_track_doubt(
                track=track, note=f"AcoustID: a close call, see the scan job of {timezone.localdate():%Y-%m-%d}.",
            )
        return result

    return ItemOutcome(write=write)


def sound_match_apply(*, track_id, candidate: TrackCandidate) -> dict[str, Any]:
    """Link the track to the recording AcoustID found: its title, artists and MusicBrainz id (source "acoustid"),
    or, when the catalogue already has that recording without a file, move the file to it and merge the two."""
    now = timezone.now()
    track = Track.objects.select_for_update().get(pk=track_id)
    mbid = candidate.external_id
    other = Track.objects.select_for_update().filter(musicbrainz_recording_id=mbid).exclude(pk=track.pk).first()
    if other is not None:
        if _holds_other_file(other, track.file_path):
            library_services.library_track_doubt(
                track=track, note=f"AcoustID: the same recording as “{other}”, which has its own file.",
            )
            return {"status": "duplicate", "track": str(other.pk)}
        track_services.track_file_set(track=other, fields={name: getattr(track, name) for name in FILE_FIELDS})
        entry = library_services.library_track_confirm(track=other)
        track_services.track_file_set(track=track, fields={"file_path": "", "file_missing": False})
        stand_in = LibraryTrack.objects.filter(track_id=track.pk).first()
        if stand_in is not None:
            entry.refresh_from_db()
            library_services.library_tracks_merge(survivor=entry, others=[stand_in])
        return {"status": "identified", "track": str(other.pk), "merged": True}
    title, version, remixers = metadata.title_parts(candidate.title, candidate.version)
    given = metadata.fitted({
        "title": title, "version": version, "remixers": remixers, "artists": list(candidate.artists),
        "credit_name": candidate.artist, "musicbrainz_recording_id": mbid, "album": candidate.album,
        "release_date": candidate.release_date,
    })
    sources = dict(track.metadata_sources or {})
    updated = []
    for name, value in given.items():
        if value in (None, "", [], ()):
            continue
        if name in ("musicbrainz_recording_id", "album", "release_date"):
            if getattr(track, name):
                continue  # only filled in: a known id stays, and the file's own album says which release it is
        else:
            owner = _FOLLOWS.get(name, name)
            owner_source = metadata.source_of(sources.get(owner))
            if getattr(track, owner) not in (None, "", [], ()) and owner_source not in REPLACEABLE_BY_ACOUSTID:
                continue  # a provider's or a person's title and artists are kept
        setattr(track, name, value)
        sources[name] = metadata.source_entry(ACOUSTID_SOURCE, now)
        updated.append(name)
        if name == "release_date":
            track.release_date_precision = dates.precision_of(value)
            updated.append("release_date_precision")
    track.metadata_sources = sources
    track.save(update_fields=[*updated, "metadata_sources", "updated_at"])
    library_services.library_track_confirm(track=track)
    return {"status": "identified", "track": str(track.pk), "fields": updated}


@transaction.atomic
def scan_review_accept(*, item: ScanJobItem, index: int, chosen_by: str = "") -> dict[str, Any]:
    """Take the candidate at index for a file that needed review, as a person's choice."""
    item = ScanJobItem.objects.select_for_update().get(pk=item.pk)
    result = dict(item.result or {})
    if result.get("status") != "needs_review" or item.track_id is None:
        raise ValueError("This file no longer waits for a choice; reload the page.")
    try:
        chosen = result["candidates"][index]
    except (IndexError, KeyError, TypeError):
        raise ValueError("That candidate is no longer listed; reload the page.") from None
    candidate = TrackCandidate(
        source=ACOUSTID_SOURCE, external_id=str(chosen.get("external_id", "")), title=chosen.get("title", ""),
        artists=tuple(chosen.get("artists") or ()), album=chosen.get("album") or "", duration=chosen.get("duration"),
        release_date=dates.parse_release_date(chosen.get("release_date")) if chosen.get("release_date") else None,
        score=chosen.get("score"),
    )
    applied = sound_match_apply(track_id=item.track_id, candidate=candidate)
    result.update(applied)
    result["status"] = applied.get("status", "identified")
    result["chosen_by"] = chosen_by
    result["counts"] = {"identified": 1} if result["status"] == "identified" else {"duplicate": 1}
    ScanJobItem.objects.filter(pk=item.pk).update(result=result)
    return result


# --- BPM and key from the audio -------------------------------------------------------------------------------------


def scan_analyse(*, job: ScanJob, item: ScanJobItem) -> ItemOutcome:
    """Compute the BPM and key the track lacks from its file; a provider's or a person's value is never replaced."""
    from audio import analysis

    track = item.track
    if track is None:
        return ItemOutcome(result={"status": "skipped", "reason": "the track was deleted"})
    need_bpm, need_key = track.bpm is None, not track.key
    if not (need_bpm or need_key):
        return ItemOutcome(result={"status": "skipped", "reason": "BPM and key are known"})
    try:
        found = analysis.analyse(item.path, duration=track.file_duration, bpm=need_bpm, key=need_key)
    except analysis.AnalysisError as exc:
        return ItemOutcome(error=f"{item.path}: {exc}")

    def write() -> dict[str, Any]:
        current = Track.objects.select_for_update().get(pk=track.pk)
        updated = []
        if found.bpm is not None and current.bpm is None:
            current.bpm = found.bpm
            updated.append("bpm")
        if found.key and not current.key:
            current.key = found.key
            updated.append("key")
        if updated:
            metadata.sources_set(current, updated, ANALYSIS_SOURCE, timezone.now())
            current.save(update_fields=[*updated, "metadata_sources", "updated_at"])
        return {
            "status": "analysed", "bpm": str(found.bpm) if found.bpm is not None else "", "key": found.key,
            "counts": {"analysed": 1} if updated else {},
        }

    return ItemOutcome(write=write)
