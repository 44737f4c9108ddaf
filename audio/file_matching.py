"""A scanned file in the catalogue's terms, and the track it is.

`facts_of` turns what a file says (its tags or, lacking those, its name; its stream properties) into Track fields,
each with its source. `_Catalogue` loads the tracks a chunk's files may be, in a few queries, and matches each file
to one; `_track_new`, `_track_update` and `_file_clear` are what a file makes of, or changes on, its track. The scan
(`audio.scanning.files_record`) writes them in bulk. Whose values a file's tags, or its sound (`audio.identify`), may
replace is decided here, by source.

Matching a file to a track, in order: its MusicBrainz recording id; its ISRC (the same version only); the track
that had this path (unless the tags now say another recording: another id, or another version); then artist,
title, version and duration through `matching.decide` among tracks without a file, which never takes a remix
for its original. Nothing matched: a new track.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.db.models.functions import Lower

import matching
from audio import scan
from audio.probe import AudioInfo
from common import dates
from providers.base import as_decimal, normalise_isrc
from tracks import keys, metadata
from tracks import services as track_services
from tracks.genres import normalise_genre
from tracks.models import Track

TAGS_SOURCE = "tags"
FILENAME_SOURCE = "filename"
ACOUSTID_SOURCE = "acoustid"
ANALYSIS_SOURCE = "analysis"
# Values a file's tags may replace: their own earlier reading, a guess from the file name, the analysis. A
# provider's value or a person's (or one of unknown origin) is kept.
REPLACEABLE_BY_TAGS = frozenset({TAGS_SOURCE, FILENAME_SOURCE, ANALYSIS_SOURCE})
# What AcoustID may replace: the file's own guesses, never a provider's or a person's.
REPLACEABLE_BY_ACOUSTID = frozenset({TAGS_SOURCE, FILENAME_SOURCE})

MBID_LENGTH = 36


FILE_FIELDS = (
    "file_path", "file_format", "file_bitrate", "file_duration", "file_sample_rate", "file_bit_depth", "file_size",
    "file_mtime_ns", "file_missing", "file_scanned_at",
)
# The fields that are one with the title or the artists: they follow its source.
_FOLLOWS = {"version": "title", "remixers": "title", "credit_name": "artists"}



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
                if track.pk not in claimed and not _holds_other_file(track, facts.path)
                and _versions_agree(track, facts)
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

