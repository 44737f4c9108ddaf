"""Find the files that are the same recording by their sound, and (--keep-best) set the other copies aside."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from common.text import count_text, length_text
from core.queue import BrokerUnavailable
from crates import files, selectors
from crates.management.commands._jobs import report_end, run_here
from crates.models import FileMoveJob, FingerprintJob


class Command(BaseCommand):
    help = (
        "Fingerprint the files that have no fingerprint yet (fpcalc), then list the files that are one recording "
        "(format, bitrate, path), best first. --keep-best moves the others into DUPLICATES_DIR (never deletes)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sync", action="store_true",
                            help="Fingerprint (and set aside) here, without a worker; then list the duplicates.")
        parser.add_argument("--list", action="store_true", help="Only list the duplicates known now; start nothing.")
        parser.add_argument("--keep-best", action="store_true",
                            help="Keep the best file of each group and move the others into DUPLICATES_DIR.")

    def handle(self, *args, sync: bool, list: bool, keep_best: bool, **options):  # noqa: A002 - the option's name
        if not list:
            try:
                job = files.fingerprint_job_create(started_by="command", enqueue_now=not sync)
            except BrokerUnavailable as exc:
                raise CommandError(f"{exc} Run with --sync to fingerprint here instead.") from None
            if job is not None and not sync:
                self.stdout.write(f"queued fingerprint job {job.pk} over {count_text(job.total, 'file')}; "
                                  "run again with --list once it is done, or use --sync")
                return
            if job is not None:
                finished = run_here(self, FingerprintJob, job, what="files")
                self.stdout.write(f"fingerprinted {count_text(finished.succeeded, 'file')}; failed: {finished.failed}")
                report_end(self, finished)
        groups = selectors.duplicate_groups()
        counts = selectors.fingerprint_counts()
        self.stdout.write(f"{count_text(len(groups), 'group')} of duplicates among "
                          f"{count_text(counts['fingerprinted'], 'fingerprinted file')} of {counts['files']:,}")
        for group in groups:
            self.stdout.write(f"{group.best.track}")
            for index, each in enumerate(group.files):
                track = each.track
                label = "keep" if index == 0 else f"{each.bit_error_rate:.1%} apart"
                bitrate = f"{track.file_bitrate} kbit/s" if track.file_bitrate else ""
                self.stdout.write(f"  [{label}] {track.file_format.upper()} {bitrate} "
                                  f"{length_text(track.file_duration)} {track.file_path}")
        if not keep_best or not groups:
            return
        try:
            job = files.set_aside_job_create(choices=[(group.best.track, [each.track for each in group.others])
                                                      for group in groups], started_by="command", enqueue_now=not sync)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        except BrokerUnavailable as exc:
            raise CommandError(f"{exc} Run with --sync to move them here instead.") from None
        if job is None:
            return
        if not sync:
            self.stdout.write(f"queued job {job.pk}: {job.total} copies to move into {files.duplicates_dir()}")
            return
        finished = run_here(self, FileMoveJob, job, what="files")
        for done in files.moves_done(job=finished):
            self.stdout.write(f"set aside {done['from']}\n       in {done['to']}")
        report_end(self, finished)
