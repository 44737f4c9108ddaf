"""Reads of the music folder's jobs that are more than one filter."""

from __future__ import annotations

from audio.models import TagWriteJob
from core.models import ACTIVE_STATUSES, ItemStatus


def tag_write_job_under_way(*, track) -> TagWriteJob | None:
    """Return the newest unfinished tag write job that has still to write track's tags, or None."""
    return (
        TagWriteJob.objects.filter(
            status__in=ACTIVE_STATUSES, items__track=track, items__status=ItemStatus.PENDING,
        ).order_by("-created_at").first()
    )
