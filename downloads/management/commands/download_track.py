"""Download one track: search, choose, fetch, verify and file it in the music folder."""

from __future__ import annotations

import json
import uuid

from django.core.management.base import BaseCommand, CommandError

from downloads.management.commands._downloads import as_json, line, start
from downloads.quality import Quality
from downloads.starts import downloads_request
from tracks.models import Track


class Command(BaseCommand):
    help = "Download a track (by its id) at a quality: as a job for the workers, or here with --sync."

    def add_arguments(self, parser):
        parser.add_argument("track_id", help="The track's id (its page's address shows it).")
        parser.add_argument("--quality", choices=Quality.values, default=Quality.BEST,
                            help="best: lossless (320 kbit/s MP3 only if no lossless exists); good: 320 kbit/s MP3, "
                            "V0 or lossless; any: any audio. Default: best.")
        parser.add_argument("--sync", action="store_true", help="Download here, without a worker.")
        parser.add_argument("--json", action="store_true", help="Print the download as JSON.")

    def handle(self, *args, track_id: str, quality: str, sync: bool, json: bool, **options):
        try:
            track = Track.objects.get(pk=uuid.UUID(track_id.strip()))
        except (ValueError, Track.DoesNotExist):
            raise CommandError(f"No track has the id {track_id[:80]!r}.") from None
        requested = start(
            self,
            lambda enqueue_now: downloads_request(
                tracks=[track], quality=quality, started_by="command", enqueue_now=enqueue_now
            ),
            sync=sync, quiet=json,
        )
        download = (requested.created or requested.existing)[0]
        if json:
            self.stdout.write(_dumps(as_json(download)))
        else:
            self.stdout.write(line(download))
        download.refresh_from_db()
        if sync and download.state == download.State.FAILED:
            raise CommandError(download.error or "The download failed.")


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
