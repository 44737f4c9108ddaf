"""Merge what several providers say about one recording into Track fields.

The precedence is one rule, documented in the README: for each field, the first
provider in METADATA_PROVIDERS order that gives a value wins. The default order
puts Beatport and Discogs first because their BPM, key, label, catalogue number
and genre are the ones DJs file by; MusicBrainz then settles identity (title,
credits, ISRC, dates). A field a person edited in the admin (source "manual")
is never overwritten by a fetch. This module does no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from providers.base import TrackMetadata

MANUAL = "manual"

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
ID_FIELDS = (
    "soundcharts_uuid", "musicbrainz_recording_id", "spotify_id", "discogs_id",
    "beatport_id", "deezer_id", "itunes_id",
)
OWN_ID_FIELD = {
    "soundcharts": "soundcharts_uuid",
    "musicbrainz": "musicbrainz_recording_id",
    "spotify": "spotify_id",
    "discogs": "discogs_id",
    "beatport": "beatport_id",
    "deezer": "deezer_id",
    "itunes": "itunes_id",
}


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
        own = OWN_ID_FIELD.get(result.source)
        if own and own not in merged and result.external_id:
            merged[own] = (str(result.external_id), result.source)
        for field, value in result.ids.items():
            if field in ID_FIELDS and field not in merged and value:
                merged[field] = (str(value), result.source)
    return merged


def apply(track: Any, merged: dict[str, tuple[Any, str]]) -> list[str]:
    """Set merged values on track, keeping manual edits; return the names of the fields that changed."""
    sources = dict(track.metadata_sources or {})
    changed = []
    for field, (value, provider) in merged.items():
        if sources.get(field) == MANUAL:
            continue
        if field in ID_FIELDS and getattr(track, field):
            # A known id is the key the track was fetched by; a provider never replaces it.
            continue
        max_length = getattr(track._meta.get_field(field), "max_length", None)
        if max_length and isinstance(value, str):
            value = value[:max_length]
        if getattr(track, field) != value:
            setattr(track, field, value)
            changed.append(field)
        sources[field] = provider
    track.metadata_sources = sources
    return changed
