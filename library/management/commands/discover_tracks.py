"""Identify the lines of a tracklist already imported."""

from __future__ import annotations

import uuid

from django.core.management.base import BaseCommand, CommandError

from library.management.commands._discovery import discover
from library.models import Tracklist


class Command(BaseCommand):
    help = "Identify every line of a tracklist: as a job for the workers, or here with --sync."

    def add_arguments(self, parser):
        parser.add_argument("tracklist_id", help="The tracklist's id (its page's address shows it).")
        parser.add_argument("--sync", action="store_true", help="Identify here, without a worker, with a progress bar.")

    def handle(self, *args, tracklist_id: str, sync: bool, **options):
        try:
            tracklist = Tracklist.objects.get(pk=uuid.UUID(tracklist_id.strip()))
        except (ValueError, Tracklist.DoesNotExist):
            raise CommandError(f"No tracklist has the id {tracklist_id!r}.") from None
        discover(self, [tracklist], sync=sync)
        if sync:
            counts = {}
            for status in tracklist.discoveries.values_list("status", flat=True):
                counts[status] = counts.get(status, 0) + 1
            self.stdout.write(", ".join(f"{status.replace('_', ' ')}: {count}"
                                        for status, count in sorted(counts.items())))
