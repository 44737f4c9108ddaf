"""Deezer: track search, track lookups by id and by ISRC (with BPM where Deezer has it).

Deezer answers most errors with HTTP 200 and a body `{"error": {"type", "message",
"code"}}`, so every answer is checked for that before it is used.

Purchase links are left out on purpose: Deezer is a streaming service and sells
nothing, so a "buy" link to it would lead nowhere a DJ can get a file. The track
page is still offered as `url` on every candidate and metadata record.
"""

from __future__ import annotations

from typing import Any

from common.text import count_text
from providers.base import (
    Capability,
    ProviderError,
    RateLimited,
    TrackCandidate,
    TrackMetadata,
    as_decimal,
    as_int,
    normalise_isrc,
    parse_date,
)
from providers.cache import cached, normalise_query
from providers.client import Provider
from providers.http import NotFound, require

# https://developers.deezer.com/api/errors
DATA_NOT_FOUND = 800
QUOTA = 4
# Deezer's quota is about 50 requests per 5 seconds, so a short wait clears it.
QUOTA_RETRY_AFTER = 5.0


class Deezer(Provider):
    name = "deezer"
    label = "Deezer"
    capabilities = frozenset({Capability.SEARCH, Capability.METADATA, Capability.ISRC_LOOKUP})
    url_setting = "DEEZER_API_URL"
    id_field = "deezer_id"
    id_label = "Deezer id"

    def _get(self, path: str, *, endpoint: str, kind: str = "metadata", params: dict | None = None) -> Any:
        """Return the JSON body, None for Deezer's "no data", or raise for its other errors."""
        try:
            body = self.http.get_json(path, params=params, kind=kind, endpoint=endpoint)
        except NotFound:
            return None
        error = body.get("error") if isinstance(body, dict) else None
        if error is None:
            return body
        require(isinstance(error, dict), self.name, endpoint, "error is not an object")
        code = as_int(error.get("code"))
        if code == DATA_NOT_FOUND:
            return None
        if code == QUOTA:
            raise RateLimited(self.name, endpoint, QUOTA_RETRY_AFTER)
        message = error.get("message") or "no message"
        raise ProviderError(self.name, endpoint, f"{error.get('type') or 'Error'} {code}: {message}")

    # Reference: https://developers.deezer.com/api/search
    def _search(self, query: str, limit: int) -> list[dict[str, Any]]:
        endpoint = "GET /search/track"
        body = self._get("/search/track", params={"q": query, "limit": limit}, kind="search", endpoint=endpoint)
        if body is None:
            return []
        require(isinstance(body, dict) and isinstance(body.get("data"), list), self.name, endpoint, "no data list")
        tracks = [item for item in body["data"] if isinstance(item, dict) and item.get("type", "track") == "track"]
        require(all(item.get("id") for item in tracks), self.name, endpoint, "a track without an id")
        return tracks

    # Reference: https://developers.deezer.com/api/track
    def _track(self, path: str, endpoint: str) -> dict[str, Any] | None:
        body = self._get(path, endpoint=endpoint)
        if body is None:
            return None
        require(isinstance(body, dict) and body.get("id") and isinstance(body.get("title"), str),
                self.name, endpoint, "no track id and title")
        return body

    def search_tracks(self, query="", *, artist="", title="", limit=10, force_refresh=False) -> list[TrackCandidate]:
        if artist or title:
            term = advanced_query(artist=artist, title=title)
            # Kept apart so that swapping artist and title cannot share a cache entry.
            parts = ("fields", normalise_query(artist), normalise_query(title), limit)
        else:
            term, parts = query, ("query", normalise_query(query), limit)
        return cached(
            self.name, "search", parts,
            lambda: [map_candidate(track) for track in self._search(term, limit)],
            force_refresh=force_refresh,
        )

    def get_metadata(self, external_id: str, *, force_refresh=False) -> TrackMetadata | None:
        def fetch():
            track = self._track(f"/track/{external_id}", f"GET /track/{external_id}")
            return map_metadata(track) if track else None

        return cached(self.name, "metadata", (str(external_id),), fetch, force_refresh=force_refresh)

    # Reference: https://developers.deezer.com/api/track (a track id may be given as "isrc:<ISRC>")
    def lookup_isrc(self, isrc: str, *, force_refresh=False) -> TrackMetadata | None:
        isrc = normalise_isrc(isrc)

        def fetch():
            track = self._track(f"/track/isrc:{isrc}", f"GET /track/isrc:{isrc}")
            return map_metadata(track) if track else None

        return cached(self.name, "metadata", ("isrc", isrc), fetch, force_refresh=force_refresh)

    def check(self) -> str:
        tracks = self._search('artist:"daft punk" track:"one more time"', 1)
        return f"search answered with {count_text(len(tracks), 'track')}"


def advanced_query(*, artist: str = "", title: str = "") -> str:
    """Return Deezer's advanced search for the given fields: artist:"X" track:"Y"."""
    # A double quote inside a value would end the quoted field early.
    fields = (("artist", artist), ("track", title))
    cleaned = [(field, " ".join(value.replace('"', " ").split())) for field, value in fields]
    return " ".join(f'{field}:"{value}"' for field, value in cleaned if value)


def track_title(track: dict[str, Any]) -> str:
    """Return the title with its version: Deezer keeps the version apart too (title_version, "(Live)"), and
    `title` normally already ends with it; where it does not, it is added, so that matching reads it."""
    title = " ".join(str(track.get("title") or "").split())
    version = " ".join(str(track.get("title_version") or "").split())
    if version and version.casefold() not in title.casefold():
        bracketed = version if version[:1] in "([" else f"({version})"
        return f"{title} {bracketed}".strip()
    return title


def _artists(track: dict[str, Any]) -> tuple[str, ...]:
    """Return every contributor where the answer lists them (a track lookup, an artist's top tracks), else the
    main artist (a search hit)."""
    artist = track.get("artist") if isinstance(track.get("artist"), dict) else {}
    contributors = [item["name"] for item in track.get("contributors") or []
                    if isinstance(item, dict) and item.get("name")]
    return tuple(dict.fromkeys(contributors)) or ((artist["name"],) if artist.get("name") else ())


def map_candidate(track: dict[str, Any]) -> TrackCandidate:
    album = track.get("album") if isinstance(track.get("album"), dict) else {}
    return TrackCandidate(
        source="deezer",
        external_id=str(track["id"]),
        title=track_title(track),
        artists=_artists(track),
        album=album.get("title") or "",
        duration=as_int(track.get("duration")) or None,
        isrc=track.get("isrc") or "",
        url=track.get("link") or "",
    )


def map_metadata(track: dict[str, Any]) -> TrackMetadata:
    album = track.get("album") if isinstance(track.get("album"), dict) else {}
    artists = _artists(track)
    return TrackMetadata(
        source="deezer",
        external_id=str(track["id"]),
        title=track_title(track),
        artists=artists,
        credit_name=", ".join(artists),
        album=album.get("title") or "",
        isrc=track.get("isrc") or "",
        release_date=parse_date(track.get("release_date")) or parse_date(album.get("release_date")),
        duration=as_int(track.get("duration")) or None,
        # Deezer reports 0 when it has not measured the tempo.
        bpm=as_decimal(track.get("bpm")),
        track_number=as_int(track.get("track_position")),
        disc_number=as_int(track.get("disk_number")),
        artwork_url=album.get("cover_xl") or "",
        url=track.get("link") or "",
        ids={"deezer_id": str(track["id"])},
    )
