"""Merge what several providers say about one recording into Track fields.

The precedence is one rule, documented in the README: for each field, the first
provider in METADATA_PROVIDERS order that gives a value wins. The default order
puts Beatport and Discogs first because their BPM, key, label, catalogue number
and genre are the ones DJs file by; MusicBrainz then settles identity (title,
credits, ISRC, dates). A field a person edited in the admin (source "manual")
is never overwritten by a fetch. A provider's answer for the id the track holds
is authoritative; any other result that describes another recording (a
different version, a different song) is left out of the merge altogether, so a
fetch never changes what a track is. This module does no I/O.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

import matching
from common import dates
from common.text import storable
from providers.base import TrackMetadata
from providers.registry import id_fields
from tracks.genres import normalise_genre
from tracks.models import PROVIDER_ID_FIELDS, RELATED_ID_FIELDS, Track

MANUAL = "manual"

# Every text field's length, read from the model, so a value from outside (a provider, a file's tags, a tracklist,
# a want-list row, DJ software) is cut in one place (`fitted`) and never by a number copied by hand. The file's
# path is not cut: cut, it would name another file.
TEXT_LENGTHS = {
    field.name: field.max_length for field in Track._meta.concrete_fields
    if isinstance(field, models.CharField) and field.max_length and field.name != "file_path"
}
# The fields a person reads as words: runs of spaces and line breaks in them become one space (ids, URLs and paths
# are left as they are).
WORD_FIELDS = frozenset({
    "title", "version", "credit_name", "album", "album_artist", "label", "catalog_number", "genre", "key",
})


def fitted(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return Track values as the catalogue stores them: text made storable, words spaced once, and each text cut
    to its field's length (TEXT_LENGTHS)."""
    fitted_values = storable(dict(values))
    for name, value in fitted_values.items():
        if isinstance(value, str):
            if name in WORD_FIELDS:
                value = " ".join(value.split())
            limit = TEXT_LENGTHS.get(name)
            fitted_values[name] = value[:limit] if limit else value
    return fitted_values


def source_entry(source: str, at: datetime.datetime) -> dict[str, str]:
    """Return what Track.metadata_sources keeps for one field: who gave it ("manual" for a person) and when."""
    return {"source": source, "at": at.isoformat(timespec="seconds")}


def source_of(entry: Any) -> str:
    """Return who gave a field, from its metadata_sources entry ("" if unknown)."""
    return str(entry.get("source", "")) if isinstance(entry, dict) else ""


def sources_set(track: Any, fields: Iterable[str], source: str, at: datetime.datetime) -> None:
    """Record on track that source gave these fields at that time."""
    sources = dict(track.metadata_sources or {})
    for field in fields:
        sources[field] = source_entry(source, at)
    track.metadata_sources = sources

# TrackMetadata attribute -> Track field. Order is the order fields are shown in.
FIELD_MAP = {
    "title": "title",
    "artists": "artists",
    "credit_name": "credit_name",
    "album": "album",
    "album_artist": "album_artist",
    "label": "label",
    "catalog_number": "catalog_number",
    "isrc": "isrc",
    "release_date": "release_date",
    "duration": "duration",
    "genre": "genre",
    "bpm": "bpm",
    "key": "key",
    "track_number": "track_number",
    "disc_number": "disc_number",
    "artwork_url": "artwork_url",
    "slug": "slug",
}
# Provider ids a provider may report about itself or about other services.
OWN_ID_FIELD = {spec.provider: spec.field for spec in id_fields()}


def _given(value: Any) -> bool:
    return value not in (None, "", (), [], {})


def merge(results: Iterable[TrackMetadata], order: list[str]) -> dict[str, tuple[Any, str]]:
    """Return {track_field: (value, provider)} choosing, per field, the first provider in order."""
    rank = {name: index for index, name in enumerate(order)}
    ranked = sorted(results, key=lambda result: rank.get(result.source, len(rank)))
    merged: dict[str, tuple[Any, str]] = {}
    for result in ranked:
        for attribute, field in FIELD_MAP.items():
            value = getattr(result, attribute)
            if field not in merged and _given(value):
                merged[field] = (list(value) if isinstance(value, tuple) else value, result.source)
                if field == "title":
                    # The version and its remixers come with the title, from the same provider.
                    title, version, remixers = title_parts(value, result.version, result.remixers)
                    merged["title"] = (title, result.source)
                    merged["version"] = (version, result.source)
                    merged["remixers"] = (remixers, result.source)
        own = OWN_ID_FIELD.get(result.source)
        if own and own not in merged and result.external_id:
            merged[own] = (str(result.external_id), result.source)
        for field, value in result.ids.items():
            if field in PROVIDER_ID_FIELDS and field not in merged and value:
                merged[field] = (str(value), result.source)
            elif field in RELATED_ID_FIELDS and field not in merged and value:
                merged[field] = ([str(each) for each in value] if isinstance(value, list | tuple) else str(value),
                                 result.source)
    return merged


def apply(track: Any, merged: dict[str, tuple[Any, str]], at: datetime.datetime) -> list[str]:
    """Set merged values on track, keeping manual edits; return the names of the fields that changed.

    Each field's source and the time are recorded; a genre takes its one spelling, a release date keeps
    the precision its provider gave ("2000" stays a year)."""
    sources = dict(track.metadata_sources or {})
    changed = []
    for field, (value, provider) in merged.items():
        if source_of(sources.get(field)) == MANUAL:
            continue
        if field in ("version", "remixers") and source_of(sources.get("title")) == MANUAL:
            continue  # they belong to the title a person wrote
        if field == "genre":
            value = normalise_genre(value)
        if field == "release_date":
            precision = dates.precision_of(value)
            if track.release_date_precision != precision:
                track.release_date_precision = precision
                changed.append("release_date_precision")
        if field in PROVIDER_ID_FIELDS and getattr(track, field):
            # A known id is the key the track was fetched by; a provider never replaces it.
            continue
        value = fitted({field: value})[field]
        if getattr(track, field) != value:
            setattr(track, field, value)
            changed.append(field)
        sources[field] = source_entry(provider, at)
    track.metadata_sources = sources
    return changed


def title_parts(title: str, version: str = "", remixers: Iterable[str] = ()) -> tuple[str, str, list[str]]:
    """Split a title as a provider writes it into (title, version, remixers): "Strobe (Club Edit)" ->
    ("Strobe", "Club Edit", []); a version the provider gives apart (Beatport's mix name) is taken as is.
    Featured artists stay in the title."""
    title = " ".join((title or "").split())
    explicit = " ".join((version or "").split())
    parsed = matching.parse_title(title)
    if parsed.version and not explicit:
        base = parsed.base
        if parsed.featuring:
            base = f"{base} (feat. {', '.join(parsed.featuring)})"
        title, explicit = base or title, parsed.version
    given = [name for name in remixers if name]
    if not given and explicit:
        remixer = matching.parse_title(f"x ({explicit})").remixer
        given = list(matching.split_artists(remixer)) if remixer else []
    return title, explicit, given


def recording_of(track: Any) -> matching.Recording:
    """Return what matching compares of a Track: its title and version, artists and known ids."""
    artists = tuple(track.artists or ()) or matching.split_artists(track.credit_name or "")
    ids = {field: getattr(track, field) for field in PROVIDER_ID_FIELDS if getattr(track, field)}
    return matching.Recording(
        title=track.title, version=getattr(track, "version", ""), artists=artists, duration=track.duration,
        isrc=track.isrc, ids=ids,
        label=track.label, catalog_number=track.catalog_number,
    )


def recording_from(found: Any) -> matching.Recording:
    """Return what matching compares of a provider's TrackCandidate or TrackMetadata."""
    ids = dict(getattr(found, "ids", {}) or {})
    own = OWN_ID_FIELD.get(found.source)
    if own and found.external_id:
        ids.setdefault(own, str(found.external_id))
    return matching.Recording(
        title=found.title, version=getattr(found, "version", "") or "", artists=tuple(found.artists),
        duration=found.duration, isrc=found.isrc or "", ids=ids, label=found.label or "",
        catalog_number=getattr(found, "catalog_number", "") or "", source=found.source,
        comment=getattr(found, "comment", "") or "", video=bool(getattr(found, "video", False)),
        release_types=dict(getattr(found, "release_types", ()) or ()),
        release_count=getattr(found, "release_count", 0) or 0, album_date=getattr(found, "album_date", "") or "",
        official_release_count=getattr(found, "official_release_count", 0) or 0,
    )


def fetched_by_own_id(track: Any, result: TrackMetadata) -> bool:
    """Return whether result is its provider's answer for the id track holds for it (an MBID, a Spotify id...)."""
    own = OWN_ID_FIELD.get(result.source)
    held = str(getattr(track, own, "") or "") if own else ""
    return bool(held and result.external_id) and held.casefold() == str(result.external_id).casefold()


def split_by_identity(track: Any, results: Iterable[TrackMetadata]) -> tuple[list[TrackMetadata], list[dict[str, Any]]]:
    """Return the results about track's own recording, and a note for each that describes another one.

    A provider's answer for the id the track holds is the track's recording by definition (the id was accepted by
    identification or given by a person), whatever its title says now: it is never refused. Every other answer
    (an ISRC lookup's, a search hit's) must pass `matching.same_recording`, against the track or, when the track
    has no title yet, against the answer for its own id. A result without a title (Discogs describes releases)
    says nothing about identity and is kept.
    """
    results = list(results)
    authoritative = [result for result in results if fetched_by_own_id(track, result)]
    own = recording_of(track)
    if not own.title and authoritative:
        own = recording_from(next((result for result in authoritative if result.title), authoritative[0]))
    agreeing, disagreements = list(authoritative), []
    for result in results:
        if result in authoritative:
            continue
        if not result.title or matching.same_recording(own, recording_from(result)):
            agreeing.append(result)
        else:
            disagreements.append({
                "provider": result.source, "title": result.title, "artists": list(result.artists),
            })
    return agreeing, disagreements
