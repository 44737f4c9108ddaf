"""Reads of the discovery data that are more than one filter: the review queue's order and a line's neighbours."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from library.models import DiscoveryStatus, TrackDiscovery

# The review queue reads as the tracklists were added, each from its first line to its last.
REVIEW_ORDER = ("tracklist__created_at", "tracklist_id", "position")


def review_queue() -> QuerySet[TrackDiscovery]:
    """Return the lines waiting for a person, in the queue's order."""
    return TrackDiscovery.objects.filter(status=DiscoveryStatus.NEEDS_REVIEW).order_by(*REVIEW_ORDER)


def review_neighbours(discovery: TrackDiscovery) -> tuple[TrackDiscovery | None, TrackDiscovery | None]:
    """Return the lines waiting for review just before and just after this one in the queue (whatever its own
    status now), wrapping round at either end, so a person can step through the queue with the keyboard; None
    where no other line waits."""
    created, tracklist, position = discovery.tracklist.created_at, discovery.tracklist_id, discovery.position
    after = (
        Q(tracklist__created_at__gt=created)
        | Q(tracklist__created_at=created, tracklist_id__gt=tracklist)
        | Q(tracklist_id=tracklist, position__gt=position)
    )
    before = (
        Q(tracklist__created_at__lt=created)
        | Q(tracklist__created_at=created, tracklist_id__lt=tracklist)
        | Q(tracklist_id=tracklist, position__lt=position)
    )
    queue = review_queue().exclude(pk=discovery.pk)
    backwards = [f"-{field}" for field in REVIEW_ORDER]
    following = queue.filter(after).first() or queue.first()
    previous = queue.filter(before).order_by(*backwards).first() or queue.order_by(*backwards).first()
    return previous, following


def review_count() -> int:
    """Return how many lines wait for a person."""
    return TrackDiscovery.objects.filter(status=DiscoveryStatus.NEEDS_REVIEW).count()
