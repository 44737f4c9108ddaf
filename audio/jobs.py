"""How the engine processes the music folder's jobs: a scan's items (and, below, a tag write's)."""

from __future__ import annotations

from core.jobs import ItemOutcome, JobHandler, RunContext


class ScanHandler(JobHandler):
    """One item at a time: a listing, a chunk of about SCAN_CHUNK files, or one file to identify or analyse.

    A chunk's writes are one transaction; the listing and the chunks add the items that follow them.
    """

    batch_size = 1

    def select_items(self, queryset):
        return queryset.select_related("track")

    def process_item(self, job, item, ctx: RunContext) -> ItemOutcome:
        from audio import analysing, identify, scanning
        from audio.models import ScanItemKind

        if item.kind == ScanItemKind.WALK:
            return scanning.scan_walk(job=job)
        if item.kind == ScanItemKind.FILES:
            return scanning.scan_files(job=job, item=item)
        if item.kind == ScanItemKind.IDENTIFY:
            return identify.scan_identify(job=job, item=item)
        if item.kind == ScanItemKind.ANALYSE:
            return analysing.scan_analyse(job=job, item=item)
        return ItemOutcome(error=f"Unknown kind of scan step {item.kind!r}.")


class TagWriteHandler(JobHandler):
    """One track at a time: its file gets the catalogue's tags (and cover); a failure marks it out of date."""

    def select_items(self, queryset):
        return queryset.select_related("track")

    def process_item(self, job, item, ctx: RunContext) -> ItemOutcome:
        from audio import tagging
        from audio.tags import TagWriteError

        try:
            path = tagging.track_tags_write(track=item.track, with_artwork=job.with_artwork)
        except TagWriteError as exc:
            return ItemOutcome(error=exc.reason)
        return ItemOutcome(result={"file": str(path)})
