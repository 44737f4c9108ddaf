"""Every write to a download: ask, move it through its states, choose, search again, cancel.

A download moves only by `download_move`, a conditional update from the state
it was read in to one `TRANSITIONS` allows, so two workers (or a worker and a
person cancelling) never both move it. `download_step` does one unit of work
for the state a download is in and says when to look again; the job handler
(`downloads.jobs`) steps a batch of downloads side by side, and never waits for
one: a search collecting answers, a file in a peer's queue, a retry after an
error each bring the job back when they are due.

Intent is written before action: the chosen file and `enqueued_at` are on the
row before slskd is asked, and a run that resumes after a crash looks for
slskd's transfer before asking again, so a file is never enqueued twice. A
search's id is on the row before slskd is asked to start it, so a resumed run
looks at that search (or starts it, under the same id, if slskd never got it)
and never starts a second.
"""

from __future__ import annotations

import datetime
import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from audio.file_matching import track_file_fields
from audio.probe import EXTENSIONS, AudioError, AudioInfo, probe
from audio.tagging import track_tags_write
from audio.tags import TagWriteError
from common.files import numbered_names
from common.paths import UnsafePath
from core.jobs import job_create
from core.queue import BrokerUnavailable
from downloads import choice, files
from downloads.models import (
    ACTIVE_STATES,
    TERMINAL_STATES,
    TRANSITIONS,
    Download,
    DownloadJob,
    DownloadState,
)
from downloads.quality import Quality
from downloads.sources import URL, TransferStatus, source, sources_in_order
from matching.weights import SAME_AUDIO_TOLERANCE
from providers.base import DownloadCandidate, ProviderDisabled, ProviderError, RateLimited, Unauthorized
from tracks.models import Track

logger = logging.getLogger(__name__)
# Seconds until the next look at a transfer that moves, at one waiting in a peer's queue (which can take hours on
# Soulseek), and at a search collecting answers. A download that waits holds no worker: its job comes back then.
POLL_SECONDS = 1.0
QUEUED_POLL_SECONDS = 10.0
SEARCH_POLL_SECONDS = 1.0
# slskd losing a search (it restarted) starts it again under the same id, this many times at most.
SEARCH_RESTARTS = 3
BACKOFF_MAX = 30.0
# The note of a download cancelled with its job: "Retry failed" on the job starts it afresh, as a failed one.
CANCELLED_WITH_JOB = "Cancelled with its job."
# Notes a download shows while it waits out a failure or a rate limit; cleared once it works again.
PAUSE_NOTES = ("Retrying: ", "Waiting for ")


class InvalidTransition(Exception):
    """A move TRANSITIONS does not allow (a programming error, never a race)."""


class SourceUnavailable(Exception):
    """The first download source cannot be used (unreachable, refusing the key, not configured)."""


@dataclass
class Requested:
    """What asking for downloads did: the job started (if any), new and already running downloads."""

    job: DownloadJob | None
    created: list[Download] = field(default_factory=list)
    existing: list[Download] = field(default_factory=list)

    @property
    def summary(self) -> str:
        parts = []
        if self.created:
            parts.append(f"Started {len(self.created)} download{'s' if len(self.created) != 1 else ''}")
        if self.existing:
            count = len(self.existing)
            parts.append(f"{count} {'was' if count == 1 else 'were'} already under way")
        return "; ".join(parts) + "." if parts else "Nothing to download."


# --- Asking --------------------------------------------------------------------------------


def download_sources_check() -> None:
    """Raise SourceUnavailable, in words, when the first download source cannot be used."""
    names = sources_in_order()
    if not names:
        raise SourceUnavailable("No download source is configured: set DOWNLOAD_PROVIDERS (e.g. slskd).")
    if names[0] != "slskd":
        return  # yt-dlp needs no server
    if not settings.SLSKD_DOWNLOADS_DIR:
        raise SourceUnavailable(
            "SLSKD_DOWNLOADS_DIR is not set: set it to slskd's downloads folder as this machine sees it, "
            "so finished files can be found."
        )
    try:
        source("slskd").client.check()
    except Unauthorized:
        raise SourceUnavailable(
            "slskd refused the API key: set SLSKD_API_KEY to a key from slskd's settings (web.authentication.api_keys)."
        ) from None
    except ProviderDisabled as exc:
        raise SourceUnavailable(f"slskd is not configured: {exc.message}") from None
    except ProviderError as exc:
        raise SourceUnavailable(
            f"slskd at {settings.SLSKD_URL} cannot be reached ({exc.message}); start it or fix SLSKD_URL."
        ) from None


def downloads_request(
    *, tracks: Sequence[Track], quality: str = Quality.BEST, started_by: str = "", check: bool = True,
    enqueue_now: bool = True,
) -> Requested:
    """Start downloads of tracks at the quality, as one job; a track already downloading at it keeps that one.

    Raise SourceUnavailable (nothing is created) when slskd cannot be used, and
    BrokerUnavailable (the new downloads are failed with the reason) when the job cannot be queued.
    """
    if quality not in Quality.values:
        raise ValueError(f"Unknown quality {quality!r}; use one of {', '.join(Quality.values)}.")
    if check:
        download_sources_check()
    requested = Requested(job=None)
    with transaction.atomic():
        for track in dict.fromkeys(tracks):
            download, created = download_get_or_create(track=track, quality=quality, started_by=started_by)
            (requested.created if created else requested.existing).append(download)
        if requested.created:
            requested.job = _job_for(requested.created, started_by, enqueue_now=enqueue_now)
    if requested.job is not None:
        requested.job.refresh_from_db()
        if requested.job.status == DownloadJob.Status.FAILED:
            reason = requested.job.last_error
            for download in requested.created:
                download_fail(download=download, reason=reason)
            raise BrokerUnavailable(reason.removeprefix("Could not queue the job: "))
    return requested


def download_get_or_create(*, track: Track, quality: str, started_by: str = "") -> tuple[Download, bool]:
    """Return the track's active download at the quality, or a new one (idempotent, also under a race)."""
    existing = Download.objects.filter(track=track, quality=quality, state__in=ACTIVE_STATES).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return Download.objects.create(track=track, quality=quality, started_by=started_by[:150]), True
    except IntegrityError:
        # Another request created it between our look and our insert.
        return Download.objects.get(track=track, quality=quality, state__in=ACTIVE_STATES), False


def download_retry(*, download: Download, job: DownloadJob) -> Download:
    """Return a fresh download of the failed one's track and quality (or the one already under way), moved by job."""
    fresh, created = download_get_or_create(track=download.track, quality=download.quality, started_by=download.started_by)
    if created:
        Download.objects.filter(pk=fresh.pk).update(job=job)
        fresh.job = job
    return fresh


def _job_for(downloads: Sequence[Download], started_by: str, *, enqueue_now: bool = True) -> DownloadJob:
    """Create the job that moves the downloads from now on (an earlier job's run leaves them alone)."""
    job = job_create(
        model=DownloadJob, items=[{"download": d} for d in downloads], started_by=started_by, enqueue_now=enqueue_now,
    )
    Download.objects.filter(pk__in=[d.pk for d in downloads]).update(job=job)
    for download in downloads:
        download.job = job
    return job


def _queued_or_undone(job: DownloadJob, download: Download, *, back_to: str) -> DownloadJob:
    """Return the job if the broker took it; else put the download back where it was and raise BrokerUnavailable."""
    job.refresh_from_db()
    if job.status != DownloadJob.Status.FAILED:
        return job
    download.refresh_from_db()
    if download.state in TRANSITIONS and back_to in TRANSITIONS[download.state]:
        download_move(download=download, to=back_to, job=None)
    raise BrokerUnavailable(job.last_error.removeprefix("Could not queue the job: "))


# --- Moving ----------------------------------------------------------------------------------


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


def download_choose(*, download: Download, username: str, filename: str, started_by: str = "") -> DownloadJob:
    """Download the file a person picked from the list shown, as a new job; only while the download waits."""
    picked = next(
        (c for c in download.candidates or [] if (c.get("username"), c.get("filename")) == (username, filename)), None
    )
    if picked is None:
        raise ValueError("That file is no longer on the list; nothing was changed. Look at the list again.")
    if picked.get("locked"):
        raise ValueError(
            f"“{Path(str(filename).replace(chr(92), '/')).name}” is locked by the peer, who shares it only with some "
            "users: slskd's request would be refused. Nothing was changed; choose another file or search again."
        )
    with transaction.atomic():
        if download.state != DownloadState.AWAITING_CHOICE or not download_move(
            download=download, to=DownloadState.QUEUED, chosen=picked, source=picked.get("source", "slskd"),
            chosen_by_person=True, **_fresh_transfer(),
        ):
            raise ValueError(f"The download is {download.get_state_display().lower()} now; nothing was changed.")
        job = _job_for([download], started_by)
    return _queued_or_undone(job, download, back_to=DownloadState.AWAITING_CHOICE)


def download_search_again(*, download: Download, query: str, started_by: str = "") -> DownloadJob:
    """Search again with the person's query (a link goes to yt-dlp), as a new job."""
    query = " ".join(query.split())[:500]
    if not query:
        raise ValueError("Type what to search for.")
    with transaction.atomic():
        if download.state != DownloadState.AWAITING_CHOICE or not download_move(
            download=download, to=DownloadState.SEARCHING, query=query, candidates=[], candidates_found=0, chosen={},
            error="", search={}, **_fresh_transfer(),
        ):
            raise ValueError(f"The download is {download.get_state_display().lower()} now; nothing was changed.")
        Download.objects.filter(pk=download.pk).update(queries=[*download.queries, {"query": query, "manual": True}])
        download.refresh_from_db()
        job = _job_for([download], started_by)
    return _queued_or_undone(job, download, back_to=DownloadState.AWAITING_CHOICE)


def _fresh_transfer() -> dict[str, Any]:
    return {
        "transfer_id": "", "enqueued_at": None, "progress": 0, "bytes_transferred": 0, "speed": 0,
        "place_in_queue": None, "last_progress_at": None, "retries": 0,
    }


# --- Working: one step at a time -------------------------------------------------------------


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


def _artist_names(track: Track) -> list[str]:
    return [name for name in (track.artists or [track.credit_name]) if name]


def _wanted(track: Track) -> choice.Wanted:
    return choice.Wanted(
        title=track.title, version=track.version, artists=tuple(_artist_names(track)),
        duration=float(track.duration) if track.duration else None,
    )


def queries_for(track: Track) -> list[str]:
    """The search texts for a track: artist, title and version; then without the version."""
    artist = next(iter(_artist_names(track)), "")
    with_version = " ".join(part for part in (artist, track.title, track.version) if part)
    without = " ".join(part for part in (artist, track.title) if part)
    return list(dict.fromkeys(q for q in (with_version, without) if q.strip()))


def _search(download: Download) -> float | None:
    """SEARCHING: ask each source in turn, then choose. A source that searches in the background (slskd) is
    asked in steps: start the search (its id on the row first), look at it until it is complete or its
    deadline passes, read its answers. Where it stands is kept on the row (`search`) between steps."""
    track = download.track
    wanted = _wanted(track)
    manual = download.query if any(q.get("manual") and q.get("query") == download.query for q in download.queries) else ""
    queries = [manual] if manual else queries_for(track)
    names = ["ytdlp"] if manual and URL.match(manual) else sources_in_order()
    state = dict(download.search or {})
    found = [DownloadCandidate(**item) for item in state.get("found", [])]
    searched = list(download.queries)
    used_query = state.get("used_query") or (queries[0] if queries else "")
    failure = state.get("failure") or None
    at_source, at_query = _search_position(state, names, queries)
    while queries and at_source < len(names):
        name, query = names[at_source], queries[at_query]
        # What the row keeps between steps: where the search stands and what earlier sources found.
        state.update(source=name, query=query, used_query=used_query, failure=failure,
                     found=[candidate.as_dict() for candidate in found])
        try:
            results, delay = _search_at(download, name, query, state, searched)
        except RateLimited:
            # Where it stands is kept: the next step carries on here once the wait is over.
            download_note(download=download, search=state, queries=searched)
            raise
        except ProviderError as exc:
            # One source failing never stops the others; with nothing found anywhere, its error decides.
            _search_let_go_of(name, state)
            failure = {"provider": exc.provider, "endpoint": exc.endpoint, "message": exc.message,
                       "transient": exc.transient}
            searched.append({"query": query, "source": name, "error": exc.message, "at": timezone.now().isoformat()})
            results, delay = None, None
        if delay is not None and results is None:
            if delay < 0:
                return None  # the download was cancelled meanwhile
            # Not finished: the next step carries on from here.
            if not download_note(download=download, search=state, queries=searched):
                return None
            return delay
        if results is not None:
            searched.append({"query": query, "source": name, "results": len(results), "at": timezone.now().isoformat()})
            if results:
                found.extend(results)
                used_query = query
        if results or results is None or at_query + 1 >= len(queries):
            # The version-less query only when the first finds nothing; a later source only when this one has
            # nothing sure.
            if choice.pick(choice.rank(found, wanted, quality=download.quality)) is not None:
                break
            at_source, at_query = at_source + 1, 0
        else:
            at_query += 1
        state = {"id": ""}
    if not found and failure is not None:
        # Every source failed: start afresh at the next try (a transient failure is retried with backoff).
        download_note(download=download, search={}, queries=searched)
        raise ProviderError(failure["provider"], failure["endpoint"], failure["message"], transient=failure["transient"])
    ranked = choice.rank(found, wanted, quality=download.quality)
    shown = [scored.as_dict() for scored in ranked[: choice.SHOWN]]
    best = choice.pick(ranked)
    common = {"query": used_query, "queries": searched, "candidates_found": len(found), "candidates": shown, "search": {}}
    if best is not None:
        picked = {**best.as_dict(), "lossless_elsewhere": choice.lossless_elsewhere(ranked)}
        download_move(
            download=download, to=DownloadState.QUEUED, chosen=picked, source=best.candidate.source,
            chosen_by_person=False, **common, **_fresh_transfer(),
        )
        return 0.0
    if shown:
        download_move(
            download=download, to=DownloadState.AWAITING_CHOICE, error=_why_not_sure(len(found)), **common,
        )
        return None
    download_move(
        download=download, to=DownloadState.FAILED,
        error=f"Nothing found for {' / '.join(queries) or 'this track'}.", **common,
    )
    return None


def _search_position(state: dict[str, Any], names: list[str], queries: list[str]) -> tuple[int, int]:
    """Return (source, query) indexes of the search the row says is under way or next; (0, 0) when there is none."""
    if state.get("source") in names and state.get("query") in queries:
        return names.index(state["source"]), queries.index(state["query"])
    return 0, 0


def _search_at(
    download: Download, name: str, query: str, state: dict[str, Any], searched: list[dict[str, Any]],
) -> tuple[list | None, float | None]:
    """Search source `name` for query, or take the next step of its search in the background.

    Return (the files found, None) once the search is done; (None, seconds) while it goes on; (None, -1) when
    the download was cancelled meanwhile. Updates state with the search under way.
    """
    src = source(name)
    if not src.searches_in_background or URL.match(query):
        return src.search(query), None
    timeout = float(settings.SLSKD_SEARCH_TIMEOUT)
    search_id = state.get("id") or ""
    if not search_id:
        search_id = str(uuid.uuid4())
        until = timezone.now() + datetime.timedelta(seconds=timeout)
        state.update(source=name, query=query, id=search_id, until=until.isoformat(), restarts=0)
        # Intent first: a run that dies after this line finds the id and looks for the search before starting one.
        if not download_note(download=download, search=state, queries=searched):
            return None, -1
        try:
            src.search_begin(query, search_id=search_id, timeout=timeout)
        except RateLimited:
            state["id"] = ""  # nothing was started: a fresh id next time
            raise
        return _unless_cancelled(download, src, search_id, delay=0.0)  # look at once: it may be answered already
    done = src.search_done(search_id)
    if done is None:
        # slskd does not know it: the run that wrote the id died before asking, or slskd restarted. Start it
        # now, under the same id, so that it is never started twice.
        restarts = int(state.get("restarts") or 0) + 1
        if restarts > SEARCH_RESTARTS:
            raise ProviderError(name, "search", f"slskd lost the search for “{query}” {restarts - 1} times")
        until = timezone.now() + datetime.timedelta(seconds=timeout)
        state.update(restarts=restarts, until=until.isoformat())
        if not download_note(download=download, search=state, queries=searched):
            return None, -1
        src.search_begin(query, search_id=search_id, timeout=timeout)
        return _unless_cancelled(download, src, search_id, delay=SEARCH_POLL_SECONDS)
    left = (datetime.datetime.fromisoformat(state["until"]) - timezone.now()).total_seconds()
    if not done and left > 0:
        return None, min(SEARCH_POLL_SECONDS, left)
    results = src.search_results(search_id)  # complete, or out of time: what has arrived
    src.search_end(search_id)
    state["id"] = ""
    return results, None


def _unless_cancelled(download: Download, src, search_id: str, *, delay: float) -> tuple[None, float]:
    if Download.objects.filter(pk=download.pk, state=DownloadState.SEARCHING).exists():
        return None, delay
    src.search_end(search_id)  # cancelled while slskd was being asked: its slot is ours to give back
    return None, -1


def _search_let_go_of(name: str, state: dict[str, Any]) -> None:
    if state.get("id"):
        try:
            source(name).search_end(state["id"])
        except Exception:  # noqa: BLE001 - the slot lapses at the search's deadline anyway
            logger.warning("Could not give back the search slot of search %s", state["id"], exc_info=True)
        state["id"] = ""


def _why_not_sure(count: int) -> str:
    weak = " (a single result is a weak signal)" if count == 1 else ""
    return f"No file was a sure match among {count} found{weak}; choose one or search again."


def _candidate(download: Download) -> DownloadCandidate:
    return choice.candidate_from_dict(download.chosen or {})


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
    tried = [*download.tried, {**{k: download.chosen.get(k) for k in ("source", "username", "filename")}, "reason": reason}]
    skip = {(t.get("username"), t.get("filename")) for t in tried}
    if len(tried) >= settings.DOWNLOAD_MAX_CANDIDATES:
        reasons = "; ".join(f"{Path(str(t.get('filename', '')).replace(chr(92), '/')).name}: {t['reason']}" for t in tried)
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


def wanted_downloads_request(
    *, priority: int | None = None, limit: int | None = None, quality: str = Quality.BEST, started_by: str = "",
    check: bool = True, enqueue_now: bool = True,
) -> Requested:
    """Start downloads of wanted tracks (of a priority) with no file and no download under way, most wanted first."""
    from wantlist.models import WantList, WantStatus

    wants = WantList.objects.filter(status=WantStatus.WANTED, library_track__track__file_path="").exclude(
        library_track__track__downloads__state__in=ACTIVE_STATES
    )
    if priority is not None:
        wants = wants.filter(priority=priority)
    wants = wants.select_related("library_track__track").order_by("priority", "-added_at")
    if limit is not None:
        wants = wants[:limit]
    tracks = [want.library_track.track for want in wants]
    if not tracks:
        return Requested(job=None)
    return downloads_request(
        tracks=tracks, quality=quality, started_by=started_by, check=check, enqueue_now=enqueue_now
    )
