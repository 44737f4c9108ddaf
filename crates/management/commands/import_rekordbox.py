"""Bring a Rekordbox collection (File › Export Collection in xml format) into the library: tracks and crates."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.queue import BrokerUnavailable
from crates import imports
from crates.management.commands._jobs import report_end, run_here
from crates.models import RekordboxImportJob

NOTES_PRINTED = 200


class Command(BaseCommand):
    help = (
        "Import a Rekordbox XML collection: each track becomes or updates a catalogue track and a library track "
        "(its BPM, key and rating as yours), each playlist a crate. On the workers, or here with --sync."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The collection's XML file.")
        parser.add_argument("--sync", action="store_true",
                            help="Import here, without a worker, and print what came in.")

    def handle(self, *args, path: str, sync: bool, **options):
        file = Path(path).expanduser()
        if file.is_dir():
            raise CommandError(f"{path} is a folder; give the collection's .xml file.")
        if not file.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            with file.open("rb") as source:
                job = imports.rekordbox_import_job_create(source=source, source_name=file.name, started_by="command",
                                                          enqueue_now=not sync)
        except imports.ImportRefused as exc:
            raise CommandError(str(exc)) from None
        except BrokerUnavailable as exc:
            raise CommandError(f"{exc} Run with --sync to import here instead.") from None
        if not sync:
            self.stdout.write(f"queued Rekordbox import job {job.pk} of {file.name} ({job.total} items)")
            return
        finished = run_here(self, RekordboxImportJob, job, what="tracks")
        summary = imports.import_summary(job=finished, notes_limit=NOTES_PRINTED)
        counts = ", ".join(f"{label}: {count}" for label, count in summary["counts"].items()) or "nothing"
        self.stdout.write(f"imported {file.name}: {counts}")
        for crate in summary["crates"]:
            missing = f" ({crate['not_found']} not imported)" if crate["not_found"] else ""
            self.stdout.write(f"  crate “{crate['crate']}”: {crate['tracks']} tracks{missing}")
        for noted in summary["noted"]:
            for note in noted["notes"]:
                self.stdout.write(f"  {noted['track']}: {note}")
        report_end(self, finished)
