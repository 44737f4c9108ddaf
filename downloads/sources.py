"""Where files come from: one adapter per download source, in DOWNLOAD_PROVIDERS order.

The download service speaks to every source the same way: search for
candidates, start a transfer, look at how it is going, find the finished file,
cancel. slskd transfers run in slskd itself and are only watched from here;
yt-dlp runs in the worker, into DOWNLOAD_WORK_DIR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from providers.base import DownloadCandidate, ProviderError
from providers.registry import get_provider

URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


@dataclass(frozen=True)
class TransferStatus:
    state: str  # "queued", "downloading", "done" or "failed"
    percent: float = 0.0
    bytes_transferred: int = 0
    speed: int = 0  # bytes/s
    place_in_queue: int | None = None
    transfer_id: str = ""
    error: str = ""


class Source:
    name: str
    # A source whose searches run elsewhere and take a while (slskd) is searched in steps, and no worker waits
    # for it: search_begin, then search_done until it is, then search_results and search_end. Any other is
    # searched with search(), which does the work there and then.
    searches_in_background = False

    def search(self, query: str) -> list[DownloadCandidate]:
        raise NotImplementedError

    def search_begin(self, query: str, *, search_id: str, timeout: float) -> None:
        """Start a search under search_id that collects answers for timeout seconds; RateLimited when not now."""
        raise NotImplementedError

    def search_done(self, search_id: str) -> bool | None:
        """Return whether the search is complete, or None when the source does not know it."""
        raise NotImplementedError

    def search_results(self, search_id: str) -> list[DownloadCandidate]:
        raise NotImplementedError

    def search_end(self, search_id: str) -> None:
        """Let go of what the search holds (its answers were read, or are no longer wanted)."""
        raise NotImplementedError

    def start(self, candidate: DownloadCandidate) -> TransferStatus:
        """Ask for the file; if the source already has a transfer of it, adopt that one (never ask twice)."""
        raise NotImplementedError

    def status(self, candidate: DownloadCandidate, *, download_id: str, on_progress=None) -> TransferStatus:
        raise NotImplementedError

    def local_file(self, candidate: DownloadCandidate, *, download_id: str) -> Path:
        raise NotImplementedError

    def cancel(self, candidate: DownloadCandidate, *, transfer_id: str) -> None:
        raise NotImplementedError


class SlskdSource(Source):
    name = "slskd"
    searches_in_background = True

    def __init__(self):
        self.client = get_provider("slskd")

    def search(self, query: str) -> list[DownloadCandidate]:
        if URL.match(query):
            return []  # a link is for yt-dlp
        return self.client.find_downloads(query)  # waits here: a download job searches in steps instead

    def search_begin(self, query: str, *, search_id: str, timeout: float) -> None:
        self.client.search_begin(query, search_id=search_id, timeout=timeout)

    def search_done(self, search_id: str) -> bool | None:
        state = self.client.search_lookup(search_id)
        return None if state is None else state.is_complete

    def search_results(self, search_id: str) -> list[DownloadCandidate]:
        return self.client.search_responses(search_id)

    def search_end(self, search_id: str) -> None:
        self.client.search_end(search_id)

    def start(self, candidate: DownloadCandidate) -> TransferStatus:
        existing = self.client.transfer(candidate.username, candidate.filename)
        # Only a transfer still under way is adopted: a finished one is an earlier download's, long filed.
        if existing is None or existing.is_complete:
            self.client.enqueue(candidate)
            existing = self.client.transfer(candidate.username, candidate.filename)
        if existing is None:
            return TransferStatus("queued")
        return _status(existing)

    def status(self, candidate: DownloadCandidate, *, download_id: str, on_progress=None) -> TransferStatus:
        transfer = self.client.transfer(candidate.username, candidate.filename)
        if transfer is None:
            return TransferStatus("failed",
                                  error="slskd no longer has the transfer (it was removed or slskd restarted)")
        return _status(transfer)

    def local_file(self, candidate: DownloadCandidate, *, download_id: str) -> Path:
        return self.client.local_path(candidate.filename)

    def cancel(self, candidate: DownloadCandidate, *, transfer_id: str) -> None:
        if not transfer_id:
            transfer = self.client.transfer(candidate.username, candidate.filename)
            transfer_id = transfer.id if transfer else ""
        if transfer_id:
            self.client.cancel(candidate.username, transfer_id)


def _status(transfer) -> TransferStatus:
    if transfer.failed:
        reason = transfer.error or transfer.state
        return TransferStatus("failed", transfer_id=transfer.id, error=f"the transfer ended: {reason}")
    if transfer.is_complete and transfer.succeeded:
        state = "done"
    elif "Queued" in transfer.state or "Requested" in transfer.state or "Initializing" in transfer.state:
        state = "queued"
    else:
        state = "downloading"
    return TransferStatus(
        state, percent=transfer.percent_complete, bytes_transferred=transfer.bytes_transferred,
        speed=int(transfer.average_speed), place_in_queue=transfer.place_in_queue, transfer_id=transfer.id,
    )


class YtdlpSource(Source):
    """yt-dlp: a link a person gives (or a search, where the network allows it), downloaded in the worker."""

    name = "ytdlp"

    def __init__(self):
        self.client = get_provider("ytdlp")

    def search(self, query: str) -> list[DownloadCandidate]:
        if URL.match(query):
            return self.client.candidates_for_url(query)
        return self.client.search(query)

    def start(self, candidate: DownloadCandidate) -> TransferStatus:
        return TransferStatus("downloading")  # no queue: the next look downloads it, here

    def _folder(self, download_id: str) -> Path:
        return Path(settings.DOWNLOAD_WORK_DIR) / f"ytdlp-{download_id}"

    def status(self, candidate: DownloadCandidate, *, download_id: str, on_progress=None) -> TransferStatus:
        # yt-dlp works here, in the worker: when this returns, the file is there (or it failed).
        try:
            self.client.download(candidate.filename, self._folder(download_id), on_progress=on_progress)
        except ProviderError as exc:
            return TransferStatus("failed", error=exc.message)
        return TransferStatus("done", percent=100.0)

    def local_file(self, candidate: DownloadCandidate, *, download_id: str) -> Path:
        return self.client.downloaded_file(self._folder(download_id))

    def cancel(self, candidate: DownloadCandidate, *, transfer_id: str) -> None:
        return None  # nothing runs outside the worker; the worker sees the cancel


SOURCES: dict[str, type[Source]] = {"slskd": SlskdSource, "ytdlp": YtdlpSource}


def source(name: str) -> Source:
    try:
        return SOURCES[name]()
    except KeyError:
        raise ProviderError(name, "download", f"{name} is not a download source") from None


def sources_in_order() -> list[str]:
    return [name for name in settings.DOWNLOAD_PROVIDERS if name in SOURCES]
