"""Spotify Web API: search, track metadata, ISRC lookups and audio features.

Every call carries an app access token from the client-credentials flow. The
token is kept in Django's cache (shared by every worker) until shortly before it
expires; a 401 drops it, and the call is tried once more with a fresh one. The
token and the client secret never reach a log line or an exception message.
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Any

from django.conf import settings
from django.core.cache import cache

from common.text import count_text
from providers.base import (
    Capability,
    TrackCandidate,
    TrackMetadata,
    Unauthorized,
    as_decimal,
    as_int,
    key_name,
    normalise_isrc,
    parse_date,
    seconds_from_ms,
)
from providers.cache import cached, normalise_query
from providers.client import Provider
from providers.http import NotFound, ProviderSession, path_segment, require

logger = logging.getLogger(__name__)

TOKEN_ENDPOINT = "POST /api/token"
# Renew the token this many seconds before Spotify says it expires, so a call
# started just before expiry does not arrive with a dead token.
TOKEN_EXPIRY_MARGIN = 60
# Spotify allows 50 per page, but apps in Development Mode have been capped at 10
# since February 2026 (larger values answer 400), so ask for no more than that.
SEARCH_LIMIT_MAX = 10
_ISRC = re.compile(r"[A-Z]{2}[A-Z0-9]{3}\d{7}")
_DATE_SIZE = {"year": 4, "month": 7, "day": 10}


class Spotify(Provider):
    name = "spotify"
    label = "Spotify"
    capabilities = frozenset(
        {Capability.SEARCH, Capability.METADATA, Capability.ISRC_LOOKUP, Capability.AUDIO_FEATURES}
    )
    url_setting = "SPOTIFY_API_URL"
    id_field = "spotify_id"
    id_label = "Spotify id"
    id_max_length = 62
    required_settings = ("SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET")
    credentials_help = (
        "create an app at https://developer.spotify.com/dashboard and copy its Client ID and Client secret"
    )

    def __init__(self) -> None:
        super().__init__()
        # The token endpoint lives on another host; same provider name, so the
        # same rate limit and error wording apply.
        self.accounts = ProviderSession(self.name, settings.SPOTIFY_ACCOUNTS_URL)

    # Reference: https://developer.spotify.com/documentation/web-api/tutorials/client-credentials-flow
    def _token(self, *, renew: bool = False) -> str:
        """Return an app access token from the cache, or fetch and cache a new one."""
        key = token_cache_key(settings.SPOTIFY_CLIENT_ID)
        if not renew:
            token = cache.get(key)
            if token:
                return token
        body = self.accounts.json(
            "POST",
            "/api/token",
            data={"grant_type": "client_credentials"},
            # HTTP Basic auth: the secret travels in a header, never in the URL.
            auth=(settings.SPOTIFY_CLIENT_ID, settings.SPOTIFY_CLIENT_SECRET),
            endpoint=TOKEN_ENDPOINT,
            idempotent=True,  # asking for a token twice does no harm
        )
        require(
            isinstance(body, dict) and isinstance(body.get("access_token"), str) and bool(body["access_token"]),
            self.name, TOKEN_ENDPOINT, "no access_token in the answer",
        )
        token = body["access_token"]
        lifetime = (as_int(body.get("expires_in")) or 0) - TOKEN_EXPIRY_MARGIN
        if lifetime > 0:
            cache.set(key, token, lifetime)
        else:
            # Too short-lived to be worth sharing; use it for this call only.
            cache.delete(key)
        return token

    def _drop_token(self) -> None:
        cache.delete(token_cache_key(settings.SPOTIFY_CLIENT_ID))

    def _get(self, path: str, *, endpoint: str, kind: str = "metadata", params: dict | None = None) -> Any:
        """GET path with the app token; on a 401, renew the token and try once more."""
        # Fetched outside the try: a 401 from the token endpoint means bad credentials, not a stale token.
        token = self._token()
        try:
            return self.http.get_json(path, params=params, kind=kind, endpoint=endpoint, headers=_bearer(token))
        except Unauthorized as exc:
            if exc.status != 401:
                raise
        # Spotify revoked or expired the token before we expected to: renew it once.
        logger.info("spotify: %s answered 401; renewing the access token and trying again", endpoint)
        self._drop_token()
        return self.http.get_json(
            path, params=params, kind=kind, endpoint=endpoint, headers=_bearer(self._token(renew=True))
        )

    # Reference: https://developer.spotify.com/documentation/web-api/reference/search
    def _search(self, q: str, limit: int) -> list[dict[str, Any]]:
        endpoint = "GET /search"
        body = self._get(
            "/search",
            params={"q": q, "type": "track", "limit": max(1, min(limit, SEARCH_LIMIT_MAX))},
            kind="search",
            endpoint=endpoint,
        )
        require(
            isinstance(body, dict) and isinstance(body.get("tracks"), dict)
            and isinstance(body["tracks"].get("items"), list),
            self.name, endpoint, "no tracks.items list",
        )
        # Spotify sometimes puts null where an unavailable item was; skip those.
        tracks = [item for item in body["tracks"]["items"] if item is not None]
        for track in tracks:
            _require_track(track, endpoint)
        return tracks

    # Reference: https://developer.spotify.com/documentation/web-api/reference/get-track
    def _track(self, spotify_id: str) -> dict[str, Any] | None:
        endpoint = "GET /tracks/{id}"
        try:
            body = self._get(f"/tracks/{path_segment(spotify_id)}", endpoint=endpoint)
        except NotFound:
            return None
        _require_track(body, endpoint)
        return body

    # Reference: https://developer.spotify.com/documentation/web-api/reference/get-audio-features
    def _audio_features(self, spotify_id: str) -> dict[str, Any] | None:
        endpoint = "GET /audio-features/{id}"
        try:
            body = self._get(f"/audio-features/{path_segment(spotify_id)}", endpoint=endpoint)
        except NotFound:
            return None
        except Unauthorized as exc:
            if exc.status != 403:
                raise
            # Closed to apps created after November 2024: "not available", not a failure.
            logger.info("spotify: %s is closed to this app; no audio features", endpoint)
            return None
        require(
            isinstance(body, dict) and isinstance(body.get("id"), str) and "tempo" in body,
            self.name, endpoint, "not an audio features object",
        )
        return body

    def search_tracks(self, query="", *, artist="", title="", limit=10, force_refresh=False) -> list[TrackCandidate]:
        q = search_query(query, artist=artist, title=title)
        if not q:
            return []
        return cached(
            self.name, "search", (normalise_query(query), normalise_query(artist), normalise_query(title), limit),
            lambda: [map_candidate(track) for track in self._search(q, limit)],
            force_refresh=force_refresh,
        )

    def get_metadata(self, external_id: str, *, force_refresh=False) -> TrackMetadata | None:
        def fetch():
            track = self._track(external_id)
            return map_metadata(track) if track else None

        return cached(self.name, "metadata", ("track", external_id), fetch, force_refresh=force_refresh)

    def lookup_isrc(self, isrc: str, *, force_refresh=False) -> TrackMetadata | None:
        isrc = normalise_isrc(isrc)

        def fetch():
            # Search hits are full track objects, so the hit itself is the metadata.
            for track in self._search(f"isrc:{isrc}", 5):
                found = _isrc(track)
                # Development Mode apps no longer get external_ids; trust the isrc: filter then.
                if not found or normalise_isrc(found) == isrc:
                    return map_metadata(track)
            return None

        return cached(self.name, "metadata", ("isrc", isrc), fetch, force_refresh=force_refresh)

    def audio_features(self, external_id: str, *, force_refresh=False) -> TrackMetadata | None:
        def fetch():
            features = self._audio_features(external_id)
            return map_audio_features(features) if features else None

        return cached(self.name, "metadata", ("audio-features", external_id), fetch, force_refresh=force_refresh)

    def check(self) -> str:
        tracks = self._search('track:"One More Time" artist:"Daft Punk"', 1)
        return f"token accepted; search answered with {count_text(len(tracks), 'track')}"


def token_cache_key(client_id: str) -> str:
    """Return the cache key of the app token for client_id (hashed: ids stay out of cache listings)."""
    return f"providers:spotify:token:{hashlib.sha256(client_id.encode()).hexdigest()[:32]}"



def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def search_query(query: str = "", *, artist: str = "", title: str = "") -> str:
    """Return Spotify's q for a free query, a bare ISRC, or artist and title fields."""
    query = (query or "").strip()
    if query:
        return f"isrc:{normalise_isrc(query)}" if _ISRC.fullmatch(normalise_isrc(query)) else query
    fields = []
    # Double quotes would end the field value early; Spotify ignores them in matching anyway.
    if title.strip():
        fields.append(f'track:"{title.replace(chr(34), " ").strip()}"')
    if artist.strip():
        fields.append(f'artist:"{artist.replace(chr(34), " ").strip()}"')
    return " ".join(fields)


def _require_track(track: Any, endpoint: str) -> None:
    require(
        isinstance(track, dict) and isinstance(track.get("id"), str) and bool(track["id"])
        and isinstance(track.get("name"), str) and isinstance(track.get("artists"), list),
        "spotify", endpoint, "not a track object (id, name and artists expected)",
    )


def _names(items: Any) -> tuple[str, ...]:
    if not isinstance(items, list):
        return ()
    return tuple(item["name"] for item in items if isinstance(item, dict) and isinstance(item.get("name"), str))


def _album(track: dict[str, Any]) -> dict[str, Any]:
    album = track.get("album")
    return album if isinstance(album, dict) else {}


def _external_ids(track: dict[str, Any]) -> dict[str, Any]:
    ids = track.get("external_ids")
    return ids if isinstance(ids, dict) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _spotify_url(track: dict[str, Any]) -> str:
    urls = track.get("external_urls")
    url = urls.get("spotify") if isinstance(urls, dict) else None
    return url if isinstance(url, str) else ""


def _isrc(track: dict[str, Any]) -> str:
    isrc = _external_ids(track).get("isrc")
    return isrc if isinstance(isrc, str) else ""



def release_date(album: dict[str, Any]):
    """Return the album's release date, cut to its stated precision ("1983" -> 1983-01-01)."""
    value = album.get("release_date")
    precision = album.get("release_date_precision")
    size = _DATE_SIZE.get(precision) if isinstance(precision, str) else None
    if isinstance(value, str) and size:
        value = value[:size]
    return parse_date(value)


def largest_image(images: Any) -> str:
    if not isinstance(images, list):
        return ""
    usable = [image for image in images if isinstance(image, dict) and image.get("url")]
    if not usable:
        return ""
    return max(usable, key=lambda image: (as_int(image.get("width")) or 0) * (as_int(image.get("height")) or 0))["url"]



def map_candidate(track: dict[str, Any]) -> TrackCandidate:
    album = _album(track)
    return TrackCandidate(
        source="spotify",
        external_id=track["id"],
        title=track["name"],
        artists=_names(track.get("artists")),
        album=_text(album.get("name")),
        duration=seconds_from_ms(track.get("duration_ms")),
        isrc=_isrc(track),
        release_date=release_date(album),
        url=_spotify_url(track),
    )


def map_metadata(track: dict[str, Any]) -> TrackMetadata:
    album = _album(track)
    artists = _names(track.get("artists"))
    return TrackMetadata(
        source="spotify",
        external_id=track["id"],
        title=track["name"],
        artists=artists,
        credit_name=", ".join(artists),
        album=_text(album.get("name")),
        album_artist=", ".join(_names(album.get("artists"))),
        release_date=release_date(album),
        duration=seconds_from_ms(track.get("duration_ms")),
        isrc=_isrc(track),
        track_number=as_int(track.get("track_number")),
        disc_number=as_int(track.get("disc_number")),
        artwork_url=largest_image(album.get("images")),
        url=_spotify_url(track),
        ids={"spotify_id": track["id"]},
    )


def map_audio_features(features: dict[str, Any]) -> TrackMetadata:
    return TrackMetadata(
        source="spotify",
        external_id=features["id"],
        bpm=as_decimal(features.get("tempo")),
        key=key_name(features.get("key"), features.get("mode")),
        duration=seconds_from_ms(features.get("duration_ms")),
        ids={"spotify_id": features["id"]},
    )
