"""Discogs: release search, release metadata (label, catalog number, styles) and marketplace prices.

python3-discogs-client builds the URLs and walks the pages; its transport is
replaced by `SessionFetcher`, so every request goes through our ProviderSession
(shared rate limit, retries, typed errors, User-Agent) and the token travels in
the Authorization header, never in the URL. The library's model objects are only
used to reach their raw `.data` dicts, which the pure `map_*` functions below
turn into our dataclasses: the library fetches missing attributes lazily, and a
mapper that can trigger a request halfway through would be neither pure nor
able to fail cleanly.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import discogs_client
from discogs_client.exceptions import DiscogsAPIError, MalformedResponseError
from discogs_client.fetchers import Fetcher
from django.conf import settings

from providers.base import (
    Capability,
    ProviderError,
    PurchaseLink,
    TrackCandidate,
    TrackMetadata,
    as_decimal,
    as_int,
    excerpt,
    parse_date,
)
from providers.cache import cached, normalise_query
from providers.client import Provider
from providers.http import NotFound, ProviderSession, require, user_agent

SITE_URL = "https://www.discogs.com"
# Discogs tells same-named artists apart with a number: "Trash80 (2)".
_DISAMBIGUATION = re.compile(r"\s+\(\d+\)$")
# How many releases from a search get a marketplace lookup: each costs a request
# from the 60/min budget, and the first few pressings are the ones worth buying.
PURCHASE_RELEASES = 3


class SessionFetcher(Fetcher):
    """Send discogs_client's requests through our ProviderSession, with the token as a header."""

    def __init__(self, http: ProviderSession, token: str):
        self.http = http
        self.token = token

    def fetch(self, client, method, url, data=None, headers=None, json=True):
        # The library's own headers (its User-Agent, Accept-Encoding) are left out:
        # the session sets ours. Only a body's content type is passed on.
        request_headers = {"Authorization": f"Discogs token={self.token}"}
        if headers and "Content-Type" in headers:
            request_headers["Content-Type"] = headers["Content-Type"]
        path = urlsplit(url).path
        base_path = urlsplit(self.http.base_url).path
        if base_path and path.startswith(base_path):
            path = path[len(base_path):]
        response = self.http.request(
            method,
            url,
            data=data,
            headers=request_headers,
            kind="search" if path.startswith("/database/search") else "metadata",
            endpoint=f"{method} {path}",
        )
        return response.content, response.status_code


class Discogs(Provider):
    name = "discogs"
    label = "Discogs"
    capabilities = frozenset({Capability.SEARCH, Capability.METADATA, Capability.PURCHASE_LINKS})
    url_setting = "DISCOGS_API_URL"
    id_field = "discogs_id"
    id_label = "Discogs id"
    required_settings = ("DISCOGS_TOKEN",)
    credentials_help = "a personal access token from https://www.discogs.com/settings/developers"

    def __init__(self) -> None:
        super().__init__()
        # No user_token here: the library would put it in the query string. Our
        # fetcher sends it as a header instead.
        self.client = discogs_client.Client(user_agent())
        self.client._base_url = settings.DISCOGS_API_URL.rstrip("/")
        self.client._fetcher = SessionFetcher(self.http, settings.DISCOGS_TOKEN)

    @contextlib.contextmanager
    def _answer(self, endpoint: str) -> Iterator[None]:
        """Turn the library's parse errors into ProviderError naming the endpoint.

        The library indexes into the body (`data["results"]`, `item["type"]`), so a
        body of the wrong shape surfaces as KeyError/TypeError/ValueError inside it.
        Our own errors (ProviderError and its subclasses) pass through untouched.
        """
        try:
            yield
        except MalformedResponseError as exc:
            text = exc.content.decode("utf-8", "replace") if isinstance(exc.content, bytes) else str(exc.content)
            raise ProviderError(self.name, endpoint, f"expected JSON but got {excerpt(text)!r}") from None
        except DiscogsAPIError as exc:
            raise ProviderError(self.name, endpoint, f"unexpected answer: {exc.__class__.__name__}") from None
        except (KeyError, TypeError, ValueError, AttributeError):
            raise ProviderError(
                self.name, endpoint, "unexpected answer: the body does not have the fields Discogs documents"
            ) from None

    # Reference: https://www.discogs.com/developers#page:database,header:database-search
    def _search(self, *, query: str = "", artist: str = "", title: str = "", limit: int = 10) -> list[dict[str, Any]]:
        endpoint = "GET /database/search"
        fields = {"q": query, "type": "release", "artist": artist, "track": title}
        results = self.client.search(**{key: value for key, value in fields.items() if value})
        results.per_page = limit
        with self._answer(endpoint):
            page = results.page(1)
        # Only releases: an older answer, or a free query, can mix in artists and labels.
        releases = [item.data for item in page if item.data.get("type") == "release" and item.data.get("id")]
        return releases[:limit]

    # Reference: https://www.discogs.com/developers#page:database,header:database-release
    def _release(self, release_id: str) -> dict[str, Any] | None:
        endpoint = f"GET /releases/{release_id}"
        release = self.client.release(release_id)
        try:
            with self._answer(endpoint):
                release.refresh()
        except NotFound:
            return None
        data = release.data
        require(isinstance(data.get("title"), str), self.name, endpoint, "no release title")
        return data

    # Reference: https://www.discogs.com/developers#page:marketplace,header:marketplace-release-statistics
    def _marketplace_stats(self, release_id: str) -> dict[str, Any] | None:
        endpoint = f"GET /marketplace/stats/{release_id}"
        stats = discogs_client.models.MarketplaceStats(self.client, {"id": release_id})
        try:
            with self._answer(endpoint):
                stats.refresh()
        except NotFound:
            return None
        data = stats.data
        lowest = data.get("lowest_price")
        require(lowest is None or isinstance(lowest, dict), self.name, endpoint, "lowest_price is not an object")
        return data

    # Reference: https://www.discogs.com/developers#page:user-identity,header:user-identity-identity
    def _identity(self) -> dict[str, Any]:
        endpoint = "GET /oauth/identity"
        with self._answer(endpoint):
            data = self.client.identity().data
        require(isinstance(data.get("username"), str), self.name, endpoint, "no username")
        return data

    def search_tracks(self, query="", *, artist="", title="", limit=10, force_refresh=False) -> list[TrackCandidate]:
        # Discogs indexes releases: the artist and track fields find the releases that
        # carry the track; a free query searches everything.
        fields = {"artist": artist, "title": title} if artist or title else {"query": query}
        parts = tuple(normalise_query(value) for value in fields.values())
        return cached(
            self.name, "search", (tuple(fields), *parts, limit),
            lambda: [map_candidate(item) for item in self._search(**fields, limit=limit)],
            force_refresh=force_refresh,
        )

    def get_metadata(self, external_id: str, *, force_refresh=False) -> TrackMetadata | None:
        """Return the release's metadata; a Discogs id names a release, not a recording."""

        external_id = str(external_id).strip()
        if not external_id.isdigit():
            return None  # Discogs release ids are numbers; anything else names nothing there.

        def fetch():
            data = self._release(external_id)
            return map_metadata(data) if data is not None else None

        return cached(self.name, "metadata", (external_id,), fetch, force_refresh=force_refresh)

    def purchase_links(self, *, artist, title, isrc="", external_id="", force_refresh=False) -> list[PurchaseLink]:
        if external_id:  # the track's own release: its marketplace listings and lowest price
            def by_id():
                stats = self._marketplace_stats(str(external_id))
                if stats is None or not as_int(stats.get("num_for_sale")):
                    return []
                return [map_purchase_link(str(external_id), stats)]

            return cached(self.name, "purchase_links", ("id", str(external_id)), by_id, force_refresh=force_refresh)

        def fetch():
            links = []
            for item in self._search(artist=artist, title=title, limit=PURCHASE_RELEASES):
                release_id = str(item["id"])
                stats = self._marketplace_stats(release_id)
                if stats is not None and as_int(stats.get("num_for_sale")):
                    release_artist, release_title = _split_title(item.get("title") or "")
                    links.append(map_purchase_link(
                        release_id, stats, title=release_title, artists=(release_artist,) if release_artist else (),
                    ))
            return links

        parts = (normalise_query(artist), normalise_query(title))
        return cached(self.name, "purchase_links", parts, fetch, force_refresh=force_refresh)

    def check(self) -> str:
        return f"token accepted for {self._identity()['username']}"


def map_candidate(item: dict[str, Any]) -> TrackCandidate:
    artist, title = _split_title(item.get("title") or "")
    labels = [name for name in _as_list(item.get("label")) if _real_label(name)]
    return TrackCandidate(
        source="discogs",
        external_id=str(item["id"]),
        title=title,
        artists=(artist,) if artist else (),
        album=title,
        release_date=_year_date(item.get("year")),
        label=labels[0] if labels else "",
        url=urljoin(SITE_URL, item["uri"]) if item.get("uri") else f"{SITE_URL}/release/{item['id']}",
    )


def map_metadata(release: dict[str, Any]) -> TrackMetadata:
    artists = [artist for artist in release.get("artists") or [] if isinstance(artist, dict)]
    names = tuple(_artist_name(artist) for artist in artists if _artist_name(artist))
    labels = [label for label in release.get("labels") or [] if isinstance(label, dict)]
    label_names = tuple(dict.fromkeys(label["name"] for label in labels if _real_label(label.get("name"))))
    catalog_number = next((label["catno"] for label in labels if _real_catno(label.get("catno"))), "")
    styles = [style for style in release.get("styles") or [] if isinstance(style, str)]
    genres = [genre for genre in release.get("genres") or [] if isinstance(genre, str)]
    credit = _credit(artists)
    release_id = str(release.get("id", ""))
    uri = release.get("uri")
    return TrackMetadata(
        source="discogs",
        external_id=release_id,
        artists=names,
        credit_name=credit,
        album=release.get("title") or "",
        album_artist=credit,
        label=label_names[0] if label_names else "",
        labels=label_names,
        catalog_number=catalog_number,
        # Styles ("Deep House") say more about electronic music than genres ("Electronic").
        genre=(styles or genres or [""])[0],
        genres=tuple(dict.fromkeys(styles + genres)),
        release_date=parse_date(release.get("released")) or _year_date(release.get("year")),
        artwork_url=_artwork(release.get("images")),
        # Older answers carry no absolute uri; the release page is reachable by id alone.
        url=uri if isinstance(uri, str) and uri.startswith("http") else f"{SITE_URL}/release/{release_id}",
        ids={"discogs_id": release_id},
    )


def map_purchase_link(
    release_id: str, stats: dict[str, Any], *, title: str = "", artists: tuple[str, ...] = ()
) -> PurchaseLink:
    lowest = stats.get("lowest_price") or {}
    return PurchaseLink(
        source="discogs",
        external_id=release_id,
        store="Discogs",
        url=f"{SITE_URL}/sell/release/{release_id}",
        price=as_decimal(lowest.get("value")),
        currency=lowest.get("currency") or "",
        title=title,
        artists=artists,
        kind="release",
    )


def _split_title(text: str) -> tuple[str, str]:
    """Split a search hit's "Artist - Title" into its parts."""
    artist, separator, title = text.partition(" - ")
    if not separator:
        return "", text.strip()
    return _DISAMBIGUATION.sub("", artist.strip()), title.strip()


def _artist_name(artist: dict[str, Any]) -> str:
    # anv is the name as printed on this release, where it differs from the artist's name.
    return _DISAMBIGUATION.sub("", (artist.get("anv") or artist.get("name") or "").strip())


def _credit(artists: list[dict[str, Any]]) -> str:
    """Return the artist credit as printed, joined with Discogs's join words ("&", "Feat.")."""
    text = ""
    for artist in artists:
        text += _artist_name(artist)
        join = (artist.get("join") or "").strip()
        if join:
            text += ", " if join == "," else f" {join} "
    return text.strip()


def _real_label(name: Any) -> bool:
    # "Not On Label" (and "Not On Label (Artist Self-released)") is how Discogs says "no label".
    return isinstance(name, str) and bool(name.strip()) and not name.startswith("Not On Label")


def _real_catno(catno: Any) -> bool:
    # Discogs writes "none" for a release without a catalog number.
    return isinstance(catno, str) and catno.strip().lower() not in ("", "none")


def _artwork(images: Any) -> str:
    # Only absolute URLs: a relative one names no host and could not be fetched.
    images = [
        image for image in images or []
        if isinstance(image, dict) and str(image.get("uri", "")).startswith(("http://", "https://"))
    ]
    primary = [image for image in images if image.get("type") == "primary"]
    return (primary or images)[0]["uri"] if images else ""


def _year_date(year: Any):
    value = as_int(year)
    return parse_date(f"{value:04d}") if value and value > 0 else None


def _as_list(value: Any) -> list[str]:
    # Older answers give one label string; current ones a list of names.
    if isinstance(value, str):
        return [value] if value else []
    return [item for item in value or [] if isinstance(item, str) and item]
