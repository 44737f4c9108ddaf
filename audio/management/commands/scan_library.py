"""Scan a music folder into the library: as a job for the workers, or here with --sync."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from audio import scanning, selectors
from audio.models import ScanJob
from core import jobs
from core.queue import BrokerUnavailable

# Files with a problem printed by --sync; the rest are counted.
PROBLEMS_PRINTED = 200


class Command(BaseCommand):
    help = (
        "Scan a music folder (MUSIC_ROOT by default): read every audio file's tags and stream properties into the "
        "library. New and changed files only; missing files are flagged, never deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=None, help="The folder to scan (default: MUSIC_ROOT).")
        parser.add_argument("--sync", action="store_true", help="Scan here, without a worker, and print the counts.")
        parser.add_argument(
            "--no-analysis", action="store_true",
            help="Do not compute BPM and key from the audio of tracks that lack them (faster).",
        )

    def handle(self, *args, path: str | None, sync: bool, no_analysis: bool, **options):
        try:
            job = scanning.scan_job_create(
                root=path, analyse=not no_analysis, started_by="command", enqueue_now=not sync,
            )
        except scanning.ScanError as exc:
            raise CommandError(str(exc)) from None
        except BrokerUnavailable as exc:
            raise CommandError(f"{exc} Run with --sync to scan here instead.") from None
        if not sync:
            self.stdout.write(f"queued scan job {job.pk} of {job.root}")
            return
        show = sys.stderr.isatty()
        finished = jobs.job_run_here(
            model=ScanJob, job_id=job.pk, on_progress=(lambda row: self._progress(row)) if show else None,
        )
        if show:
            self.stderr.write("")
        summary = selectors.scan_summary(job=finished, problems_limit=PROBLEMS_PRINTED)
        self.stdout.write(f"scanned {finished.root}: {summary.counts_text()}")
        for problem in summary.problems:
            self.stdout.write(f"  {problem['label']}: {problem['file']}: {problem['reason']}")
        if summary.not_listed:
            self.stdout.write(f"  … and {summary.not_listed} more (see the scan job's page)")
        for review in summary.reviews:
            names = "; ".join(
                f"{', '.join(candidate.get('artists') or [])} - {candidate.get('title')} "
                f"({candidate.get('confidence', 0):.0%})"
                for candidate in review["candidates"][:3]
            )
            self.stdout.write(f"  needs review: {review['file']}: {names}")
        for note in summary.notes:
            self.stdout.write(f"note: {note}")
        if finished.status != ScanJob.Status.COMPLETED or finished.failed:
            self.stderr.write(f"{finished.status_text}. {finished.last_error}".strip())

    def _progress(self, job: ScanJob, width: int = 30) -> None:
        filled = width * job.processed // max(1, job.total)
        self.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {job.processed}/{job.total} steps", ending="")
        self.stderr.flush()
