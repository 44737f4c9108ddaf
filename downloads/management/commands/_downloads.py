"""What download_track and download_wanted share: starting downloads, here or on the workers, and reporting."""

from __future__ import annotations

import sys

from django.core.management.base import CommandError

from common.text import count_text
from core import jobs
from core.queue import BrokerUnavailable
from downloads.models import Download, DownloadJob
from downloads.starts import Requested, SourceUnavailable


def start(command, request, *, sync: bool, quiet: bool = False) -> Requested:
    """Call request(enqueue_now=...) and run the job here with --sync; errors become CommandError in words."""
    try:
        requested = request(enqueue_now=not sync)
    except SourceUnavailable as exc:
        raise CommandError(str(exc)) from None
    except BrokerUnavailable as exc:
        raise CommandError(f"{exc} Run with --sync to download here instead.") from None
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    if not quiet:
        command.stderr.write(requested.summary)
    if requested.job is not None and sync:
        show = not quiet and sys.stderr.isatty()
        jobs.job_run_here(
            model=DownloadJob, job_id=requested.job.pk,
            on_progress=(lambda row: _progress(command, row)) if show else None,
        )
    elif requested.job is not None and not quiet:
        command.stderr.write(f"queued download job {requested.job.pk} over {count_text(requested.job.total, 'track')}")
    return requested


def _progress(command, job) -> None:
    command.stderr.write(f"\r{job.processed}/{count_text(job.total, 'download')} finished", ending="")
    command.stderr.flush()


def as_json(download: Download) -> dict:
    download.refresh_from_db()
    chosen = download.chosen or {}
    return {
        "download_id": str(download.pk), "state": download.state, "source": download.source or None,
        "username": chosen.get("username") or None, "filename": chosen.get("filename") or None,
        "file_path": download.file_path or None, "format": download.file_format or None,
        "bitrate": download.file_bitrate, "duration": download.file_duration,
        "candidates_found": download.candidates_found,
    }


def line(download: Download) -> str:
    download.refresh_from_db()
    text = f"{download.track}: {download.get_state_display()}"
    if download.file_path:
        text += f" -> {download.file_path}"
    if download.error:
        text += f" ({download.error})"
    return text
