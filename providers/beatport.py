"""Beatport API v4: track search, DJ metadata (BPM, key, label, catalog number) and store prices."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from common.text import count_text
from providers.base import (
    Capability,
    PurchaseLink,
    TrackCandidate,
    TrackMetadata,
    as_decimal,
    parse_date,
    seconds_from_ms,
)
from providers.cache import cached, normalise_query
from providers.client import Provider
from providers.http import NotFound, require

STORE_URL = "https://www.beatport.com"
PURCHASE_RESULTS = 5


class Beatport(Provider):
    name = "beatport"
    label = "Beatport"
    capabilities = frozenset({Capability.SEARCH, Capability.METADATA, Capability.PURCHASE_LINKS})
    url_setting = "BEATPORT_API_URL"
    id_field = "beatport_id"
    id_label = "Beatport id"
    required_settings = ("BEATPORT_TOKEN",)
    credentials_help = "a Beatport API v4 bearer token"

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {settings.BEATPORT_TOKEN}"}

    # Reference: https://api.beatport.com/v4/docs/ (catalog: GET /catalog/tracks/)
    def _tracks(self, *, artist: str, title: str, limit: int) -> list[dict[str, Any]]:
        endpoint = "GET /catalog/tracks/"
        params = {"name": title, "artist_name": artist, "per_page": limit}
        body = self.http.get_json(
            "/catalog/tracks/",
            params={key: value for key, value in params.items() if value},
            kind="search",
            endpoint=endpoint,
        )
        require(isinstance(body, dict) and isinstance(body.get("results"), list),
                self.name, endpoint, "no results list")
        return self._valid_tracks(body["results"], endpoint)[:limit]

    # Reference: https://api.beatport.com/v4/docs/ (catalog: GET /catalog/search/)
    def _search(self, query: str, limit: int) -> list[dict[str, Any]]:
        endpoint = "GET /catalog/search/"
        body = self.http.get_json(
            "/catalog/search/",
            params={"q": query, "type": "tracks", "per_page": limit},
            kind="search",
            endpoint=endpoint,
        )
        require(isinstance(body, dict) and isinstance(body.get("tracks"), list), self.name, endpoint, "no tracks list")
        return self._valid_tracks(body["tracks"], endpoint)[:limit]

    # Reference: https://api.beatport.com/v4/docs/ (catalog: GET /catalog/tracks/{id}/)
    def _track(self, track_id: str) -> dict[str, Any] | None:
        endpoint = f"GET /catalog/tracks/{track_id}/"
        try:
            body = self.http.get_json(f"/catalog/tracks/{track_id}/", endpoint=endpoint)
        except NotFound:
            return None
        return self._valid_tracks([body], endpoint)[0]

    def _valid_tracks(self, tracks: list[Any], endpoint: str) -> list[dict[str, Any]]:
        for track in tracks:
            require(
                isinstance(track, dict) and track.get("id") and isinstance(track.get("name"), str),
                self.name, endpoint, "a track without an id and name",
            )
        return tracks

    def search_tracks(self, query="", *, artist="", title="", limit=10, force_refresh=False) -> list[TrackCandidate]:
        if artist or title:
            parts = ("fields", normalise_query(artist), normalise_query(title), limit)

            def fetch():
                return [map_candidate(track) for track in self._tracks(artist=artist, title=title, limit=limit)]
        else:
            parts = ("query", normalise_query(query), limit)

            def fetch():
                return [map_candidate(track) for track in self._search(query, limit)]

        return cached(self.name, "search", parts, fetch, force_refresh=force_refresh)

    def get_metadata(self, external_id: str, *, force_refresh=False) -> TrackMetadata | None:
        external_id = str(external_id).strip()
        if not external_id.isdigit():
            return None  # Beatport track ids are numbers; anything else names nothing there.

        def fetch():
            track = self._track(external_id)
            return map_metadata(track) if track else None

        return cached(self.name, "metadata", (external_id,), fetch, force_refresh=force_refresh)

    def purchase_links(self, *, artist, title, isrc="", external_id="", force_refresh=False) -> list[PurchaseLink]:
        if external_id:  # the track's own Beatport id: its page and price, no search
            if not str(external_id).strip().isdigit():
                return []

            def by_id():
                track = self._track(str(external_id))
                return [map_purchase_link(track)] if track and track.get("slug") else []

            return cached(self.name, "purchase_links", ("id", str(external_id)), by_id, force_refresh=force_refresh)

        def fetch():
            tracks = self._tracks(artist=artist, title=title, limit=PURCHASE_RESULTS)
            return [map_purchase_link(track) for track in tracks if track.get("slug")]

        parts = (normalise_query(artist), normalise_query(title))
        return cached(self.name, "purchase_links", parts, fetch, force_refresh=force_refresh)

    def check(self) -> str:
        tracks = self._tracks(artist="deadmau5", title="strobe", limit=1)
        return f"search answered with {count_text(len(tracks), 'track')}"


def title_and_mix(track: dict[str, Any]) -> tuple[str, str]:
    """Return the track's name and its mix name ("Original Mix", "Bicep Remix"), kept apart as Beatport keeps them."""
    name = (track.get("name") or "").strip()
    mix = (track.get("mix_name") or "").strip()
    if mix and f"({mix})".casefold() in name.casefold():
        return name, ""  # the name already carries it
    return name, mix


def track_url(track: dict[str, Any]) -> str:
    return f"{STORE_URL}/track/{track.get('slug') or 'track'}/{track['id']}"


def map_candidate(track: dict[str, Any]) -> TrackCandidate:
    name, mix = title_and_mix(track)
    return TrackCandidate(
        source="beatport",
        external_id=str(track["id"]),
        title=name,
        version=mix,
        artists=_names(track.get("artists")),
        album=_object(track.get("release")).get("name") or "",
        duration=seconds_from_ms(track.get("length_ms")),
        isrc=track.get("isrc") or "",
        release_date=_release_date(track),
        label=_label(track),
        url=track_url(track),
    )


def map_metadata(track: dict[str, Any]) -> TrackMetadata:
    artists = _names(track.get("artists"))
    release = _object(track.get("release"))
    genres = tuple(
        name for name in (_object(track.get("genre")).get("name"), _object(track.get("sub_genre")).get("name")) if name
    )
    label = _label(track)
    name, mix = title_and_mix(track)
    return TrackMetadata(
        source="beatport",
        external_id=str(track["id"]),
        title=name,
        version=mix,
        remixers=_names(track.get("remixers")),
        artists=artists,
        credit_name=", ".join(artists),
        album=release.get("name") or "",
        label=label,
        labels=(label,) if label else (),
        catalog_number=track.get("catalog_number") or "",
        isrc=track.get("isrc") or "",
        release_date=_release_date(track),
        duration=seconds_from_ms(track.get("length_ms")),
        genre=genres[0] if genres else "",
        genres=genres,
        bpm=as_decimal(track.get("bpm")),
        # The readable name ("E Major"); Camelot ("12B") follows from it.
        key=_object(track.get("key")).get("name") or "",
        artwork_url=_object(release.get("image")).get("uri") or "",
        slug=track.get("slug") or "",
        url=track_url(track),
        ids={"beatport_id": str(track["id"])},
    )


def map_purchase_link(track: dict[str, Any]) -> PurchaseLink:
    price = _object(track.get("price"))
    name, mix = title_and_mix(track)
    return PurchaseLink(
        source="beatport",
        external_id=str(track["id"]),
        store="Beatport",
        url=track_url(track),
        price=as_decimal(price.get("value")),
        currency=price.get("code") or "",
        title=name,
        version=mix,
        artists=_names(track.get("artists")),
        duration=seconds_from_ms(track.get("length_ms")),
    )


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _names(items: Any) -> tuple[str, ...]:
    return tuple(item["name"] for item in items or [] if isinstance(item, dict) and item.get("name"))


def _label(track: dict[str, Any]) -> str:
    return (_object(_object(track.get("release")).get("label")).get("name")
            or _object(track.get("label")).get("name") or "")


def _release_date(track: dict[str, Any]):
    return parse_date(track.get("publish_date")) or parse_date(track.get("new_release_date"))
