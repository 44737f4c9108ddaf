"""Reads of the discovery data that are more than one filter: the review queue's order and a line's neighbours."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from core.models import ACTIVE_STATUSES
from library.models import DiscoveryJob, DiscoveryJobItem, DiscoveryStatus, TrackDiscovery, Tracklist
from tracks.metadata import OWN_ID_FIELD
from tracks.models import Track

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


def discovery_job_under_way(*, tracklist: Tracklist, line_ids: Sequence,
                            force_refresh: bool = False) -> DiscoveryJob | None:
    """Return the newest unfinished discovery job of the tracklist that identifies every one of these lines (with
    the same force_refresh), or None."""
    wanted = set(line_ids)
    for job in DiscoveryJob.objects.filter(
        tracklist=tracklist, status__in=ACTIVE_STATUSES, force_refresh=force_refresh,
    ).order_by("-created_at")[:10]:
        covered = set(DiscoveryJobItem.objects.filter(job=job, discovery_id__in=wanted)
                      .values_list("discovery_id", flat=True))
        if covered == wanted:
            return job
    return None


def tracklist_sources(*, tracklist: Tracklist) -> dict[str, Any]:
    """Return how a tracklist's lines were identified: lines by status and method, and per source (the library or
    a provider) how many lines consulted it and how many its candidate identified, in aggregate queries."""
    lines = TrackDiscovery.objects.filter(tracklist=tracklist).order_by()
    by_status = tracklist_status_counts(tracklist)
    by_method = dict(lines.exclude(method="").values_list("method").annotate(count=Count("id"))
                     .values_list("method", "count"))
    identified_by = dict(
        lines.filter(status=DiscoveryStatus.IDENTIFIED).exclude(identified_by="").values_list("identified_by")
        .annotate(count=Count("id")).values_list("identified_by", "count")
    )
    consulted: dict[str, int] = {}
    for sources in lines.exclude(sources_consulted=[]).values_list("sources_consulted", flat=True).iterator():
        for name in sources if isinstance(sources, list) else ():
            consulted[str(name)] = consulted.get(str(name), 0) + 1
    names = sorted(set(consulted) | set(identified_by), key=lambda name: (-consulted.get(name, 0), name))
    return {
        "lines": sum(by_status.values()),
        "by_status": {status: by_status.get(status, 0) for status in DiscoveryStatus.values},
        "by_method": by_method,
        "sources": [{"source": name, "consulted": consulted.get(name, 0), "identified": identified_by.get(name, 0)}
                    for name in names],
        "library_tracks": lines.exclude(library_track=None).values("library_track").distinct().count(),
    }


def tracklist_lines(tracklist: Tracklist, *, status: str = "") -> QuerySet[TrackDiscovery]:
    """Return a tracklist's lines in order (those with status, when given), with what a page shows of each."""
    lines = tracklist.discoveries.select_related("library_track__track").order_by("position")
    return lines.filter(status=status) if status else lines


def tracklist_status_counts(tracklist: Tracklist) -> dict[str, int]:
    """Return how many of a tracklist's lines have each status (those with none left out)."""
    lines = TrackDiscovery.objects.filter(tracklist=tracklist).order_by()
    return dict(lines.values_list("status").annotate(count=Count("id")).values_list("status", "count"))


def _lines_count(**conditions) -> Coalesce:
    lines = (TrackDiscovery.objects.filter(tracklist=OuterRef("pk"), **conditions).order_by()
             .values("tracklist").annotate(count=Count("id")).values("count"))
    return Coalesce(Subquery(lines, output_field=IntegerField()), 0)


def tracklists_with_counts(tracklists: QuerySet[Tracklist]) -> QuerySet[Tracklist]:
    """Return the tracklists with line_count, identified_count and review_count: one indexed count per row shown,
    never a join of every line (a 5,000-line tracklist's own page opens as fast as a short one's)."""
    return tracklists.annotate(
        line_count=_lines_count(), identified_count=_lines_count(status=DiscoveryStatus.IDENTIFIED),
        review_count=_lines_count(status=DiscoveryStatus.NEEDS_REVIEW),
    )


def candidate_tracks(candidates: Sequence[dict]) -> list:
    """Return, for each kept candidate, the catalogue's track of that recording (by the provider's own id), or None."""
    wanted: dict[str, set[str]] = {}
    for kept in candidates:
        field = OWN_ID_FIELD.get(str(kept.get("source") or ""))
        if field and kept.get("external_id"):
            wanted.setdefault(field, set()).add(str(kept["external_id"]))
    found: dict[tuple[str, str], Track] = {}
    for field, ids in wanted.items():
        for track in Track.objects.filter(**{f"{field}__in": ids}):
            found[(field, getattr(track, field))] = track
    return [
        found.get((OWN_ID_FIELD.get(str(kept.get("source") or ""), ""), str(kept.get("external_id") or "")))
        for kept in candidates
    ]


def discoveries_per_week(weeks: int = 12) -> list[tuple[str, int]]:
    """Return the lines read in each of the last weeks, oldest first, as (week's Monday as "07 Dec", lines)."""
    since = timezone.now() - datetime.timedelta(weeks=weeks)
    rows = (
        TrackDiscovery.objects.filter(created_at__gte=since).annotate(week=TruncWeek("created_at"))
        .values("week").annotate(lines=Count("id")).order_by("week")
    )
    return [(f"{row['week']:%d %b}", row["lines"]) for row in rows]
