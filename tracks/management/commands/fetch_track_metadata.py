"""Fetch track metadata from the command line: one track, a bulk task, or every stale track."""

from __future__ import annotations

import sys
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from common.text import count_text
from core.queue import BrokerUnavailable
from providers.base import ProviderError, RateLimited
from providers.registry import PROVIDER_CLASSES
from tracks import selectors, services
from tracks.models import Track


class Command(BaseCommand):
    help = (
        "Fetch track metadata. --track-uuid takes a track's id or its Soundcharts UUID; --bulk fetches "
        "every track; --all fetches tracks with missing or stale metadata. Without --sync the work is "
        "queued for the Celery workers."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--track-uuid", help="A track's id or its Soundcharts UUID.")
        which.add_argument("--bulk", action="store_true", help="Every track in the catalogue.")
        which.add_argument("--all", action="store_true",
                           help="Tracks with no metadata or metadata older than METADATA_STALE_DAYS.")
        parser.add_argument("--dry-run", action="store_true", help="List what would be fetched and change nothing.")
        parser.add_argument("--provider", choices=sorted(PROVIDER_CLASSES), help="Ask only this provider.")
        parser.add_argument("--sync", action="store_true", help="Fetch here, without a worker, with a progress bar.")
        parser.add_argument("--force-refresh", action="store_true", help="Bypass the provider cache.")

    def handle(self, *args, track_uuid=None, bulk=False, dry_run=False, provider=None, sync=False,
               force_refresh=False, **options):
        provider = provider or ""
        stale_only = options["all"]
        tracks = self._select(track_uuid, bulk)
        count = tracks.count()
        if dry_run:
            for track in tracks.iterator():
                self.stdout.write(f"would fetch: {track.pk}  {track}")
            self.stdout.write(f"{count_text(count, 'track')} would be fetched; nothing was changed.")
            return
        if not count:
            self.stdout.write("No track to fetch.")
            return
        if sync:
            self._fetch_here(tracks, count, provider, force_refresh)
            return
        try:
            if stale_only:
                created = services.stale_tracks_fetch(provider=provider, force_refresh=force_refresh,
                                                      started_by="command")
            else:
                created = services.metadata_fetch_jobs_create(
                    tracks=tracks.values_list("pk", flat=True), provider=provider, force_refresh=force_refresh,
                    started_by="command",
                )
        except (BrokerUnavailable, ProviderError) as exc:
            raise CommandError(str(exc)) from None
        for job in created:
            self.stdout.write(f"queued job {job.pk} over {count_text(job.total, 'track')}")

    def _select(self, track_uuid, bulk):
        if track_uuid is not None:
            track_uuid = track_uuid.strip()
            if not track_uuid:
                raise CommandError("--track-uuid is empty; give a track's id or its Soundcharts UUID.")
            if len(track_uuid) > 64 or any(not char.isprintable() for char in track_uuid):
                raise CommandError(
                    "--track-uuid is not an id: a track's id or Soundcharts UUID looks like "
                    "7d534228-5165-11e9-9375-549f35161576."
                )
            query = Q(soundcharts_uuid=track_uuid)
            try:
                query |= Q(pk=uuid.UUID(track_uuid))
            except ValueError:
                pass
            tracks = Track.objects.filter(query)
            if not tracks.exists():
                raise CommandError(f"No track has the id or Soundcharts UUID {track_uuid!r}.")
            return tracks
        if bulk:
            return Track.objects.order_by("title", "pk")
        return selectors.stale_tracks_select().order_by("metadata_fetched_at", "pk")

    def _fetch_here(self, tracks, count, provider, force_refresh):
        fetched = unchanged = failed = 0
        for index, track in enumerate(tracks.iterator(), start=1):
            try:
                outcome = services.track_metadata_fetch(track=track, provider=provider, force_refresh=force_refresh)
            except RateLimited as exc:
                raise CommandError(f"{exc}. {count_text(fetched + unchanged, 'track')} "
                                   f"{'was' if fetched + unchanged == 1 else 'were'} fetched before it; "
                                   "run again later.") from None
            except (services.NothingFound, ProviderError) as exc:
                failed += 1
                self.stderr.write(f"\nfailed: {track.pk}  {exc}")
            else:
                for note in outcome.disagreements:
                    self.stderr.write(f"\nkept: {track.pk}  {note['provider']} calls it “{note['title']}”, "
                                      "another recording")
                if outcome.changed:
                    fetched += 1
                else:
                    unchanged += 1
            self._progress(index, count)
        self.stdout.write(f"\nfetched: {fetched}, unchanged: {unchanged}, failed: {failed}")
        if failed:
            sys.exit(1)

    def _progress(self, done: int, total: int, width: int = 30) -> None:
        filled = width * done // total
        self.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
        self.stdout.flush()
