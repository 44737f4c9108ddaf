"""Soundcharts API: song search, song metadata (labels, genres, audio features),
ISRC lookups, an artist's songs and a song's audience on a platform.

Credentials travel in the x-app-id and x-api-key headers. Each answer carries an
x-quota-remaining header, which is logged at debug level and never acted on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from django.conf import settings

from providers.base import (
    Capability,
    ProviderError,
    TrackCandidate,
    TrackMetadata,
    as_decimal,
    as_int,
    key_name,
    normalise_isrc,
    parse_date,
)
from providers.cache import cached, normalise_query
from providers.client import Provider
from providers.http import NotFound, path_segment, require

logger = logging.getLogger(__name__)

SEARCH_LIMIT_MAX = 20  # documented maximum of /song/search
ARTIST_SONGS_LIMIT_MAX = 100  # documented maximum of /artist/{uuid}/songs
# Billie Eilish - bad guy: the song every Soundcharts example (and the sandbox) uses.
CHECK_SONG_UUID = "7d534228-5165-11e9-9375-549f35161576"


@dataclass(frozen=True)
class SongPage:
    """One page of an artist's songs, with where the next page starts (None on the last)."""

    items: list[TrackCandidate] = field(default_factory=list)
    offset: int = 0
    limit: int = 0
    total: int | None = None
    next_offset: int | None = None


@dataclass(frozen=True)
class ArtistCandidate:
    """One artist a Soundcharts search found."""

    uuid: str
    name: str
    slug: str = ""
    url: str = ""
    image_url: str = ""


class Soundcharts(Provider):
    name = "soundcharts"
    label = "Soundcharts"
    capabilities = frozenset({Capability.SEARCH, Capability.METADATA, Capability.ISRC_LOOKUP})
    url_setting = "SOUNDCHARTS_API_URL"
    id_field = "soundcharts_uuid"
    id_label = "Soundcharts UUID"
    id_max_length = 36
    required_settings = ("SOUNDCHARTS_APP_ID", "SOUNDCHARTS_API_KEY")
    credentials_help = (
        "ask Soundcharts for an app id and API key at https://soundcharts.com/api; "
        "their sandbox answers to app id and key 'soundcharts'"
    )

    def __init__(self) -> None:
        super().__init__()
        self.http.session.hooks["response"].append(_log_quota)

    def auth_headers(self) -> dict[str, str]:
        return {"x-app-id": settings.SOUNDCHARTS_APP_ID, "x-api-key": settings.SOUNDCHARTS_API_KEY}

    # Reference: https://developers.soundcharts.com/api/reference/song/get-song-metadata
    def _song(self, uuid: str) -> dict[str, Any] | None:
        endpoint = "GET /api/v2.25/song/{uuid}"
        try:
            body = self.http.get_json(f"/api/v2.25/song/{path_segment(uuid)}", endpoint=endpoint)
        except NotFound:
            return None
        return _song_object(body, endpoint)

    # Reference: https://developers.soundcharts.com/api/reference/song/get-song-by-isrc
    def _song_by_isrc(self, isrc: str) -> dict[str, Any] | None:
        endpoint = "GET /api/v2.25/song/by-isrc/{isrc}"
        try:
            body = self.http.get_json(f"/api/v2.25/song/by-isrc/{path_segment(isrc)}", endpoint=endpoint)
        except NotFound:
            return None
        except ProviderError as exc:
            if exc.status != 410:
                raise
            # 410: the ISRC is blacklisted (several DSP tracks claim it), so it names no one song.
            logger.info("soundcharts: ISRC %s is blacklisted (410); no song", isrc)
            return None
        return _song_object(body, endpoint)

    # Reference: https://developers.soundcharts.com/api/reference/search/search-song-by-name
    # Reference: https://developers.soundcharts.com/api/reference/search/search-artist-by-name
    def _search(self, what: str, term: str, limit: int) -> list[dict[str, Any]]:
        """Search Soundcharts' songs or artists ("song" or "artist") by name."""
        endpoint = f"GET /api/v2/{what}/search/{{term}}"
        try:
            body = self.http.get_json(
                f"/api/v2/{what}/search/{path_segment(term)}",
                params={"offset": 0, "limit": max(1, min(limit, SEARCH_LIMIT_MAX))},
                kind="search",
                endpoint=endpoint,
            )
        except NotFound:
            return []  # documented: 404 means nothing matched the name
        return _items(body, endpoint, what)

    # Reference: https://developers.soundcharts.com/api/reference/artist/get-songs
    def _artist_songs(self, artist_uuid: str, offset: int, limit: int) -> dict[str, Any] | None:
        endpoint = "GET /api/v2.21/artist/{uuid}/songs"
        try:
            body = self.http.get_json(
                f"/api/v2.21/artist/{path_segment(artist_uuid)}/songs",
                params={"offset": offset, "limit": limit},
                endpoint=endpoint,
            )
        except NotFound:
            return None
        _items(body, endpoint)
        page = body.get("page")
        require(page is None or isinstance(page, dict), self.name, endpoint, "page is not an object")
        return body

    # Reference: https://developers.soundcharts.com/api/reference/song/get-audience
    def _audience(self, song_uuid: str, platform: str) -> dict[str, Any] | None:
        endpoint = "GET /api/v2/song/{uuid}/audience/{platform}"
        try:
            body = self.http.get_json(
                f"/api/v2/song/{path_segment(song_uuid)}/audience/{path_segment(platform)}", endpoint=endpoint
            )
        except NotFound:
            return None
        require(isinstance(body, dict) and isinstance(body.get("items"), list), self.name, endpoint, "no items list")
        for item in body["items"]:
            require(
                isinstance(item, dict) and isinstance(item.get("date"), str) and parse_date(item["date"]) is not None
                and isinstance(item.get("plots", []), list)
                and all(
                    isinstance(plot, dict) and isinstance(plot.get("value"), int | float)
                    and not isinstance(plot.get("value"), bool)
                    for plot in item.get("plots", [])
                ),
                self.name, endpoint, "an audience item without a date or numeric plots",
            )
        return body

    def search_tracks(self, query="", *, artist="", title="", limit=10, force_refresh=False) -> list[TrackCandidate]:
        # Soundcharts ranks best when given both the title and the artist's name.
        term = (query or f"{title} {artist}").strip()
        if not term:
            return []
        return cached(
            self.name, "search", (normalise_query(term), limit),
            lambda: [map_candidate(item) for item in self._search("song", term, limit)],
            force_refresh=force_refresh,
        )

    def get_metadata(self, external_id: str, *, force_refresh=False) -> TrackMetadata | None:
        def fetch():
            song = self._song(external_id)
            return map_metadata(song) if song else None

        return cached(self.name, "metadata", ("song", external_id), fetch, force_refresh=force_refresh)

    def lookup_isrc(self, isrc: str, *, force_refresh=False) -> TrackMetadata | None:
        isrc = normalise_isrc(isrc)

        def fetch():
            song = self._song_by_isrc(isrc)
            return map_metadata(song) if song else None

        return cached(self.name, "metadata", ("isrc", isrc), fetch, force_refresh=force_refresh)

    def search_artists(self, name: str, *, limit: int = 10, force_refresh=False) -> list[ArtistCandidate]:
        """Return the artists whose name matches, best first."""
        term = name.strip()
        if not term:
            return []
        return cached(
            self.name, "search", ("artists", normalise_query(term), limit),
            lambda: [map_artist(item) for item in self._search("artist", term, limit)],
            force_refresh=force_refresh,
        )

    def artist_songs(self, artist_uuid: str, *, offset: int = 0, limit: int = 100,
                     force_refresh=False) -> SongPage | None:
        """Return one page of the artist's songs; None if Soundcharts has no such artist."""
        limit = max(1, min(limit, ARTIST_SONGS_LIMIT_MAX))
        offset = max(0, offset)

        def fetch():
            body = self._artist_songs(artist_uuid, offset, limit)
            return map_song_page(body, offset=offset, limit=limit) if body else None

        # A listing that grows when the artist releases: cached like a search answer.
        return cached(
            self.name, "search", ("artist-songs", artist_uuid, offset, limit), fetch, force_refresh=force_refresh
        )

    def audience(self, song_uuid: str, platform: str = "spotify", *, force_refresh=False) -> dict[str, Any] | None:
        """Return the song's daily audience figures on platform (streams, views...); None if unknown."""

        def fetch():
            body = self._audience(song_uuid, platform)
            return map_audience(body, song_uuid=song_uuid, platform=platform) if body else None

        # Figures move once a day.
        return cached(self.name, "metadata", ("audience", song_uuid, platform), fetch, force_refresh=force_refresh)

    def check(self) -> str:
        song = self._song(CHECK_SONG_UUID)
        return f"song lookup answered: {song['name']}" if song else "song lookup answered 404"


def _log_quota(response: requests.Response, *args: Any, **kwargs: Any) -> None:
    remaining = response.headers.get("x-quota-remaining")
    if remaining is not None:
        logger.debug("soundcharts: quota remaining %s", remaining[:40])




def _song_object(body: Any, endpoint: str) -> dict[str, Any]:
    obj = body.get("object") if isinstance(body, dict) else None
    require(
        isinstance(obj, dict) and isinstance(obj.get("uuid"), str) and bool(obj["uuid"])
        and isinstance(obj.get("name"), str),
        "soundcharts", endpoint, "no song object with uuid and name",
    )
    return obj


def _items(body: Any, endpoint: str, what: str = "song") -> list[dict[str, Any]]:
    require(isinstance(body, dict) and isinstance(body.get("items"), list), "soundcharts", endpoint, "no items list")
    for item in body["items"]:
        require(
            isinstance(item, dict) and isinstance(item.get("uuid"), str) and bool(item["uuid"])
            and isinstance(item.get("name"), str),
            "soundcharts", endpoint, f"{'an' if what == 'artist' else 'a'} {what} item without uuid and name",
        )
    return body["items"]


def map_artist(item: dict[str, Any]) -> ArtistCandidate:
    return ArtistCandidate(
        uuid=item["uuid"], name=_text(item.get("name")), slug=_text(item.get("slug")),
        url=_text(item.get("appUrl")), image_url=_text(item.get("imageUrl")),
    )


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _isrc(value: Any) -> str:
    """Return the ISRC from v2.25's {"value", "countryCode"} or v2's plain string."""
    if isinstance(value, dict):
        value = value.get("value")
    return _text(value).upper()


def _artist_names(song: dict[str, Any]) -> tuple[str, ...]:
    artists = song.get("artists")
    if isinstance(artists, list):
        names = tuple(_text(a.get("name")) for a in artists if isinstance(a, dict) and _text(a.get("name")))
        if names:
            return names
    credit = _text(song.get("creditName"))
    return (credit,) if credit else ()


def _labels(song: dict[str, Any]) -> tuple[str, ...]:
    """Return label names from v2.25's labels[{name, type}] or v2's single label string."""
    labels = song.get("labels")
    if isinstance(labels, list):
        return tuple(_text(item.get("name")) for item in labels if isinstance(item, dict) and _text(item.get("name")))
    label = _text(song.get("label"))
    return (label,) if label else ()


def _genre_roots(song: dict[str, Any]) -> tuple[str, ...]:
    genres = song.get("genres")
    if not isinstance(genres, list):
        return ()
    roots: list[str] = []
    for genre in genres:
        root = _text(genre.get("root")) if isinstance(genre, dict) else ""
        if root and root not in roots:
            roots.append(root)
    return tuple(roots)



def map_candidate(song: dict[str, Any]) -> TrackCandidate:
    labels = _labels(song)
    return TrackCandidate(
        source="soundcharts",
        external_id=song["uuid"],
        title=_text(song.get("name")),
        artists=_artist_names(song),
        duration=as_int(song.get("duration")),
        isrc=_isrc(song.get("isrc")),
        release_date=parse_date(song.get("releaseDate")),
        label=labels[0] if labels else "",
        url=_text(song.get("appUrl")),
    )


def map_metadata(song: dict[str, Any]) -> TrackMetadata:
    labels = _labels(song)
    genres = _genre_roots(song)
    audio = song.get("audio") if isinstance(song.get("audio"), dict) else {}
    return TrackMetadata(
        source="soundcharts",
        external_id=song["uuid"],
        title=_text(song.get("name")),
        artists=_artist_names(song),
        credit_name=_text(song.get("creditName")),
        label=labels[0] if labels else "",
        labels=labels,
        isrc=_isrc(song.get("isrc")),
        release_date=parse_date(song.get("releaseDate")),
        duration=as_int(song.get("duration")),
        genre=genres[0] if genres else "",
        genres=genres,
        bpm=as_decimal(audio.get("tempo")),
        key=key_name(audio.get("key"), audio.get("mode")),
        artwork_url=_text(song.get("imageUrl")),
        slug=_text(song.get("slug")),
        url=_text(song.get("appUrl")),
        ids={"soundcharts_uuid": song["uuid"]},
    )


def map_song_page(body: dict[str, Any], *, offset: int, limit: int) -> SongPage:
    page = body.get("page") or {}
    page_offset = as_int(page.get("offset"))
    page_limit = as_int(page.get("limit"))
    offset = page_offset if page_offset is not None else offset
    limit = page_limit or limit
    items = [map_candidate(item) for item in body["items"]]
    next_offset = None
    if page.get("next"):
        # The next link names its offset; fall back to counting if it does not.
        found = parse_qs(urlsplit(str(page["next"])).query).get("offset", [""])[0]
        next_offset = as_int(found) if as_int(found) is not None else offset + len(items)
    return SongPage(items=items, offset=offset, limit=limit, total=as_int(page.get("total")), next_offset=next_offset)


def map_audience(body: dict[str, Any], *, song_uuid: str, platform: str) -> dict[str, Any]:
    """Return {"song_uuid", "platform", "points": [{"date", "value"}] oldest first, "latest"}.

    A song can have several ids on one platform (one per release); a day's value
    is their sum. Only JSON types, so the dict can go into a JSONField as is.
    """
    totals: dict[str, int] = {}
    identifiers: set[str] = set()
    for item in body["items"]:
        day = parse_date(item["date"]).isoformat()
        for plot in item.get("plots") or []:
            totals[day] = totals.get(day, 0) + int(plot["value"])
            if isinstance(plot.get("identifier"), str):
                identifiers.add(plot["identifier"])
    points = [{"date": day, "value": totals[day]} for day in sorted(totals)]
    return {
        "song_uuid": song_uuid,
        "platform": platform,
        "identifiers": sorted(identifiers),
        "points": points,
        "latest": points[-1] if points else None,
    }
