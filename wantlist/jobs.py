"""How the engine processes a purchase-links job: a batch of wanted tracks, the stores side by side."""

from __future__ import annotations

from collections.abc import Sequence

from core.jobs import BatchOutcome, ItemOutcome, JobHandler, RunContext
from providers.base import Capability
from providers.registry import providers_for
from wantlist import services
from wantlist.models import PurchaseLinksJob, PurchaseLinksJobItem

# Wanted tracks handed to the stores at once.
LINKS_BATCH = 10


class PurchaseLinksHandler(JobHandler):
    batch_size = LINKS_BATCH

    def select_items(self, queryset):
        return queryset.select_related("want__library_track__track")

    def process_item(self, job: PurchaseLinksJob, item: PurchaseLinksJobItem, ctx: RunContext) -> ItemOutcome:
        return self.process_batch(job, [item], ctx).done.get(item.pk, ItemOutcome(error="Not refreshed."))

    def process_batch(self, job: PurchaseLinksJob, items: Sequence[PurchaseLinksJobItem],
                      ctx: RunContext) -> BatchOutcome:
        gathered = services.wants_links_gather(
            wants=[item.want for item in items], force_refresh=job.force_refresh, should_stop=ctx.should_stop,
        )
        outcome = BatchOutcome(wait=gathered.wait, interrupted=gathered.interrupted)
        stores = [client.name for client in providers_for(Capability.PURCHASE_LINKS)]
        for item in items:
            answers = gathered.by_key[item.want.pk]
            if not answers.complete:
                continue  # stopped or rate limited before every store answered: stays pending
            outcome.done[item.pk] = ItemOutcome(
                write=lambda want=item.want, answers=answers: services.want_links_store(
                    want=want, answers=answers, stores=stores,
                ),
            )
        return outcome
