"""Starting identification in the background: a discovery job per tracklist, or one for chosen lines of a tracklist
(answering the unfinished job already identifying those lines rather than starting a second).

What a job does with each batch of lines is `library/jobs.py`; what identifying a line decides,
`library.identification`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Max

from common.text import and_join
from core import jobs
from library.models import IDENTIFIABLE_STATUSES, DiscoveryJob, DiscoveryMethod, Tracklist
from library.selectors import discovery_job_under_way


def lines_to_identify(*, tracklist: Tracklist):
    """Return the tracklist's lines identification looks at: not settled, and not a person's choice."""
    return tracklist.discoveries.filter(status__in=IDENTIFIABLE_STATUSES).exclude(method=DiscoveryMethod.MANUAL)


@dataclass
class DiscoveryStarted:
    """What asking to identify a tracklist's lines did: the job doing it, whether it is new, the lines left out."""

    job: DiscoveryJob
    created: bool
    settled: list[int] = field(default_factory=list)  # positions asked for that identification leaves alone


def tracklist_discover(
    *, tracklist: Tracklist, positions: Sequence[int] | None = None, force_refresh: bool = False,
    started_by: str = "", enqueue_now: bool = True,
) -> DiscoveryStarted:
    """Start identifying the tracklist's lines (all of them, or those at positions) as one job; when an unfinished
    job is identifying every one of those lines already, answer that job instead of starting a second.

    Raise ValueError naming the positions the tracklist does not have (nothing is started), and
    BrokerUnavailable, leaving the job FAILED with the reason, if it cannot be queued."""
    lines = lines_to_identify(tracklist=tracklist)
    settled: list[int] = []
    if positions is not None:
        wanted = sorted(set(positions))
        known = set(tracklist.discoveries.filter(position__in=wanted).values_list("position", flat=True))
        unknown = [position for position in wanted if position not in known]
        if unknown:
            raise ValueError(
                f"“{tracklist}” has no line {and_join([str(p) for p in unknown])}; its lines are numbered from 1 "
                f"to {tracklist.discoveries.aggregate(last=Max('position'))['last'] or 0}."
            )
        lines = lines.filter(position__in=wanted)
        settled = sorted(set(wanted) - set(lines.values_list("position", flat=True)))
    line_ids = list(lines.order_by("position").values_list("pk", flat=True))
    under_way = discovery_job_under_way(tracklist=tracklist, line_ids=line_ids, force_refresh=force_refresh)
    if under_way is not None:
        return DiscoveryStarted(job=under_way, created=False, settled=settled)
    job = jobs.job_create(
        model=DiscoveryJob, items=[{"discovery_id": pk} for pk in line_ids], started_by=started_by,
        tracklist=tracklist, force_refresh=force_refresh, enqueue_now=enqueue_now,
    )
    return DiscoveryStarted(job=job, created=True, settled=settled)


def discovery_jobs_create(
    *, tracklists: Iterable[Tracklist], started_by: str = "", force_refresh: bool = False, enqueue_now: bool = True,
) -> list[DiscoveryStarted]:
    """Identify each tracklist's lines as a job: a new one, or the unfinished one identifying them already."""
    return [
        tracklist_discover(tracklist=tracklist, started_by=started_by, force_refresh=force_refresh,
                           enqueue_now=enqueue_now)
        for tracklist in tracklists
    ]
