"""Reads of the want list that are more than one filter."""

from __future__ import annotations

from django.core.cache import cache

from core.models import ACTIVE_STATUSES, ItemStatus
from wantlist.models import PurchaseLinksJob, WantList


def purchase_links_job_under_way(*, want: WantList) -> PurchaseLinksJob | None:
    """Return the newest unfinished purchase-links job that has still to ask about want, or None."""
    return (
        PurchaseLinksJob.objects.filter(
            status__in=ACTIVE_STATUSES, items__want=want, items__status=ItemStatus.PENDING,
        ).order_by("-created_at").first()
    )


STORES_CACHE_KEY = "wantlist:stores"


def purchase_link_stores(seconds: int = 300) -> list[str]:
    """Return the stores the want list's purchase links name, sorted, cached for a few minutes.

    The links come from the stores the providers' registry names and from the want list's services (a Deezer page,
    a Bandcamp search), each naming its store: the store filter offers every store it can find, from no list kept
    by hand."""
    stores = cache.get(STORES_CACHE_KEY)
    if stores is None:
        found: set[str] = set()
        for links in WantList.objects.values_list("purchase_links", flat=True).iterator(chunk_size=2000):
            found.update(link["store"] for link in links or () if isinstance(link, dict) and link.get("store")
                         and isinstance(link["store"], str))
        stores = sorted(found, key=str.lower)
        cache.set(STORES_CACHE_KEY, stores, seconds)
    return stores
