"""Move the music folder's files to where DOWNLOAD_PATH_TEMPLATE says they belong, after their tags changed."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from common.text import count_text
from core.queue import BrokerUnavailable
from crates import files
from crates.management.commands._jobs import report_end, run_here
from crates.models import FileMoveJob


class Command(BaseCommand):
    help = (
        "Move each file inside MUSIC_ROOT whose tags say it belongs elsewhere (DOWNLOAD_PATH_TEMPLATE) there: "
        "atomically, never overwriting (a taken name gets ' (2)'), the library's paths updated. --dry-run lists "
        "the moves and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would move; move nothing.")
        parser.add_argument("--sync", action="store_true", help="Move here, without a worker, and list what moved.")

    def handle(self, *args, dry_run: bool, sync: bool, **options):
        tracks = files.tracks_with_files()
        if dry_run:
            plan = files.organise_plan(tracks=tracks.iterator(chunk_size=2000))
            moving = [move for move in plan if move.moves]
            for move in moving:
                self.stdout.write(f"would move {move.source}\n        to {move.destination}")
            outside = sum(1 for move in plan if not move.moves and "outside" in move.reason)
            note = f"; {outside} outside the music folder left alone" if outside else ""
            self.stdout.write(f"{len(moving)} of {count_text(len(plan), 'file')} would move{note}. "
                              "Nothing was moved (--dry-run).")
            return
        try:
            job, plan = files.organise_job_create(tracks=tracks.iterator(chunk_size=2000), started_by="command",
                                                  enqueue_now=not sync)
        except BrokerUnavailable as exc:
            raise CommandError(f"{exc} Run with --sync to move the files here instead.") from None
        if job is None:
            self.stdout.write(f"Every file of {len(plan)} is where its tags say; nothing to move.")
            return
        if not sync:
            self.stdout.write(f"queued file move job {job.pk}: {count_text(job.total, 'file')} to move")
            return
        finished = run_here(self, FileMoveJob, job, what="files")
        moved = files.moves_done(job=finished)
        for done in moved:
            self.stdout.write(f"moved {done['from']}\n   to {done['to']}")
        self.stdout.write(f"moved {len(moved)} of {count_text(finished.total, 'file')}; failed: {finished.failed}")
        report_end(self, finished)
