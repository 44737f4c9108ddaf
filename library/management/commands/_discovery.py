"""What import_tracklist and discover_tracks share: starting discovery, here or on the workers, and reporting."""

from __future__ import annotations

import json
import sys

from django.core.management.base import CommandError

from common.text import count_text
from core import jobs
from core.queue import BrokerUnavailable
from library.discovery_jobs import discovery_jobs_create
from library.models import DiscoveryJob, TrackDiscovery


def discover(command, tracklists, *, sync: bool, quiet: bool = False) -> None:
    """Identify the tracklists' lines: here with a progress bar (--sync), or as jobs for the workers."""
    try:
        asked = discovery_jobs_create(tracklists=tracklists, started_by="command", enqueue_now=not sync)
    except BrokerUnavailable as exc:
        raise CommandError(f"{exc} Run with --sync to identify here instead.") from None
    for started in asked:
        job = started.job
        if not started.created and not quiet:
            # Asking again while a job identifies those lines answers that job; --sync follows it here to its end.
            command.stdout.write(f"“{job.tracklist}” is being identified already by discovery job {job.pk} "
                                 f"({job.status_text})")
        if not sync:
            if started.created and not quiet:
                command.stdout.write(f"queued discovery job {job.pk} over {count_text(job.total, 'line')} "
                                     f"of “{job.tracklist}”")
            continue
        show = not quiet and sys.stderr.isatty()
        finished = jobs.job_run_here(
            model=DiscoveryJob, job_id=job.pk, on_progress=(lambda row: progress(command, row)) if show else None,
        )
        if show:
            command.stderr.write("")
        if finished.status != DiscoveryJob.Status.COMPLETED or finished.failed:
            command.stderr.write(f"“{job.tracklist}”: {finished.status_text}. {finished.last_error}".strip())


def progress(command, job, width: int = 30) -> None:
    done = job.processed
    filled = width * done // max(1, job.total)
    command.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{job.total}", ending="")
    command.stderr.flush()


def lines_json(tracklists) -> str:
    """Return every line of the tracklists as the JSON array the commands print with --json."""
    rows = []
    for tracklist in tracklists:
        lines = (TrackDiscovery.objects.filter(tracklist=tracklist).select_related("library_track__track")
                 .order_by("position"))
        for line in lines:
            track = line.library_track.track if line.library_track else None
            rows.append({
                "position": line.position, "raw": line.raw_text, "artist": line.artist, "title": line.title,
                "version": line.version, "label": line.label, "status": line.status, "confidence": line.confidence,
                "library_track_id": str(line.library_track_id) if line.library_track_id else None,
                "musicbrainz_id": (track.musicbrainz_recording_id or None) if track else None,
                "isrc": (track.isrc or None) if track else None,
            })
    return json.dumps(rows, ensure_ascii=False, indent=2)
