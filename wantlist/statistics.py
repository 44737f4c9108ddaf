"""The want list's part of the discovery trends: how many wanted tracks a window added, and what became of them.

The library's statistics (library/statistics.py) know nothing of the want list; this module registers its figures
there when the app is ready (wantlist/apps.py)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Coalesce

from library.statistics import midnight, share
from wantlist.models import WantList, WantStatus


def conversion(start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """Return the want-list entries added from start to end and what became of them."""
    since, until = midnight(start), midnight(end)
    added = Q(added_at__gte=since, added_at__lt=until)
    # An entry marked purchased before purchased_at existed has none: its last change stands for its purchase.
    bought = Q(status=WantStatus.PURCHASED, purchased_when__gte=since, purchased_when__lt=until)
    counts = (
        WantList.objects.order_by().annotate(purchased_when=Coalesce("purchased_at", "updated_at"))
        .filter(added | bought).aggregate(
            added=Count("id", filter=added),
            purchased=Count("id", filter=added & Q(status=WantStatus.PURCHASED)),
            wanted=Count("id", filter=added & Q(status=WantStatus.WANTED)),
            unavailable=Count("id", filter=added & Q(status=WantStatus.UNAVAILABLE)),
            purchased_in_window=Count("id", filter=bought),
        )
    )
    return {**counts, "rate": share(counts["purchased"], counts["added"])}
