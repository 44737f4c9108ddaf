"""What a person starts: downloads of tracks (or of the wanted ones), a pick from the list, a search again.

Each is a new job (`DownloadJob`), created with its downloads inside one
transaction and queued once it commits; a track already downloading at the
quality keeps that download (`download_get_or_create`, also what "Retry failed"
on a job uses for a fresh download of a failed one). Downloads are asked for
only when the first source can be used (`SourceUnavailable`, in words). A
broker that cannot take the job fails the new downloads with the reason, or puts
a picked or searched-again download back where it was, and says so
(`BrokerUnavailable`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from common.text import count_text
from core.jobs import job_create
from core.queue import BrokerUnavailable
from downloads.models import ACTIVE_STATES, TRANSITIONS, Download, DownloadJob, DownloadState
from downloads.moves import _fresh_transfer, download_fail, download_move
from downloads.quality import Quality
from downloads.sources import source, sources_in_order
from providers.base import ProviderDisabled, ProviderError, Unauthorized
from tracks.models import Track


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
            parts.append(f"Started {count_text(len(self.created), 'download')}")
        if self.existing:
            count = len(self.existing)
            parts.append(f"{count} {'was' if count == 1 else 'were'} already under way")
        return "; ".join(parts) + "." if parts else "Nothing to download."



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
    fresh, created = download_get_or_create(track=download.track, quality=download.quality,
                                            started_by=download.started_by)
    if created:
        Download.objects.filter(pk=fresh.pk).update(job=job)
        fresh.job = job
    return fresh



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

