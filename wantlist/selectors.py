"""Reads of the want list that are more than one filter."""

from __future__ import annotations

from core.models import ACTIVE_STATUSES, ItemStatus
from wantlist.models import PurchaseLinksJob, WantList


def purchase_links_job_under_way(*, want: WantList) -> PurchaseLinksJob | None:
    """Return the newest unfinished purchase-links job that has still to ask about want, or None."""
    return (
        PurchaseLinksJob.objects.filter(
            status__in=ACTIVE_STATUSES, items__want=want, items__status=ItemStatus.PENDING,
        ).order_by("-created_at").first()
    )
