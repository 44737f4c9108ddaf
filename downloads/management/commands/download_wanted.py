"""Download wanted tracks that have no file yet, most wanted first."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from downloads.management.commands._downloads import line, start
from downloads.quality import Quality
from downloads.starts import wanted_downloads_request


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError
    return value


class Command(BaseCommand):
    help = "Download wanted tracks with no file and no download under way: as a job, or here with --sync."

    def add_arguments(self, parser):
        parser.add_argument("--priority", type=int, choices=range(1, 6), metavar="1-5", help="Only this priority.")
        parser.add_argument("--limit", type=_positive, help="At most this many tracks.")
        parser.add_argument("--quality", choices=Quality.values, default=Quality.BEST, help="Default: best.")
        parser.add_argument("--sync", action="store_true", help="Download here, without a worker.")

    def handle(self, *args, priority, limit, quality, sync, **options):
        requested = start(
            self,
            lambda enqueue_now: wanted_downloads_request(
                priority=priority, limit=limit, quality=quality, started_by="command", enqueue_now=enqueue_now,
            ),
            sync=sync,
        )
        if not requested.created and not requested.existing:
            self.stdout.write("No wanted track needs a download.")
            return
        for download in requested.created:
            self.stdout.write(line(download))
        if sync and any(d.state == d.State.FAILED for d in requested.created):
            raise CommandError("Some downloads failed; see above.")
