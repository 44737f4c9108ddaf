"""How the engine processes a discovery job: a batch of lines, the providers side by side."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from core.jobs import BatchOutcome, ItemOutcome, JobHandler, RunContext
from library import identification
from library.models import DiscoveryJob, DiscoveryJobItem

# Lines handed to the providers at once: small, so that a cancel or a rate-limit wait takes effect soon.
DISCOVERY_BATCH = 10


class DiscoveryHandler(JobHandler):
    batch_size = DISCOVERY_BATCH

    def select_items(self, queryset):
        return queryset.select_related("discovery", "discovery__tracklist")

    def process_item(self, job: DiscoveryJob, item: DiscoveryJobItem, ctx: RunContext) -> ItemOutcome:
        return self.process_batch(job, [item], ctx).done.get(item.pk, ItemOutcome(error="Not identified."))

    def process_batch(self, job: DiscoveryJob, items: Sequence[DiscoveryJobItem], ctx: RunContext) -> BatchOutcome:
        identified = identification.discoveries_identify(
            discoveries=[item.discovery for item in items], force_refresh=job.force_refresh,
            should_stop=ctx.should_stop,
        )
        outcome = BatchOutcome(wait=identified.wait, interrupted=identified.interrupted)
        new_tracks: list[str] = []

        def recorded(write):
            def run():
                result = write()
                if result.get("created_track"):
                    if not new_tracks:
                        # One metadata fetch for the batch's new tracks, once its lines are committed.
                        transaction.on_commit(lambda: identification.new_tracks_enrich(track_ids=list(new_tracks)))
                    new_tracks.append(result["created_track"])
                return result
            return run

        for item in items:
            line = identified.lines.get(item.discovery.pk)
            if line is None:
                continue  # stopped or rate limited before every provider answered: stays pending
            if line.error:
                outcome.done[item.pk] = ItemOutcome(error=f"Line {item.discovery.position}: {line.error}")
            else:
                outcome.done[item.pk] = ItemOutcome(write=recorded(line.write))
        return outcome
