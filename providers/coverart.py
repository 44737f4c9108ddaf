"""Cover Art Archive: the front cover of a MusicBrainz release.

It has none of the track capabilities (no search, no recording metadata); other
code asks it for a release's cover URL once MusicBrainz has named the release.
"""

from __future__ import annotations

from typing import Any

from providers.cache import cached
from providers.client import Provider
from providers.http import NotFound, path_segment, require

# A release that the check asks about; 200 (art), 307 (redirect to the Internet
# Archive) and 404 (no art) all prove the service answers.
CHECK_RELEASE_MBID = "b84ee12a-09ef-421b-82de-0441a926375b"  # Pink Floyd, The Dark Side of the Moon
# Older images carry only the "small" (250 px) and "large" (500 px) thumbnail names.
_LEGACY_THUMBNAIL_NAMES = {250: "small", 500: "large"}


class CoverArtArchive(Provider):
    name = "coverart"
    label = "Cover Art Archive"
    capabilities = frozenset()
    url_setting = "COVERART_URL"

    # Reference: https://musicbrainz.org/doc/Cover_Art_Archive/API#/release/{mbid}/
    def _release_images(self, release_mbid: str) -> dict[str, Any] | None:
        endpoint = "GET /release/{mbid}"
        try:
            body = self.http.get_json(f"/release/{path_segment(release_mbid)}", kind="metadata", endpoint=endpoint)
        except NotFound:
            return None
        require(isinstance(body, dict) and isinstance(body.get("images"), list), self.name, endpoint, "no images list")
        require(all(isinstance(image, dict) for image in body["images"]), self.name, endpoint,
                "an image is not an object")
        return body

    def front_cover_url(self, release_mbid: str, size: int = 500, *, force_refresh: bool = False) -> str | None:
        """Return the URL of the release's front cover at size px (250, 500 or 1200), or None if it has none."""

        def fetch():
            body = self._release_images(release_mbid)
            return front_cover(body, size) if body else None

        return cached(self.name, "entity", ("front", release_mbid, size), fetch, force_refresh=force_refresh)

    # Reference: https://musicbrainz.org/doc/Cover_Art_Archive/API#/release/{mbid}/
    def check(self) -> str:
        endpoint = "HEAD /release/{mbid}"
        try:
            # Not following the redirect keeps the check to one request to the archive itself.
            response = self.http.request(
                "HEAD", f"/release/{CHECK_RELEASE_MBID}", kind="metadata", endpoint=endpoint, allow_redirects=False
            )
        except NotFound:
            return "release listing answered 404 (reachable)"
        return f"release listing answered {response.status_code}"


def front_cover(body: dict[str, Any], size: int = 500) -> str | None:
    """Return the front image's thumbnail URL at size from a /release listing, or None without a front image.

    A size with no thumbnail falls back to the full image, which is never smaller.
    """
    front = next((image for image in body.get("images") or [] if image.get("front")), None)
    if front is None:
        return None
    thumbnails = front.get("thumbnails") if isinstance(front.get("thumbnails"), dict) else {}
    url = thumbnails.get(str(size)) or thumbnails.get(_LEGACY_THUMBNAIL_NAMES.get(size, "")) or front.get("image")
    return url if isinstance(url, str) and url else None
