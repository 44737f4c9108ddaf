"""iTunes Search API: search, lookups and store links with prices."""

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
    as_int,
    parse_date,
    seconds_from_ms,
)
from providers.cache import cached, normalise_query
from providers.client import Provider
from providers.http import require


class ITunes(Provider):
    name = "itunes"
    label = "iTunes Search"
    capabilities = frozenset({Capability.SEARCH, Capability.METADATA, Capability.PURCHASE_LINKS})
    url_setting = "ITUNES_API_URL"
    id_field = "itunes_id"
    id_label = "iTunes id"

    # Reference: https://performance-partners.apple.com/search-api
    def _search(self, term: str, limit: int) -> list[dict[str, Any]]:
        body = self.http.get_json(
            "/search",
            params={"term": term, "entity": "song", "limit": limit, "country": settings.ITUNES_COUNTRY},
            kind="search",
            endpoint="GET /search",
        )
        return self._songs(body, "GET /search")

    # Reference: https://performance-partners.apple.com/search-api (Lookup)
    def _lookup(self, itunes_id: str) -> list[dict[str, Any]]:
        body = self.http.get_json(
            "/lookup",
            params={"id": itunes_id, "entity": "song", "country": settings.ITUNES_COUNTRY},
            endpoint="GET /lookup",
        )
        return self._songs(body, "GET /lookup")

    def _songs(self, body: Any, endpoint: str) -> list[dict[str, Any]]:
        require(isinstance(body, dict) and isinstance(body.get("results"), list),
                self.name, endpoint, "no results list")
        return [item for item in body["results"] if isinstance(item, dict) and item.get("kind") == "song"]

    def search_tracks(self, query="", *, artist="", title="", limit=10, force_refresh=False) -> list[TrackCandidate]:
        term = query or f"{artist} {title}".strip()
        return cached(
            self.name, "search", (normalise_query(term), limit),
            lambda: [map_candidate(song) for song in self._search(term, limit)],
            force_refresh=force_refresh,
        )

    def get_metadata(self, external_id: str, *, force_refresh=False) -> TrackMetadata | None:
        def fetch():
            songs = [song for song in self._lookup(external_id) if str(song.get("trackId")) == str(external_id)]
            return map_metadata(songs[0]) if songs else None

        return cached(self.name, "metadata", (external_id,), fetch, force_refresh=force_refresh)

    def purchase_links(self, *, artist, title, isrc="", external_id="", force_refresh=False) -> list[PurchaseLink]:
        if external_id:  # the track's own iTunes id: its page and price in ITUNES_COUNTRY, no search
            def by_id():
                songs = [song for song in self._lookup(str(external_id))
                         if str(song.get("trackId")) == str(external_id)]
                return [map_purchase_link(song) for song in songs if song.get("trackViewUrl")]

            return cached(self.name, "purchase_links", ("id", str(external_id)), by_id, force_refresh=force_refresh)
        term = f"{artist} {title}".strip()

        def fetch():
            return [map_purchase_link(song) for song in self._search(term, 5) if song.get("trackViewUrl")]

        return cached(self.name, "purchase_links", (normalise_query(term),), fetch, force_refresh=force_refresh)

    def check(self) -> str:
        songs = self._search("daft punk one more time", 1)
        return f"search answered with {count_text(len(songs), 'song')}"


def track_title(song: dict[str, Any]) -> str:
    """Return the song's title with its version: trackName, or trackCensoredName where that is trackName plus
    more. The store sometimes leaves the version out of trackName alone ("Love Of My Life" for the live take
    whose censored name is "Love Of My Life (Live At Milton Keynes Bowl / June 1982)"); a censored name that
    differs otherwise (letters starred out) is not used."""
    name = song.get("trackName") or ""
    censored = song.get("trackCensoredName")
    if (isinstance(censored, str) and name and len(censored) > len(name)
            and censored.casefold().startswith(name.casefold())):
        return censored
    return name


def map_candidate(song: dict[str, Any]) -> TrackCandidate:
    return TrackCandidate(
        source="itunes",
        external_id=str(song.get("trackId", "")),
        title=track_title(song),
        artists=(song["artistName"],) if song.get("artistName") else (),
        album=song.get("collectionName") or "",
        duration=seconds_from_ms(song.get("trackTimeMillis")),
        release_date=parse_date(song.get("releaseDate")),
        url=song.get("trackViewUrl") or "",
    )


def map_metadata(song: dict[str, Any]) -> TrackMetadata:
    artwork = song.get("artworkUrl100") or ""
    return TrackMetadata(
        source="itunes",
        external_id=str(song.get("trackId", "")),
        title=track_title(song),
        artists=(song["artistName"],) if song.get("artistName") else (),
        credit_name=song.get("artistName") or "",
        album=song.get("collectionName") or "",
        album_artist=song.get("collectionArtistName") or song.get("artistName") or "",
        release_date=parse_date(song.get("releaseDate")),
        duration=seconds_from_ms(song.get("trackTimeMillis")),
        genre=song.get("primaryGenreName") or "",
        genres=(song["primaryGenreName"],) if song.get("primaryGenreName") else (),
        track_number=as_int(song.get("trackNumber")),
        disc_number=as_int(song.get("discNumber")),
        # The 100x100 URL names its size; the store serves any size asked for.
        artwork_url=artwork.replace("100x100bb", "600x600bb"),
        url=song.get("trackViewUrl") or "",
    )


def map_purchase_link(song: dict[str, Any]) -> PurchaseLink:
    return PurchaseLink(
        source="itunes",
        external_id=str(song.get("trackId", "")),
        store="iTunes",
        url=song["trackViewUrl"],
        price=as_decimal(song.get("trackPrice")),
        currency=song.get("currency") or "",
        title=track_title(song),
        artists=(song["artistName"],) if song.get("artistName") else (),
        duration=seconds_from_ms(song.get("trackTimeMillis")),
    )
