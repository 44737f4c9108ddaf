"""Every write to the catalogue: metadata fetches, the jobs that run them, imports.

A background fetch takes the engine's one path: `metadata_fetch_jobs_create`
writes queued MetadataFetchTask rows (at most BULK_CHUNK tracks each), the engine
runs them (tracks.jobs.MetadataFetchHandler asks the providers), and every track's
metadata is written in the same transaction as its item and the job's counters.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

import matching
from common import dates
from common.text import count_text
from core import jobs
from core.gather import Gathered, GatherOutcome, gather
from core.queue import BrokerUnavailable
from providers.base import Capability, TrackCandidate, TrackMetadata
from providers.client import Provider
from providers.registry import get_provider, providers_for
from tracks import keys, metadata, selectors
from tracks.genres import normalise_genre
from tracks.models import PROVIDER_ID_FIELDS, FetchTaskType, MetadataFetchTask, Track

logger = logging.getLogger(__name__)


class NothingFound(Exception):
    """No provider had anything usable for the track; `failed` when every provider asked failed (none answered)."""

    def __init__(self, message: str = "", *, failed: bool = False):
        super().__init__(message)
        self.failed = failed


# What a person may not edit: ids, the ISRC and the file are the providers' and the music folder's to write.
PROTECTED_FIELDS = ("isrc", *PROVIDER_ID_FIELDS, "file_path", "file_format", "file_bitrate")


@dataclass
class FetchOutcome:
    track: Track
    changed: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Providers whose answer describes another recording: left out, and said so.
    disagreements: list[dict] = field(default_factory=list)

    def as_result(self) -> dict:
        return {
            "changed": self.changed, "sources": self.sources, "errors": self.errors,
            "disagreements": self.disagreements,
        }


def _metadata_providers(provider: str = "") -> list[Provider]:
    if provider:
        return [get_provider(provider)]
    return providers_for(Capability.METADATA)


def _ask(client: Provider, track: Track, force_refresh: bool) -> TrackMetadata | None:
    """Ask one provider about track: by its own id, then by ISRC, then by a search matching accepts."""
    # A declared capability means its Protocol is implemented (tests/providers/test_registry.py
    # checks every provider); isinstance() on a Protocol is too slow for this path.
    own_id = getattr(track, client.id_field) if client.id_field else ""
    if own_id and Capability.METADATA in client.capabilities:
        return client.get_metadata(own_id, force_refresh=force_refresh)
    if track.isrc and Capability.ISRC_LOOKUP in client.capabilities:
        found = client.lookup_isrc(track.isrc, force_refresh=force_refresh)
        if found:
            return found
    if Capability.SEARCH in client.capabilities and track.title:
        artist = track.credit_name or ", ".join(track.artists)
        if not artist:
            return None
        candidates = client.search_tracks(artist=artist, title=track.title, limit=5, force_refresh=force_refresh)
        decision = matching.decide(metadata.recording_of(track), [metadata.recording_from(c) for c in candidates])
        if decision.outcome == matching.Outcome.ACCEPT and Capability.METADATA in client.capabilities:
            return client.get_metadata(candidates[decision.index].external_id, force_refresh=force_refresh)
    return None


def _ask_all(client: Provider, track: Track, force_refresh: bool) -> list[TrackMetadata]:
    found = _ask(client, track, force_refresh)
    if not found:
        return []
    answers = [found]
    if Capability.AUDIO_FEATURES in client.capabilities:
        features = client.audio_features(found.external_id, force_refresh=force_refresh)
        if features:
            answers.append(features)
    return answers


def tracks_metadata_gather(
    *, tracks: Sequence[Track], provider: str = "", force_refresh: bool = False,
    should_stop: Callable[[], bool] = lambda: False,
) -> GatherOutcome:
    """Ask every enabled provider about every track, the providers side by side (core.gather); the outcome's
    entries are keyed by track pk. The first RateLimited met is returned for the job to wait."""
    by_pk = {track.pk: track for track in tracks}
    return gather(
        keys=list(by_pk), clients=_metadata_providers(provider), should_stop=should_stop,
        ask=lambda client, pk: _ask_all(client, by_pk[pk], force_refresh),
    )


class TracksLock:
    """Lock a batch's tracks in one query, the first time one of them is written."""

    def __init__(self, track_ids: Iterable):
        self.track_ids = list(track_ids)
        self.rows: dict | None = None

    def get(self, pk) -> Track:
        if self.rows is None:
            self.rows = Track.objects.select_for_update().in_bulk(self.track_ids)
        try:
            return self.rows[pk]
        except KeyError:
            raise Track.DoesNotExist(f"The track {pk} was deleted while its metadata was fetched.") from None


def track_metadata_outcome(
    *, track: Track, gathered: Gathered, provider: str = "", lock: TracksLock | None = None
) -> Callable[[], dict]:
    """Return the write that merges and saves what was gathered for track; raise NothingFound if nothing is usable."""
    agreeing, disagreements = metadata.split_by_identity(track, gathered.results)
    if not agreeing:
        notes = [f"{note['provider']} calls it “{note['title']}”, another recording" for note in disagreements]
        detail = "; ".join(notes + gathered.errors) or (
            "no provider knows this track" if gathered.asked
            else "no metadata provider is enabled; `python manage.py providers` says why each is not"
        )
        raise NothingFound(
            f"No metadata for “{track}”: {detail}",
            failed=bool(gathered.asked) and len(gathered.errors) >= gathered.asked,
        )
    order = [provider] if provider else settings.METADATA_PROVIDERS
    merged = metadata.merge(agreeing, order)

    def write() -> dict:
        locked = (lock or TracksLock([track.pk])).get(track.pk)
        locked.metadata_fetched_at = timezone.now()
        changed = metadata.apply(locked, merged, at=locked.metadata_fetched_at)
        locked.save(update_fields=[*changed, "metadata_sources", "metadata_fetched_at", "updated_at"])
        return FetchOutcome(
            track=locked, changed=changed, sources=sorted({r.source for r in agreeing}), errors=gathered.errors,
            disagreements=disagreements,
        ).as_result()

    return write


def track_metadata_fetch(*, track: Track, provider: str = "", force_refresh: bool = False) -> FetchOutcome:
    """Fetch, merge and save track's metadata now; raise NothingFound if no provider had any.

    RateLimited escapes, for the caller to say when to try again.
    """
    gathered = tracks_metadata_gather(tracks=[track], provider=provider, force_refresh=force_refresh)
    if gathered.wait is not None:
        raise gathered.wait
    write = track_metadata_outcome(track=track, gathered=gathered.by_key[track.pk], provider=provider)
    with transaction.atomic():
        result = write()
    track.refresh_from_db()
    return FetchOutcome(track=track, **result)


def track_audience_gather(*, track: Track, platform: str = "spotify", force_refresh: bool = False) -> dict | None:
    """Return Soundcharts' audience figures for track on platform, or None if there are none."""
    if not track.soundcharts_uuid:
        return None
    return get_provider("soundcharts").audience(track.soundcharts_uuid, platform, force_refresh=force_refresh)


def track_audience_store(*, track: Track, figures: dict, platform: str = "spotify") -> None:
    """Store the audience figures on platform for track, beside those of other platforms."""
    locked = Track.objects.select_for_update().get(pk=track.pk)
    locked.audience = {**locked.audience, platform: figures}
    locked.audience_fetched_at = timezone.now()
    locked.save(update_fields=["audience", "audience_fetched_at", "updated_at"])


def track_fields_mark_manual(*, track: Track, fields: Iterable[str]) -> None:
    """Mark the fields a person edited as "manual", so no later fetch overwrites them."""
    editable = set(metadata.FIELD_MAP.values()) | set(metadata.PROVIDER_ID_FIELDS)
    metadata.sources_set(track, [name for name in fields if name in editable], metadata.MANUAL, timezone.now())


def track_fields_fill(*, track: Track, values: dict[str, str], source: str) -> list[str]:
    """Fill the track's empty text fields from values (say, a tracklist line's label), recording source; a field
    that holds anything, or that a person cleared on purpose, is left alone. Return the fields filled."""
    sources = track.metadata_sources or {}
    filled = {
        name: value
        for name, value in metadata.fitted({name: str(value) for name, value in values.items() if value}).items()
        if value and not getattr(track, name) and metadata.source_of(sources.get(name)) != metadata.MANUAL
    }
    if not filled:
        return []
    at = timezone.now()
    for name, value in filled.items():
        setattr(track, name, value)
    metadata.sources_set(track, filled, source, at)
    Track.objects.filter(pk=track.pk).update(**filled, metadata_sources=track.metadata_sources, updated_at=at)
    return list(filled)


# --- Creating tracks -----------------------------------------------------------------------------------------------
#
# Every Track row is made here, from a provider's candidate, a file's tags, a tracklist line or a want-list row, or
# a collection from DJ software: `track_build` is the one constructor, so every track is fitted to its fields, keeps
# its release date's precision and records where each value came from the same way. Where a track and its library
# entry are made together, the caller (library, audio, wantlist, crates) calls this module, then library.entries.

# The fields whose source a new track records: what a provider or a file may give.
SOURCED_FIELDS = frozenset({*metadata.FIELD_MAP.values(), "version", "remixers", *PROVIDER_ID_FIELDS})
_EMPTY = (None, "", [], ())


def track_build(
    *, values: Mapping[str, Any], sources: Mapping[str, str] | None = None, at: datetime.datetime | None = None,
) -> Track:
    """Return a new catalogue track of values, not yet saved: each value fitted to its field (`metadata.fitted`),
    "(untitled)" for no title, the release date's precision kept (a ReleaseDate "2000" stays a year), what
    Track.save derives done here too (so a bulk create has it), and where each field came from recorded (sources:
    field -> source, at the time at)."""
    fitted = metadata.fitted(values)
    fitted["title"] = fitted.get("title") or "(untitled)"
    if fitted.get("release_date") is not None and not fitted.get("release_date_precision"):
        fitted["release_date_precision"] = dates.precision_of(fitted["release_date"])
    track = Track(**fitted)
    # What Track.save does, for bulk_create: the key's place on the wheel, the genre's one spelling.
    track.key_wheel = keys.wheel_index(track.key)
    track.genre = normalise_genre(track.genre)
    at = at or timezone.now()
    track.metadata_sources = {name: metadata.source_entry(source, at) for name, source in (sources or {}).items()}
    return track


def track_create(*, values: Mapping[str, Any], source: str = "", person_fields: Iterable[str] = ()) -> Track:
    """Create a catalogue track from values (a provider's candidate, a Rekordbox collection's track), recording
    source as where each came from (none when source is empty); person_fields (BPM and key set in DJ software) are
    recorded as a person's, so no fetch overwrites them."""
    person = set(person_fields)
    given = [name for name, value in values.items() if name in SOURCED_FIELDS and value not in _EMPTY]
    sources = {name: metadata.MANUAL if name in person else source for name in given if source or name in person}
    track = track_build(values=values, sources=sources)
    track.save()
    return track


def track_provisional_create(*, values: Mapping[str, Any]) -> Track:
    """Create a track from someone's own words (a tracklist line, a want-list row), tied to no provider's
    recording: its title, version, artists and the rest as given, no source recorded."""
    return track_create(values=values)


def candidate_values(candidate: TrackCandidate) -> dict[str, Any]:
    """Return the Track values a provider's candidate gives, its own id among them."""
    title, version, remixers = metadata.title_parts(candidate.title, candidate.version)
    values: dict[str, Any] = {
        "title": title, "version": version, "remixers": remixers, "artists": list(candidate.artists),
        "credit_name": candidate.artist, "album": candidate.album, "duration": candidate.duration,
        "isrc": candidate.isrc, "label": candidate.label, "release_date": candidate.release_date,
    }
    own = metadata.OWN_ID_FIELD.get(candidate.source)
    if own and candidate.external_id:
        values[own] = str(candidate.external_id)
    return values


def track_from_candidate(*, candidate: TrackCandidate) -> tuple[Track, bool]:
    """Return the catalogue's track for a provider's candidate (the one with its id, or with its ISRC and the same
    recording, else a new one), and whether it is new."""
    own = metadata.OWN_ID_FIELD.get(candidate.source)
    if own and candidate.external_id:
        existing = Track.objects.filter(**{own: candidate.external_id}).first()
        if existing:
            return existing, False
    if candidate.isrc:
        recording = metadata.recording_from(candidate)
        for existing in Track.objects.filter(isrc=metadata.fitted({"isrc": candidate.isrc})["isrc"])[:5]:
            if matching.same_recording(metadata.recording_of(existing), recording):
                return existing, False
    return track_create(values=candidate_values(candidate), source=candidate.source), True


def tracks_from_files_create(*, tracks: Sequence[Track]) -> None:
    """Save, in batches, the new tracks a scan of the music folder built (`track_build`) for files it matched to
    no track: one query a batch, so a scan keeps its pace."""
    Track.objects.bulk_create(tracks, batch_size=500)


def track_values_merge(
    *, track: Track, values: dict[str, Any], source: str, person_fields: Iterable[str] = (),
) -> list[str]:
    """Give an existing track values from outside (a Rekordbox collection): person_fields (BPM and key set in DJ
    software) replace what the track holds and are recorded as a person's; every other value only fills a field
    that is empty and that a person did not clear on purpose. Return the fields that changed."""
    values = metadata.fitted(values)
    person = set(person_fields)
    sources = track.metadata_sources or {}
    at = timezone.now()
    changed, by_person = [], []
    for name, value in values.items():
        if value in (None, "", [], ()):
            continue
        if name in person:
            if getattr(track, name) != value:
                setattr(track, name, value)
                changed.append(name)
            by_person.append(name)
            continue
        if getattr(track, name) not in (None, "", [], ()) or metadata.source_of(sources.get(name)) == metadata.MANUAL:
            continue
        setattr(track, name, value)
        changed.append(name)
        if name == "release_date":
            track.release_date_precision = dates.precision_of(value)  # a ReleaseDate keeps its own ("2000" a year)
            changed.append("release_date_precision")
    metadata.sources_set(track, [name for name in changed if name not in person and name != "release_date_precision"],
                         source, at)
    metadata.sources_set(track, by_person, metadata.MANUAL, at)
    if changed or by_person:
        track.save(update_fields=[*changed, "metadata_sources", "updated_at"])
    return changed


def track_file_set(*, track: Track, fields: dict[str, Any]) -> None:
    """Record the track's local file: its path and what it is (the file_* fields a scan reads)."""
    for name, value in fields.items():
        setattr(track, name, value)
    Track.objects.filter(pk=track.pk).update(**fields, updated_at=timezone.now())


def track_file_moved(*, track: Track, path: str) -> None:
    """Record that the track's file now lives at path (moved by the app itself: the same file, size and time)."""
    track.file_path = path
    Track.objects.filter(pk=track.pk).update(file_path=path, file_missing=False, updated_at=timezone.now())


def track_rating_set(*, track: Track, rating: int | None) -> None:
    """Set a person's rating of the track, 0 to 5 stars (None: not rated)."""
    if rating is not None and not 0 <= rating <= 5:
        raise ValueError(f"A rating is 0 to 5 stars, not {rating}.")
    track.rating = rating
    Track.objects.filter(pk=track.pk).update(rating=rating, updated_at=timezone.now())


# --- Jobs -------------------------------------------------------------------------------


def metadata_fetch_jobs_create(
    *,
    tracks: Iterable,
    kind: str = FetchTaskType.BULK_METADATA,
    provider: str = "",
    force_refresh: bool = False,
    started_by: str = "",
    enqueue_now: bool = True,
) -> list[MetadataFetchTask]:
    """Create fetch jobs of at most BULK_CHUNK tracks (rows or ids) each, queued once committed.

    Raise ProviderDisabled (with the reason) for a disabled provider, and
    BrokerUnavailable, leaving the jobs FAILED with the reason, if they cannot be queued.
    """
    if provider:
        get_provider(provider)
    track_ids = list(dict.fromkeys(getattr(track, "pk", track) for track in tracks))
    chunk = max(1, settings.BULK_CHUNK)
    created = []
    with transaction.atomic():
        for start in range(0, len(track_ids), chunk):
            created.append(jobs.job_create(
                model=MetadataFetchTask,
                items=[{"track_id": pk} for pk in track_ids[start : start + chunk]],
                started_by=started_by, enqueue_now=enqueue_now,
                kind=kind, provider=provider, force_refresh=force_refresh,
            ))
    for job in created:
        job.refresh_from_db()
    failed = next((job for job in created if job.status == MetadataFetchTask.Status.FAILED), None)
    if failed is not None:
        raise BrokerUnavailable.of_job(failed.last_error)
    return created


def stale_tracks_fetch(*, provider: str = "", force_refresh: bool = False,
                       started_by: str = "") -> list[MetadataFetchTask]:
    """Create fetch jobs over the stale tracks that no unfinished job is fetching already."""
    ids = (selectors.stale_tracks_select().exclude(pk__in=selectors.busy_track_ids())
           .order_by("metadata_fetched_at", "pk"))
    return metadata_fetch_jobs_create(
        tracks=ids.values_list("pk", flat=True), provider=provider, force_refresh=force_refresh, started_by=started_by
    )


# --- Imports ---------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: list[Track] = field(default_factory=list)
    skipped: int = 0
    jobs: list[MetadataFetchTask] = field(default_factory=list)

    def summary(self) -> str:
        return (f"Imported {count_text(len(self.created), 'new track')}; skipped {self.skipped:,} already in the "
                "catalogue.")


def soundcharts_artist_import(*, artist_uuid, limit: int = 100, offset: int = 0, started_by: str = "") -> ImportResult:
    """Import an artist's songs from Soundcharts, skip known ones, and queue the new ones' metadata."""
    client = get_provider("soundcharts")
    songs: list[TrackCandidate] = []
    next_offset: int | None = offset
    while next_offset is not None and len(songs) < limit:
        page = client.artist_songs(str(artist_uuid), offset=next_offset, limit=min(100, limit - len(songs)))
        if page is None:
            raise NothingFound(f"Soundcharts has no artist with the UUID {artist_uuid}; "
                               "copy it from the artist's page.")
        songs.extend(page.items)
        next_offset = page.next_offset if page.items else None
    return _import_candidates(songs[:limit], "soundcharts_uuid", started_by)


def soundcharts_artist_search(*, name: str, limit: int = 10) -> list:
    """Return the Soundcharts artists whose name matches, best first."""
    return get_provider("soundcharts").search_artists(name, limit=limit)


def spotify_search(*, query: str, limit: int = 20) -> list[TrackCandidate]:
    """Search Spotify by track name, "artist - title" or ISRC."""
    client = get_provider("spotify")
    text = query.strip()
    if len(text) == 12 and text[:2].isalpha() and text[2:].isalnum() and any(c.isdigit() for c in text):
        return client.search_tracks(f"isrc:{text.upper()}", limit=limit)
    if " - " in text:
        artist, title = (part.strip() for part in text.split(" - ", 1))
        return client.search_tracks(artist=artist, title=title, limit=limit)
    return client.search_tracks(text, limit=limit)


def spotify_tracks_import(*, spotify_ids: list[str], started_by: str = "") -> ImportResult:
    """Import the chosen Spotify tracks, skip known ones, and queue the new ones' metadata."""
    client = get_provider("spotify")
    candidates = []
    for spotify_id in dict.fromkeys(spotify_ids):
        found = client.get_metadata(spotify_id)
        if found:
            candidates.append(TrackCandidate(
                source="spotify", external_id=found.external_id, title=found.title, artists=found.artists,
                album=found.album, duration=found.duration, isrc=found.isrc, release_date=found.release_date,
            ))
    return _import_candidates(candidates, "spotify_id", started_by)


def _import_candidates(candidates: list[TrackCandidate], id_field: str, started_by: str) -> ImportResult:
    result = ImportResult()
    with transaction.atomic():
        known = set(
            Track.objects.filter(**{f"{id_field}__in": [c.external_id for c in candidates]})
            .values_list(id_field, flat=True)
        )
        for candidate in candidates:
            if candidate.external_id in known:
                result.skipped += 1
                continue
            known.add(candidate.external_id)
            result.created.append(track_create(
                values={**candidate_values(candidate), id_field: candidate.external_id}, source=candidate.source,
            ))
    if result.created:
        result.jobs = metadata_fetch_jobs_create(tracks=result.created, started_by=started_by or "import")
    return result
