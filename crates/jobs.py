"""How the engine runs the crates' jobs: an export, a Rekordbox import, file moves, fingerprints."""

from __future__ import annotations

from collections.abc import Sequence

from core.jobs import BatchOutcome, ItemOutcome, JobHandler, RunContext


class ExportHandler(JobHandler):
    """One item: write the file."""

    def process_item(self, job, item, ctx: RunContext) -> ItemOutcome:
        from crates import services

        return services.export_job_write(job=job)


class RekordboxImportHandler(JobHandler):
    """The tracks, a few to a transaction; the playlists once every track is in (they point at the tracks)."""

    batch_size = 20

    def select_items(self, queryset):
        from crates.models import ImportItemKind

        tracks = queryset.filter(kind=ImportItemKind.TRACK)
        return tracks if tracks.exists() else queryset

    def process_item(self, job, item, ctx: RunContext) -> ItemOutcome:
        from crates import imports
        from crates.models import ImportItemKind

        if item.kind == ImportItemKind.PLAYLISTS:
            return imports.rekordbox_playlists_import(job=job, item=item)
        return imports.rekordbox_track_import(job=job, item=item)


class FileMoveHandler(JobHandler):
    """One file at a time: it is moved, then its track says where it is."""

    def select_items(self, queryset):
        return queryset.select_related("track", "keep")

    def process_item(self, job, item, ctx: RunContext) -> ItemOutcome:
        from crates import files

        return files.file_move_item(job=job, item=item)


class FingerprintHandler(JobHandler):
    """Files a batch at a time, fingerprinted side by side (one fpcalc per core)."""

    batch_size = 16

    def select_items(self, queryset):
        return queryset.select_related("track")

    def process_item(self, job, item, ctx: RunContext) -> ItemOutcome:  # pragma: no cover - process_batch does it
        return self.process_batch(job, [item], ctx).done[item.pk]

    def process_batch(self, job, items: Sequence, ctx: RunContext) -> BatchOutcome:
        from crates import files

        if ctx.should_stop():
            return BatchOutcome()
        return BatchOutcome(done=files.fingerprints_compute(items))
