"""How the engine processes a metadata fetch job: a batch of tracks, the providers side by side."""

from __future__ import annotations

from collections.abc import Sequence

from core.jobs import BatchOutcome, ItemOutcome, JobHandler, RunContext
from tracks import services
from tracks.models import MetadataFetchTask, MetadataFetchTaskItem

# Tracks handed to the providers at once. Small, so that a cancel or a rate-limit
# wait takes effect soon; large enough that each provider's thread stays busy.
METADATA_BATCH = 10


class MetadataFetchHandler(JobHandler):
    batch_size = METADATA_BATCH

    def select_items(self, queryset):
        return queryset.select_related("track")

    def process_item(self, job: MetadataFetchTask, item: MetadataFetchTaskItem, ctx: RunContext) -> ItemOutcome:
        """Fetch one track's audience figures (metadata goes through process_batch)."""
        figures = services.track_audience_gather(track=item.track, force_refresh=job.force_refresh)
        if figures is None:
            return ItemOutcome(error=f"No audience figures for “{item.track}” (it needs a Soundcharts UUID).")
        return ItemOutcome(
            result={"latest": figures.get("latest")},
            write=lambda: services.track_audience_store(track=item.track, figures=figures),
        )

    def process_batch(self, job: MetadataFetchTask, items: Sequence[MetadataFetchTaskItem],
                      ctx: RunContext) -> BatchOutcome:
        if job.is_audience:
            return super().process_batch(job, items, ctx)
        gathered = services.tracks_metadata_gather(
            tracks=[item.track for item in items], provider=job.provider, force_refresh=job.force_refresh,
            should_stop=ctx.should_stop,
        )
        outcome = BatchOutcome(wait=gathered.wait, interrupted=gathered.interrupted)
        lock = services.TracksLock(item.track_id for item in items)
        for item in items:
            found = gathered.by_key[item.track.pk]
            if not found.complete:
                continue  # stopped or rate limited before every provider answered: stays pending
            try:
                write = services.track_metadata_outcome(
                    track=item.track, gathered=found, provider=job.provider, lock=lock
                )
            except services.NothingFound as exc:
                outcome.done[item.pk] = ItemOutcome(error=str(exc), result={"errors": found.errors})
            else:
                outcome.done[item.pk] = ItemOutcome(write=write)
        return outcome
