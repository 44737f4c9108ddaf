"""The state machine's steps: `download_step` does one unit of work for the state a download is in.

Each step says when to look at the download again; the job handler
(`downloads.jobs`) steps a batch of downloads side by side, and never waits for
one: a search collecting answers, a file in a peer's queue, a retry after an
error each bring the job back when they are due. The steps, by state: start
(PENDING), search (SEARCHING, in `downloads.searching`), ask for the file and
follow its transfer (QUEUED, DOWNLOADING), verify it (VERIFYING), file it in the
music folder, record it on the track and tag it (FILING); a file that fails
gives way to the next candidate.

Intent is written before action: the chosen file and `enqueued_at` are on the
row before slskd is asked, and a run that resumes after a crash looks for
slskd's transfer before asking again, so a file is never enqueued twice.
"""

from __future__ import annotations

import datetime
import logging
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audio.file_matching import track_file_fields
from audio.probe import EXTENSIONS, AudioError, AudioInfo, probe
from audio.tagging import track_tags_write
from audio.tags import TagWriteError
from common.files import numbered_names
from common.paths import UnsafePath
from downloads import files
from downloads.models import TERMINAL_STATES, Download, DownloadState
from downloads.moves import _cancel_transfer, _candidate, _fresh_transfer, download_fail, download_move, download_note
from downloads.quality import Quality
from downloads.searching import _search
from downloads.sources import TransferStatus, source
from matching.weights import SAME_AUDIO_TOLERANCE
from providers.base import ProviderDisabled, ProviderError, RateLimited, Unauthorized
from tracks.models import Track

logger = logging.getLogger(__name__)
# Seconds until the next look at a transfer that moves, and at one waiting in a peer's queue (which can take hours on
# Soulseek). A download that waits holds no worker: its job comes back then.
POLL_SECONDS = 1.0
QUEUED_POLL_SECONDS = 10.0
BACKOFF_MAX = 30.0
# Notes a download shows while it waits out a failure or a rate limit; cleared once it works again.
PAUSE_NOTES = ("Retrying: ", "Waiting for ")


def download_step(*, download: Download, job_id=None) -> float | None:
    """Do one unit of work for the download; return seconds until the next look, or None when a worker is done
    with it (finished, waiting for a person, or moved on by a later job than job_id).
    Transient source failures are retried with backoff."""
    download.refresh_from_db()
    if download.state in TERMINAL_STATES or download.state == DownloadState.AWAITING_CHOICE:
        return None
    if job_id is not None and download.job_id not in (None, job_id):
        return None
    try:
        delay = _STEPS[download.state](download)
    except RateLimited as exc:
        wait = max(0.1, float(exc.retry_after))
        until = timezone.localtime(timezone.now() + datetime.timedelta(seconds=wait))
        download_note(download=download, error=_waiting_note(exc, until))
        return wait
    except (Unauthorized, ProviderDisabled) as exc:
        download_fail(download=download, reason=str(exc))
        return None
    except ProviderError as exc:
        if not _transient(exc):
            download_fail(download=download, reason=str(exc))
            return None
        return _backoff(download, exc)
    if download.state not in TERMINAL_STATES and download.retries:
        download_note(download=download, retries=0)
    if download.state not in TERMINAL_STATES and download.error.startswith(PAUSE_NOTES):
        download_note(download=download, error="")  # it works again: the note of the pause goes
    return delay



def _waiting_note(exc: RateLimited, until: datetime.datetime) -> str:
    if exc.endpoint == "search slot":
        return f"Waiting for a turn to search (another search is under way); looking again at {until:%H:%M:%S}."
    if exc.endpoint == "concurrency slot":
        return f"Waiting for a turn to ask {exc.provider}; looking again at {until:%H:%M:%S}."
    return f"Waiting for {exc.provider} until {until:%H:%M:%S} ({exc.message})."



def download_waiting_for(download: Download) -> tuple[str, str]:
    """Return what the download waits for, as a person says it: (one download's, several downloads')."""
    note = download.error or ""
    if note.startswith("Retrying: "):
        return "a retry after an error", "retries after errors"
    if note.startswith("Waiting for a turn to search"):
        return "a turn to search", "turns to search"
    if note.startswith("Waiting for "):
        return "a rate limit", "rate limits"
    if download.state in (DownloadState.PENDING, DownloadState.SEARCHING):
        return "a search's answers", "searches' answers"
    if download.state == DownloadState.QUEUED:
        return "a peer's queue", "peers' queues"
    if download.state == DownloadState.DOWNLOADING:
        return "a transfer", "transfers"
    return "its next step", "their next steps"



def _transient(exc: ProviderError) -> bool:
    """A source that is down, a 5xx, a timeout: worth another try. A refusal, a 4xx or garbage: not."""
    return exc.transient



def _backoff(download: Download, exc: ProviderError) -> float | None:
    retries = download.retries + 1
    if retries > settings.DOWNLOAD_MAX_RETRIES:
        download_fail(download=download, reason=f"Gave up after {retries} tries: {exc}")
        return None
    download_note(download=download, retries=retries, error=f"Retrying: {exc}"[:2000])
    return min(BACKOFF_MAX, 2.0 ** (retries - 1))



def _start(download: Download) -> float:
    download_move(download=download, to=DownloadState.SEARCHING, error="", search={})
    return 0.0



def _transfer(download: Download) -> float | None:
    """QUEUED and DOWNLOADING: ask for the file once, then follow the transfer."""
    candidate = _candidate(download)
    src = source(download.source)
    if download.enqueued_at is None:
        # Intent first: a run that dies after this line finds enqueued_at set and looks before asking again.
        if not download_note(
            download=download, expect={"enqueued_at__isnull": True}, enqueued_at=timezone.now(),
            last_progress_at=timezone.now(),
        ):
            return 0.0
        try:
            status = src.start(candidate)
        except ProviderError as exc:
            if _transient(exc):
                download_note(download=download, enqueued_at=None)
                raise
            return _next_candidate(download, str(exc.message))
        if Download.objects.filter(pk=download.pk, state=DownloadState.CANCELLED).exists():
            # Cancelled while the source was being asked: its transfer is ours to cancel now.
            download.refresh_from_db()
            _cancel_transfer(download)
            return None
    else:
        status = src.status(candidate, download_id=str(download.pk), on_progress=_progress_writer(download))
        if status.state == "failed" and download.state == DownloadState.QUEUED and not download.transfer_id:
            # The run before this one died between writing its intent and slskd's answer: ask now.
            try:
                status = src.start(candidate)
            except ProviderError as exc:
                if _transient(exc):
                    raise
                return _next_candidate(download, str(exc.message))
    return _follow(download, status)



def _follow(download: Download, status: TransferStatus) -> float | None:
    if status.state == "failed":
        return _next_candidate(download, status.error or "the transfer failed")
    now = timezone.now()
    moved_bytes = status.bytes_transferred > download.bytes_transferred
    changes = {
        "transfer_id": status.transfer_id or download.transfer_id, "progress": min(100, int(status.percent)),
        "bytes_transferred": status.bytes_transferred, "speed": status.speed, "place_in_queue": status.place_in_queue,
    }
    if moved_bytes or download.last_progress_at is None:
        changes["last_progress_at"] = now
    if status.state == "done":
        download_move(download=download, to=DownloadState.VERIFYING, **{**changes, "progress": 100, "speed": 0})
        return 0.0
    if status.state == "downloading" and download.state == DownloadState.QUEUED:
        # The wait in the peer's queue is not a stall: the clock starts when the transfer does.
        download_move(download=download, to=DownloadState.DOWNLOADING, **{**changes, "last_progress_at": now})
        return POLL_SECONDS
    if status.state == "downloading":
        stalled_for = (now - (changes.get("last_progress_at") or download.last_progress_at)).total_seconds()
        if stalled_for >= settings.SLSKD_STALL_SECONDS:
            _cancel_transfer(download)
            return _next_candidate(download, f"the peer stalled: no progress for {round(stalled_for)} s")
    download_note(download=download, **changes)
    return QUEUED_POLL_SECONDS if status.state == "queued" else POLL_SECONDS



def _progress_writer(download: Download):
    last = [0.0]

    def write(done: int, total: int | None, speed: float | None) -> bool:
        """Record progress at most once a second; False (stop) once the download was cancelled or moved on."""
        if time.monotonic() - last[0] < 1.0:
            return True
        last[0] = time.monotonic()
        percent = min(99, int(100 * done / total)) if total else 0
        return download_note(
            download=download, bytes_transferred=done, progress=percent, speed=int(speed or 0),
            last_progress_at=timezone.now(),
        )

    return write



def _verify(download: Download) -> float | None:
    candidate = _candidate(download)
    src = source(download.source)
    try:
        path = src.local_file(candidate, download_id=str(download.pk))
    except ProviderError as exc:
        return _next_candidate(download, exc.message)
    # A person may choose another length on purpose; the file's own listed length still catches a truncation.
    expected = candidate.duration if download.chosen_by_person else (download.track.duration or candidate.duration)
    try:
        info = files.verify(
            path, chosen_format=candidate.extension or path.suffix.lstrip("."),
            quality=Quality.ANY if download.chosen_by_person else download.quality,
            expected_duration=float(expected) if expected else None,
            expected_size=candidate.size if candidate.source == "slskd" else None,
            source=candidate.source, lossless_elsewhere=download.chosen.get("lossless_elsewhere", True),
        )
    except files.VerificationFailed as exc:
        kept = files.quarantine(path, reason=str(exc))
        where = f" (kept in {kept})" if kept else ""
        return _next_candidate(download, f"rejected: {exc}{where}")
    download_move(
        download=download, to=DownloadState.FILING, file_format=info.format, file_bitrate=info.bitrate,
        file_duration=info.duration, chosen={**download.chosen, "local_path": str(path)},
    )
    return 0.0



def _file(download: Download) -> float | None:
    path = Path(download.chosen.get("local_path", ""))
    track = download.track
    try:
        destination = files.library_path(
            artist=_artist(track), album=track.album, title=track.title, version=track.version,
            ext=_extension(download.file_format, path), year=str(track.release_date.year) if track.release_date else "",
            label=track.label, genre=track.genre,
        )
    except (ValueError, UnsafePath) as exc:
        download_fail(download=download, reason=f"Could not file the download: {exc}")
        return None
    info = _probe_or_none(path)
    if info is not None:
        try:
            filed_path = files.file_into_library(path, destination=destination, info=info).path
        except files.FilingFailed as exc:
            download_fail(download=download, reason=f"Could not file the download: {exc}")
            return None
    else:
        # The verified file is gone from the source's folder: a run that died after the move filed it already.
        filed_path = _filed_earlier(download, destination)
        if filed_path is None:
            return _next_candidate(download, "the downloaded file disappeared before filing")
        info = probe(filed_path)
    with transaction.atomic():
        if not download_move(
            download=download, to=DownloadState.COMPLETED, file_path=str(filed_path), progress=100, error="",
        ):
            return None
        track_file_record(track=track, path=filed_path, info=info)
    _tags_write(track)
    return None



def _filed_earlier(download: Download, destination: Path) -> Path | None:
    """Return the file a killed run filed at destination (or a numbered name beside it), if there is one."""
    for number, candidate in enumerate(numbered_names(destination)):
        if number > 50 or (number > 0 and not candidate.exists()):
            return None  # numbered names are taken in order: the first gap ends the search
        info = _probe_or_none(candidate) if candidate.exists() else None
        if (
            info is not None and info.format == download.file_format and download.file_duration is not None
            and abs(info.duration - download.file_duration) <= SAME_AUDIO_TOLERANCE
        ):
            return candidate
    return None



def _tags_write(track: Track) -> None:
    """Tag the filed file with the catalogue's tags and cover; a failure leaves the track marked out of date."""
    track.refresh_from_db()
    try:
        track_tags_write(track=track, with_artwork=True)
    except TagWriteError as exc:
        logger.warning("Download of %s: the file was filed but its tags were not written: %s", track.pk, exc)



def _artist(track: Track) -> str:
    return track.album_artist or (track.artists[0] if track.artists else track.credit_name) or ""



def _extension(file_format: str, path: Path) -> str:
    suffix = path.suffix.lstrip(".").lower()
    allowed = EXTENSIONS.get(file_format, ())
    return suffix if suffix in allowed else (allowed[0] if allowed else suffix or "audio")



def _probe_or_none(path: Path) -> AudioInfo | None:
    try:
        return probe(path)
    except AudioError:
        return None



def track_file_record(*, track: Track, path: Path, info: AudioInfo) -> None:
    """Record the filed file on the track: where it is, what it is, and its size and time for scans."""
    from wantlist.services import library_track_for_track

    stat = path.stat()
    now = timezone.now()
    Track.objects.filter(pk=track.pk).update(
        **track_file_fields(path=str(path), info=info, size=stat.st_size, mtime_ns=stat.st_mtime_ns, read_at=now),
        updated_at=now,
    )
    library_track_for_track(track=track)  # a track with a file is in the library



def _next_candidate(download: Download, reason: str) -> float | None:
    """Give up the chosen file with the reason and take the next sure candidate, a person's choice, or fail."""
    tried = [*download.tried,
             {**{k: download.chosen.get(k) for k in ("source", "username", "filename")}, "reason": reason}]
    skip = {(t.get("username"), t.get("filename")) for t in tried}
    if len(tried) >= settings.DOWNLOAD_MAX_CANDIDATES:
        reasons = "; ".join(f"{Path(str(t.get('filename', '')).replace(chr(92), '/')).name}: {t['reason']}"
                            for t in tried)
        download_move(
            download=download, to=DownloadState.FAILED, tried=tried,
            error=f"Tried {len(tried)} files: {reasons}"[:2000],
        )
        return None
    remaining = [c for c in download.candidates if (c.get("username"), c.get("filename")) not in skip]
    nxt = next((c for c in remaining if c.get("confident")), None)
    if nxt is not None and not download.chosen_by_person:
        download_move(
            download=download, to=DownloadState.QUEUED, source=nxt.get("source", "slskd"), tried=tried,
            chosen={**nxt, "lossless_elsewhere": download.chosen.get("lossless_elsewhere", True)},
            error=f"Trying the next file: {reason}"[:2000], **_fresh_transfer(),
        )
        return 0.0
    if remaining:
        download_move(
            download=download, to=DownloadState.AWAITING_CHOICE, tried=tried, candidates=remaining, speed=0,
            error=f"The chosen file failed ({reason}); choose another or search again."[:2000],
        )
        return None
    download_move(
        download=download, to=DownloadState.FAILED, tried=tried, error=f"No file left to try: {reason}"[:2000],
    )
    return None



_STEPS = {
    DownloadState.PENDING: _start,
    DownloadState.SEARCHING: _search,
    DownloadState.QUEUED: _transfer,
    DownloadState.DOWNLOADING: _transfer,
    DownloadState.VERIFYING: _verify,
    DownloadState.FILING: _file,
}

