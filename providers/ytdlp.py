"""yt-dlp: the download source of last resort, for a link a person gives or a search where the network allows it.

Its files are copies of streams: lossy, labelled with their real bitrate, and
never good enough for `best` or `good` (downloads.quality). The original
audio stream is kept unless YTDLP_AUDIO_FORMAT asks ffmpeg to convert it.
"""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings

from common.audio_formats import AUDIO_EXTENSIONS
from providers.base import Capability, DownloadCandidate, ProviderError, as_int
from providers.client import Provider

logger = logging.getLogger(__name__)
NAME = "ytdlp"
SEARCH_RESULTS = 5
# yt-dlp's messages for failures that another try may fix.
_TRANSIENT = re.compile(r"timed? ?out|temporar|connection|reset by peer|HTTP Error 5\d\d|429", re.IGNORECASE)


class _Log:
    """yt-dlp's messages go to our log, not to the worker's terminal (errors come back as exceptions)."""

    def debug(self, message: str) -> None:
        logger.debug("yt-dlp: %s", message)

    def info(self, message: str) -> None:
        logger.debug("yt-dlp: %s", message)

    def warning(self, message: str) -> None:
        logger.info("yt-dlp: %s", message)

    def error(self, message: str) -> None:
        logger.info("yt-dlp: %s", message)


def _options(**extra: Any) -> dict[str, Any]:
    return {
        "logger": _Log(), "quiet": True, "no_warnings": True, "noprogress": True,
        "noplaylist": True, "socket_timeout": 30,
        # Containers mutagen reads (so the file can be verified and tagged) before any other.
        "format": "bestaudio[ext=m4a]/bestaudio[ext=mp3]/bestaudio[ext=opus]/bestaudio[ext=ogg]/bestaudio/best",
        "restrictfilenames": True, "cachedir": False, **extra,
    }


def _error(exc: Exception, endpoint: str) -> ProviderError:
    message = re.sub(r"^ERROR:\s*", "", str(exc)).strip() or exc.__class__.__name__
    return ProviderError(NAME, endpoint, message[:500], transient=bool(_TRANSIENT.search(message)))


def _extract(target: str, *, download: bool, endpoint: str, **extra: Any) -> dict[str, Any]:
    from yt_dlp import YoutubeDL
    from yt_dlp.utils import DownloadCancelled, DownloadError, ExtractorError

    try:
        with YoutubeDL(_options(**extra)) as ydl:
            info = ydl.extract_info(target, download=download)
    except DownloadCancelled:
        raise ProviderError(NAME, endpoint, "the download was cancelled") from None
    except (DownloadError, ExtractorError, OSError) as exc:
        raise _error(exc, endpoint) from None
    if not isinstance(info, dict):
        raise ProviderError(NAME, endpoint, "yt-dlp found nothing there", status=404)
    return info


def _candidate(info: dict[str, Any], url: str) -> DownloadCandidate:
    extension = str(info.get("audio_ext") if info.get("audio_ext") not in (None, "none") else info.get("ext") or "")
    return DownloadCandidate(
        source=NAME, external_id=str(info.get("id") or url), username=str(info.get("extractor_key") or "web"),
        filename=url, size=as_int(info.get("filesize") or info.get("filesize_approx")) or 0,
        extension=extension.lower(), bitrate=as_int(round(info["abr"])) if info.get("abr") else None,
        duration=as_int(round(info["duration"])) if info.get("duration") else None,
        has_free_upload_slot=True,
    )


def candidates_for_url(url: str) -> list[DownloadCandidate]:
    """Return the one file a link offers, as a candidate (the link is its filename)."""
    info = _extract(url, download=False, endpoint="extract")
    return [_candidate(info, info.get("webpage_url") or url)]


def search(query: str) -> list[DownloadCandidate]:
    """Search YouTube through yt-dlp (needs the network); return the first results as candidates."""
    info = _extract(f"ytsearch{SEARCH_RESULTS}:{query}", download=False, endpoint="search", extract_flat=True)
    entries = [entry for entry in info.get("entries") or [] if isinstance(entry, dict) and entry.get("url")]
    return [_candidate(entry, entry["url"]) for entry in entries]


def download(url: str, folder: Path, *,
             on_progress: Callable[[int, int | None, float | None], bool] | None = None) -> Path:
    """Download the link's audio into folder (emptied first) and return the file.

    on_progress(done, total, speed) is called as bytes arrive; when it returns False the download stops
    (the person cancelled) and the folder is emptied.
    """
    from yt_dlp.utils import DownloadCancelled

    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.iterdir():
        if leftover.is_file():
            leftover.unlink()

    def hook(status: dict[str, Any]) -> None:
        if on_progress is not None and status.get("status") == "downloading":
            go_on = on_progress(
                int(status.get("downloaded_bytes") or 0),
                as_int(status.get("total_bytes") or status.get("total_bytes_estimate")),
                status.get("speed"),
            )
            if go_on is False:
                raise DownloadCancelled("cancelled")

    extra: dict[str, Any] = {"outtmpl": str(folder / "audio.%(ext)s"), "progress_hooks": [hook]}
    if settings.YTDLP_AUDIO_FORMAT:
        extra["postprocessors"] = [{"key": "FFmpegExtractAudio", "preferredcodec": settings.YTDLP_AUDIO_FORMAT}]
    try:
        _extract(url, download=True, endpoint="download", **extra)
    except ProviderError:
        shutil.rmtree(folder, ignore_errors=True)  # nothing half-downloaded is left behind
        raise
    return downloaded_file(folder)


def downloaded_file(folder: Path) -> Path:
    """Return the audio file yt-dlp left in folder."""
    files = sorted(
        (path for path in folder.glob("audio.*") if path.suffix.lstrip(".").lower() in AUDIO_EXTENSIONS),
        key=lambda path: path.stat().st_size, reverse=True,
    ) if folder.is_dir() else []
    if not files:
        raise ProviderError(NAME, "download", "yt-dlp left no audio file", status=404)
    return files[0]


class YtDlp(Provider):
    """yt-dlp as a registered provider: listed on the status page with the others, reached through the registry."""

    name = NAME
    label = "yt-dlp"
    capabilities = frozenset({Capability.DOWNLOAD})
    url_setting = ""  # no service of its own: it reads the link it is given

    def __init__(self) -> None:  # no HTTP session: yt-dlp makes its own requests
        pass

    def check(self) -> str:
        from yt_dlp.version import __version__

        return f"yt-dlp {__version__} is installed"

    def find_downloads(self, query: str, *, timeout: float | None = None) -> list[DownloadCandidate]:
        """Return the file a link offers, or the first results of a search."""
        return candidates_for_url(query) if re.match(r"^https?://\S+$", query, re.IGNORECASE) else search(query)

    def candidates_for_url(self, url: str) -> list[DownloadCandidate]:
        return candidates_for_url(url)

    def search(self, query: str) -> list[DownloadCandidate]:
        return search(query)

    def download(self, url: str, folder: Path, *, on_progress=None) -> Path:
        return download(url, folder, on_progress=on_progress)

    def downloaded_file(self, folder: Path) -> Path:
        return downloaded_file(folder)

