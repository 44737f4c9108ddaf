"""Cover art for the tags: the best image the providers give, made small enough to embed.

Players and DJ software read a JPEG or PNG front cover; a 3000 px scan makes
every file megabytes larger and slows Rekordbox's browser, so anything whose long
side is above ARTWORK_MAX_PX is scaled down and re-encoded as JPEG. A small JPEG
or PNG is embedded byte for byte as the provider gave it: re-encoding would only
lose quality.

Fetching artwork never stops a tag write: `artwork_for_track` logs why it found
none and returns None.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

# What tag formats and DJ software reliably show: ID3 APIC and FLAC PICTURE take any MIME type,
# but MP4 covr holds only JPEG, PNG, GIF or BMP, and Rekordbox shows only JPEG and PNG.
KEPT_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}
JPEG_QUALITY = 90
# A cover larger than this is not a cover; the fetch stops reading rather than fill memory.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
# Cover Art Archive thumbnail sizes (providers/coverart.py): the smallest one at least as large as
# ARTWORK_MAX_PX, else the largest; a bigger original would only be scaled down again here.
COVERART_SIZES = (250, 500, 1200)


class ArtworkError(Exception):
    """Bytes that cannot be embedded as cover art; the message says why, in words."""


@dataclass(frozen=True)
class Artwork:
    """An image ready to embed: its bytes, MIME type and size in pixels."""

    data: bytes
    mime: str  # image/jpeg or image/png
    width: int
    height: int

    def __repr__(self) -> str:  # the bytes would flood a log line or a failing test's output
        return f"Artwork({self.mime}, {self.width}x{self.height}, {len(self.data)} bytes)"


def prepare_artwork(data: bytes, *, max_px: int | None = None) -> Artwork:
    """Return data as embeddable artwork, scaled down to max_px on its long side; raise ArtworkError if not an image.

    max_px defaults to settings.ARTWORK_MAX_PX. An image is never scaled up.
    """
    limit = max_px if max_px is not None else settings.ARTWORK_MAX_PX
    if limit < 1:
        raise ArtworkError(f"the largest artwork size must be at least 1 px, not {limit}")
    if not data:
        raise ArtworkError("the artwork is empty (0 bytes)")
    try:
        with warnings.catch_warnings():
            # A very large image is a DecompressionBombWarning first; treat it as the error it becomes.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.load()
    except UnidentifiedImageError:
        raise ArtworkError("the artwork is not an image Pillow can read (JPEG, PNG, WebP, GIF ...)") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ArtworkError("the artwork is too large to open safely (over 89 million pixels)") from None
    except (OSError, ValueError, SyntaxError) as exc:  # Pillow reports a truncated or damaged image these ways
        raise ArtworkError(f"the artwork image is damaged ({str(exc) or exc.__class__.__name__})") from None

    width, height = image.size
    if image.format in KEPT_FORMATS and max(width, height) <= limit:
        return Artwork(data=data, mime=KEPT_FORMATS[image.format], width=width, height=height)
    return _reencoded(image, limit)


def _reencoded(image: Image.Image, limit: int) -> Artwork:
    """Return image as a JPEG no larger than limit on its long side (upright, without transparency)."""
    image = ImageOps.exif_transpose(image)  # the pixels upright: the EXIF that says how to turn them is not kept
    width, height = image.size
    if max(width, height) > limit:
        scale = limit / max(width, height)
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        # Exactly limit on the long side: round() of the scaled long side is limit itself.
        image = image.resize(size, Image.Resampling.LANCZOS)
    image = _flattened(image)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return Artwork(data=buffer.getvalue(), mime="image/jpeg", width=image.width, height=image.height)


def _flattened(image: Image.Image) -> Image.Image:
    """Return image in RGB, with any transparency laid over white (JPEG has no alpha; black would show)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image if image.mode == "RGB" else image.convert("RGB")


def artwork_for_track(track: Any) -> Artwork | None:
    """Return the best artwork the providers give for track, prepared to embed, or None (with a logged warning).

    The Cover Art Archive front cover of the track's MusicBrainz release comes first (a scan curated
    for that release), then the track's artwork_url from whichever provider gave it.
    """
    for describe, find_url in (
        ("Cover Art Archive front cover", lambda: _coverart_url(track)),
        ("artwork URL", lambda: getattr(track, "artwork_url", "") or None),
    ):
        try:
            url = find_url()
            if not url:
                continue
            return prepare_artwork(_fetch_image(url))
        except Exception as exc:  # noqa: BLE001 - artwork is a nicety: no failure of it may stop a tag write
            logger.warning("No %s for track %s: %s", describe, getattr(track, "pk", "?"), exc)
    return None


def _coverart_url(track: Any) -> str | None:
    """Return the Cover Art Archive front cover URL of the track's release, or None if it has no release id."""
    from providers.registry import get_provider

    # Track has no release id field yet; the MusicBrainz provider reports one (TrackMetadata.ids), and when
    # the catalogue keeps it as musicbrainz_release_id this path starts working without a change here.
    release_mbid = getattr(track, "musicbrainz_release_id", "") or ""
    if not release_mbid:
        return None
    limit = settings.ARTWORK_MAX_PX
    size = next((size for size in COVERART_SIZES if size >= limit), COVERART_SIZES[-1])
    return get_provider("coverart").front_cover_url(release_mbid, size=size)


def _fetch_image(url: str) -> bytes:
    """Return the bytes at url, fetched through the Cover Art Archive's provider session.

    That session gives the fetch the project's timeout, User-Agent, retries, rate limit and typed, redacted
    errors, and it carries no credentials, so it is safe for any provider's image URL. It is not cached:
    providers/cache.py keeps parsed answers in Django's cache, where megabytes of image per track do not belong.
    """
    from providers.registry import get_provider

    session = get_provider("coverart").http
    response = session.request(
        "GET", url, kind="metadata", endpoint="GET artwork image", headers={"Accept": "image/*"}, stream=True
    )
    try:
        chunks, total = [], 0
        for chunk in response.iter_content(chunk_size=64 * 1024):
            total += len(chunk)
            if total > MAX_DOWNLOAD_BYTES:
                raise ArtworkError(f"the image is larger than {MAX_DOWNLOAD_BYTES // (1024 * 1024)} MB")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        response.close()
