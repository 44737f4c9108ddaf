"""MusicBrainz web service v2: recording search, recording lookups and ISRC lookups.

Requests go through the shared ProviderSession (rate limit, retries, User-Agent)
and ask for XML, which musicbrainzngs parses; musicbrainzngs' own HTTP is not
used because its rate limiter only counts requests made by one process.
"""

from __future__ import annotations

import dataclasses
import io
import re
import xml.etree.ElementTree as ET
from typing import Any

from musicbrainzngs import mbxml

from common.text import count_text
from providers.base import (
    Capability,
    ProviderError,
    TrackCandidate,
    TrackMetadata,
    as_int,
    excerpt,
    normalise_isrc,
    parse_date,
    seconds_from_ms,
)
from providers.cache import cached, normalise_query
from providers.client import Provider
from providers.http import NotFound, path_segment, require

WEB_URL = "https://musicbrainz.org"
XML = {"Accept": "application/xml"}
# The web service answers at most 100 hits per page.
MAX_LIMIT = 100
# Lucene's special characters; a backslash makes each one literal.
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')
# What a broken body can make mbxml raise besides ParseError: int() of a non-number,
# a missing attribute, an unexpected nesting.
_PARSE_ERRORS = (ET.ParseError, ValueError, TypeError, AttributeError, KeyError, IndexError)


class MusicBrainz(Provider):
    name = "musicbrainz"
    label = "MusicBrainz"
    capabilities = frozenset({Capability.SEARCH, Capability.METADATA, Capability.ISRC_LOOKUP})
    url_setting = "MUSICBRAINZ_URL"
    id_field = "musicbrainz_recording_id"
    id_label = "MusicBrainz recording id"
    id_max_length = 36

    def _xml(self, path: str, params: dict[str, Any], *, kind: str, endpoint: str) -> dict[str, Any]:
        """GET path as XML and return musicbrainzngs' parsed message; raise ProviderError on garbage."""
        response = self.http.request("GET", path, params=params, headers=XML, kind=kind, endpoint=endpoint)
        try:
            message = mbxml.parse_message(io.BytesIO(response.content))
        except _PARSE_ERRORS as exc:
            kind_of_body = response.headers.get("Content-Type", "no content type").split(";")[0]
            raise ProviderError(
                self.name, endpoint,
                f"expected MusicBrainz XML but got {kind_of_body} ({exc.__class__.__name__}): "
                f"{excerpt(response.text)!r}",
            ) from None
        require(isinstance(message, dict), self.name, endpoint, "no <metadata> document")
        return message

    # Reference: https://musicbrainz.org/doc/MusicBrainz_API/Search#Recording
    def _search(self, lucene: str, limit: int) -> dict[str, Any]:
        endpoint = "GET /ws/2/recording"
        message = self._xml(
            "/ws/2/recording",
            {"query": lucene, "limit": max(1, min(limit, MAX_LIMIT))},
            kind="search",
            endpoint=endpoint,
        )
        recordings = message.get("recording-list")
        require(isinstance(recordings, list), self.name, endpoint, "no <recording-list>")
        _require_recordings(recordings, self.name, endpoint)
        return message

    # Reference: https://musicbrainz.org/doc/MusicBrainz_API#Lookups (recording, inc=artists+releases+isrcs+tags+genres)
    def _recording(self, mbid: str) -> dict[str, Any] | None:
        endpoint = "GET /ws/2/recording/{mbid}"
        try:
            message = self._xml(
                f"/ws/2/recording/{path_segment(mbid)}",
                {"inc": "artists releases isrcs tags genres"},
                kind="metadata",
                endpoint=endpoint,
            )
        except NotFound:
            return None
        recording = message.get("recording")
        require(isinstance(recording, dict), self.name, endpoint, "no <recording>")
        _require_recordings([recording], self.name, endpoint)
        return recording

    # Reference: https://musicbrainz.org/doc/MusicBrainz_API#Non-MBID_Lookups (isrc, inc=artists+releases)
    def _isrc(self, isrc: str) -> dict[str, Any] | None:
        endpoint = "GET /ws/2/isrc/{isrc}"
        try:
            message = self._xml(
                f"/ws/2/isrc/{path_segment(isrc)}",
                {"inc": "artists releases"},
                kind="metadata",
                endpoint=endpoint,
            )
        except NotFound:
            return None
        found = message.get("isrc")
        require(
            isinstance(found, dict) and isinstance(found.get("recording-list"), list),
            self.name, endpoint, "no <isrc> with a <recording-list>",
        )
        _require_recordings(found["recording-list"], self.name, endpoint)
        return found

    def search_tracks(self, query="", *, artist="", title="", limit=10, force_refresh=False) -> list[TrackCandidate]:
        lucene = lucene_query(query=query, artist=artist, title=title)
        if not lucene:
            return []
        if artist.strip() or title.strip():
            parts = ("fields", normalise_query(artist), normalise_query(title), limit)
        else:
            parts = ("query", normalise_query(query), limit)
        return cached(
            self.name, "search", parts,
            lambda: [map_candidate(recording) for recording in self._search(lucene, limit)["recording-list"]],
            force_refresh=force_refresh,
        )

    def get_metadata(self, external_id: str, *, force_refresh=False) -> TrackMetadata | None:
        def fetch():
            recording = self._recording(external_id)
            return map_metadata(recording) if recording else None

        return cached(self.name, "metadata", ("recording", external_id), fetch, force_refresh=force_refresh)

    def lookup_isrc(self, isrc: str, *, force_refresh=False) -> TrackMetadata | None:
        code = normalise_isrc(isrc)

        def fetch():
            found = self._isrc(code)
            return map_isrc_lookup(found) if found else None

        return cached(self.name, "metadata", ("isrc", code), fetch, force_refresh=force_refresh)

    def check(self) -> str:
        message = self._search(lucene_query(artist="Daft Punk", title="One More Time"), 1)
        return f"search answered with {count_text(as_int(message.get('recording-count')) or 0, 'recording')}"


def _require_recordings(recordings: list, provider: str, endpoint: str) -> None:
    require(
        all(isinstance(item, dict) and item.get("id") and "title" in item for item in recordings),
        provider, endpoint, "a <recording> without an id or title",
    )


def lucene_escape(text: str) -> str:
    """Return text with Lucene's special characters escaped, so it is searched literally."""
    return _LUCENE_SPECIAL.sub(r"\\\1", text.strip())


def lucene_query(*, query: str = "", artist: str = "", title: str = "") -> str:
    """Return the Lucene query for a recording search.

    Artist and title become phrase searches on their fields; otherwise the free
    query is searched as plain words (escaped: a tracklist line is not Lucene).
    """
    fields = [f'{field}:"{lucene_escape(value)}"'
              for field, value in (("recording", title), ("artist", artist)) if value.strip()]
    return " AND ".join(fields) if fields else lucene_escape(query)


def map_candidate(recording: dict[str, Any]) -> TrackCandidate:
    release = _first_release(recording)
    labels = _labels(release)
    score = as_int(recording.get("ext:score"))
    return TrackCandidate(
        source="musicbrainz",
        external_id=recording["id"],
        title=recording.get("title") or "",
        artists=_artists(recording),
        album=release.get("title") or "",
        duration=seconds_from_ms(recording.get("length")),
        isrc=_first(recording.get("isrc-list")),
        release_date=parse_date(release.get("date")),
        label=labels[0] if labels else "",
        url=f"{WEB_URL}/recording/{recording['id']}",
        score=score / 100 if score is not None else None,
        country=release.get("country") or "",
        album_date=_earliest_album_date(recording),
        **_version_signals(recording),
    )


def map_metadata(recording: dict[str, Any]) -> TrackMetadata:
    """Map one parsed <recording> (a lookup, an ISRC lookup's or a search hit's) to TrackMetadata.

    `artists` holds each credited artist's own MusicBrainz name (what matching
    compares); `credit_name` is the credit as printed, with its join phrases.
    Album, date, label and track position come from the first release listed.
    """
    release = _first_release(recording)
    medium, track = _first_track(release)
    labels = _labels(release)
    genres = _genres(recording)
    # The ids Picard writes beside the recording's, for the release the album, label and date come from.
    ids: dict[str, Any] = {
        "musicbrainz_recording_id": recording["id"],
        "musicbrainz_release_id": release.get("id") or "",
        "musicbrainz_release_group_id": (release.get("release-group") or {}).get("id") or "",
        "musicbrainz_artist_ids": _artist_ids(recording),
        "musicbrainz_album_artist_ids": _artist_ids(release),
    }
    ids = {name: value for name, value in ids.items() if value}
    return TrackMetadata(
        source="musicbrainz",
        external_id=recording["id"],
        title=recording.get("title") or "",
        artists=_artists(recording),
        credit_name=recording.get("artist-credit-phrase") or "",
        album=release.get("title") or "",
        album_artist=release.get("artist-credit-phrase") or "",
        label=labels[0] if labels else "",
        labels=labels,
        catalog_number=next(
            (info["catalog-number"] for info in release.get("label-info-list") or [] if info.get("catalog-number")), ""
        ),
        isrc=_first(recording.get("isrc-list")),
        release_date=parse_date(release.get("date")),
        duration=seconds_from_ms(recording.get("length")),
        genre=genres[0] if genres else "",
        genres=genres,
        track_number=as_int(track.get("position") or track.get("number")),
        disc_number=as_int(medium.get("position")),
        url=f"{WEB_URL}/recording/{recording['id']}",
        ids=ids,
        **_version_signals(recording),
    )


def map_isrc_lookup(found: dict[str, Any]) -> TrackMetadata | None:
    """Map an ISRC lookup's first recording, carrying the ISRC that found it; None if it lists none."""
    recordings = found.get("recording-list") or []
    if not recordings:
        return None
    metadata = map_metadata(recordings[0])
    if metadata.isrc or not found.get("id"):
        return metadata
    return dataclasses.replace(metadata, isrc=found["id"])


def _artists(recording: dict[str, Any]) -> tuple[str, ...]:
    # The artist credit alternates name credits (dicts) and join phrases (strings).
    names = []
    for credit in recording.get("artist-credit") or []:
        if isinstance(credit, dict):
            name = (credit.get("artist") or {}).get("name") or credit.get("name")
            if name:
                names.append(name)
    return tuple(names)


def _artist_ids(credited: dict[str, Any]) -> list[str]:
    """Return the MusicBrainz ids of a recording's or a release's credited artists, in credit order."""
    return [
        str(credit["artist"]["id"]) for credit in credited.get("artist-credit") or []
        if isinstance(credit, dict) and isinstance(credit.get("artist"), dict) and credit["artist"].get("id")
    ]


def _releases(recording: dict[str, Any]) -> list[dict[str, Any]]:
    return [release for release in recording.get("release-list") or [] if isinstance(release, dict)]


def _version_signals(recording: dict[str, Any]) -> dict[str, Any]:
    """Return what MusicBrainz says of a recording's version beside its title (matching.versions reads it): the
    disambiguation comment, the video flag, and how many of its releases carry each secondary type."""
    releases = _releases(recording)
    counts: dict[str, int] = {}
    for release in releases:
        group = release.get("release-group") or {}
        for name in dict.fromkeys(group.get("secondary-type-list") or []):
            if isinstance(name, str) and name:
                counts[name] = counts.get(name, 0) + 1
    return {
        "comment": str(recording.get("disambiguation") or "")[:300],
        "video": str(recording.get("video") or "").lower() == "true",
        "release_types": tuple(sorted(counts.items())),
        "release_count": len(releases),
        "official_release_count": sum(1 for release in releases if release.get("status") == "Official"),
    }


def _earliest_album_date(recording: dict[str, Any]) -> str:
    """Return the date ("1977", "1977-02-04") of the recording's earliest official album release (not a
    compilation's), or "" when no release listed is one."""
    dates = []
    for release in _releases(recording):
        group = release.get("release-group") or {}
        secondary = group.get("secondary-type-list") or []
        if release.get("status") == "Official" and group.get("primary-type") == "Album" and not secondary:
            date = str(release.get("date") or "")
            if re.fullmatch(r"\d{4}(?:-\d{2}){0,2}", date):
                dates.append(date)
    return min(dates, default="")


def _first_release(recording: dict[str, Any]) -> dict[str, Any]:
    releases = recording.get("release-list") or []
    return releases[0] if releases and isinstance(releases[0], dict) else {}


def _first_track(release: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    for medium in release.get("medium-list") or []:
        for track in medium.get("track-list") or []:
            return medium, track
    return {}, {}


def _labels(release: dict[str, Any]) -> tuple[str, ...]:
    names = [(info.get("label") or {}).get("name") for info in release.get("label-info-list") or []]
    return tuple(dict.fromkeys(name for name in names if name))


def _genres(recording: dict[str, Any]) -> tuple[str, ...]:
    # musicbrainzngs 0.7.1 does not parse <genre-list>; MusicBrainz genres are the
    # tags on its genre list, so the tags ranked by votes stand in for them.
    tags = [tag for tag in recording.get("tag-list") or [] if tag.get("name")]
    ranked = sorted(tags, key=lambda tag: as_int(tag.get("count")) or 0, reverse=True)
    return tuple(dict.fromkeys(tag["name"] for tag in ranked))


def _first(values: Any) -> str:
    return values[0] if isinstance(values, list) and values and isinstance(values[0], str) else ""
