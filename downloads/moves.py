"""How a download moves: every writer's conditional updates, and the stop of its work at the source.

A download moves only by `download_move`, a conditional update from the state
it was read in to one `TRANSITIONS` allows, so two workers (or a worker and a
person cancelling) never both move it; `download_note` records progress while it
stays in its state, on the same terms. `download_fail` and `download_cancel`
end it from any state it may leave, and give back what it holds at the source
(its search slot, its transfer). Asking (`downloads.starts`) and the steps
(`downloads.steps`, `downloads.searching`) write through these.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone

from downloads import choice
from downloads.models import TERMINAL_STATES, TRANSITIONS, Download, DownloadState
from downloads.sources import source
from providers.base import DownloadCandidate, ProviderError

logger = logging.getLogger(__name__)


class InvalidTransition(Exception):
    """A move TRANSITIONS does not allow (a programming error, never a race)."""



def download_move(*, download: Download, to: str, **changes: Any) -> bool:
    """Move the download from the state it was read in to `to`, with changes; False if it moved meanwhile."""
    if to not in TRANSITIONS[download.state]:
        raise InvalidTransition(f"A download cannot go from {download.state} to {to}.")
    now = timezone.now()
    changes.setdefault("updated_at", now)
    if to in TERMINAL_STATES:
        changes.setdefault("finished_at", now)
    moved = Download.objects.filter(pk=download.pk, state=download.state).update(state=to, **changes)
    if moved:
        download.state = to
        for name, value in changes.items():
            setattr(download, name, value)
    else:
        download.refresh_from_db()
    return bool(moved)



def download_note(*, download: Download, expect: dict[str, Any] | None = None, **changes: Any) -> bool:
    """Record progress on the download while it stays in its state (and matches expect); False if it moved."""
    changes.setdefault("updated_at", timezone.now())
    saved = Download.objects.filter(pk=download.pk, state=download.state, **(expect or {})).update(**changes)
    if saved:
        for name, value in changes.items():
            setattr(download, name, value)
    return bool(saved)



def download_fail(*, download: Download, reason: str) -> bool:
    """Fail an active download for good with the reason, whatever state it is in."""
    for _ in range(5):
        if download.state in TERMINAL_STATES:
            return False
        searching = download.state == DownloadState.SEARCHING
        if download_move(download=download, to=DownloadState.FAILED, error=reason[:2000], speed=0):
            if searching:
                _search_let_go(download)
            return True
    return False



def download_cancel(*, download: Download, note: str = "") -> bool:
    """Cancel the download in any state (terminal and idempotent); also cancel its transfer at the source."""
    for _ in range(5):
        if DownloadState.CANCELLED not in TRANSITIONS[download.state]:
            return False  # finished, or being filed: too late
        had_transfer = (
            download.state in (DownloadState.QUEUED, DownloadState.DOWNLOADING) and bool(download.enqueued_at)
        )
        searching = download.state == DownloadState.SEARCHING
        if download_move(download=download, to=DownloadState.CANCELLED, speed=0, error=note):
            if had_transfer:
                _cancel_transfer(download)
            if searching:
                _search_let_go(download)
            return True
    return False



def _search_let_go(download: Download) -> None:
    """Give back the search slot a download that stopped searching holds (its search's answers are not wanted)."""
    # The row as it is now: a step may have started the search after this download was read.
    search = Download.objects.filter(pk=download.pk).values_list("search", flat=True).first() or {}
    if not (isinstance(search, dict) and search.get("id")):
        return
    try:
        source(search.get("source") or "slskd").search_end(search["id"])
    except Exception:  # noqa: BLE001 - the slot lapses at the search's deadline anyway
        logger.warning("Download %s: could not give back the search slot", download.pk, exc_info=True)



def _cancel_transfer(download: Download) -> None:
    try:
        source(download.source).cancel(_candidate(download), transfer_id=download.transfer_id)
    except ProviderError as exc:
        # The download is cancelled here either way; the source's transfer may finish and be ignored.
        logger.warning("Download %s: could not cancel the transfer at %s: %s", download.pk, download.source, exc)



def _fresh_transfer() -> dict[str, Any]:
    return {
        "transfer_id": "", "enqueued_at": None, "progress": 0, "bytes_transferred": 0, "speed": 0,
        "place_in_queue": None, "last_progress_at": None, "retries": 0,
    }



def _candidate(download: Download) -> DownloadCandidate:
    return choice.candidate_from_dict(download.chosen or {})

