"""Crates (named, ordered lists of library tracks) and the jobs that take the library into and out of DJ software:
exports, a Rekordbox collection imported, files moved to where their tags say, fingerprints for duplicates."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from common.text import count_text
from core.models import Job, JobItem

FOLDER_SEPARATOR = "/"


class Crate(models.Model):
    """A named, ordered list of library tracks, as DJ software keeps playlists; a saved filter keeps itself full."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    folder = models.CharField(
        max_length=500, blank=True,
        help_text="The folders it sits in, outermost first, separated by “/” (“Gigs/2026”); DJ software shows "
                  "the same folders.",
    )
    description = models.TextField(blank=True)
    rule = models.JSONField(
        default=dict, blank=True,
        help_text="A saved filter (genre, BPM, key, label, year, want-list status): the crate is refilled from it "
                  "when saved and before every export. Empty for a crate filled by hand.",
    )
    tracklist = models.ForeignKey(
        "library.Tracklist", on_delete=models.SET_NULL, null=True, blank=True, related_name="crates",
        help_text="The mix it was made from.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["folder", "name"]
        constraints = [models.UniqueConstraint(fields=["folder", "name"], name="crate_unique_name_in_folder")]

    def __str__(self) -> str:
        return f"{self.folder}{FOLDER_SEPARATOR}{self.name}" if self.folder else self.name

    @property
    def folders(self) -> tuple[str, ...]:
        return tuple(part for part in self.folder.split(FOLDER_SEPARATOR) if part.strip())

    @property
    def is_smart(self) -> bool:
        return bool(self.rule)


class CrateTrack(models.Model):
    """One library track at one place in one crate."""

    crate = models.ForeignKey(Crate, on_delete=models.CASCADE, related_name="entries")
    library_track = models.ForeignKey("library.LibraryTrack", on_delete=models.CASCADE, related_name="crate_entries")
    position = models.PositiveIntegerField(default=0)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["crate", "position"]
        verbose_name = "crate track"
        constraints = [
            models.UniqueConstraint(fields=["crate", "library_track"], name="crate_track_once"),
        ]
        indexes = [models.Index(fields=["crate", "position"], name="cratetrack_order_idx")]

    def __str__(self) -> str:
        return f"{self.position + 1}. {self.library_track}"


class Duplicate(models.Model):
    """Not a table: the admin's *Duplicates* page hangs on this name (files whose sound matches)."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = verbose_name_plural = "duplicates"

    def __str__(self) -> str:
        return "Duplicates"


# --- Jobs -------------------------------------------------------------------------------------------------------


class DjFormat(models.TextChoices):
    REKORDBOX = "rekordbox", "Rekordbox XML"
    TRAKTOR = "traktor", "Traktor NML"
    M3U8 = "m3u8", "M3U8 playlist"


class ExportJob(Job):
    """Write the library, a crate or a tracklist as a file DJ software reads; the file waits on the job's page."""

    handler = "crates.jobs.ExportHandler"

    fmt = models.CharField("format", max_length=10, choices=DjFormat.choices)
    crate = models.ForeignKey(Crate, on_delete=models.SET_NULL, null=True, blank=True, related_name="export_jobs")
    tracklist = models.ForeignKey(
        "library.Tracklist", on_delete=models.SET_NULL, null=True, blank=True, related_name="export_jobs",
    )
    library_track_ids = models.JSONField(default=list, blank=True, help_text="A selection, when it is one.")
    output = models.CharField(max_length=1000, blank=True, help_text="Where the file was written.")

    class Meta(Job.Meta):
        verbose_name = "DJ software export"

    def __str__(self) -> str:
        what = f"“{self.crate}”" if self.crate_id else f"“{self.tracklist}”" if self.tracklist_id else (
            "a selection" if self.library_track_ids else "the library")
        return f"{self.get_fmt_display()} of {what}"


class ExportJobItem(JobItem):
    job = models.ForeignKey(ExportJob, on_delete=models.CASCADE, related_name="items")

    def __str__(self) -> str:
        return "Write the file"


class RekordboxImportJob(Job):
    """Bring a Rekordbox collection in: one item per TRACK, then one for its playlists."""

    handler = "crates.jobs.RekordboxImportHandler"

    source_name = models.CharField("file", max_length=300, help_text="The collection's file name, as uploaded.")
    product = models.CharField(max_length=100, blank=True, help_text="The program that wrote it.")

    class Meta(Job.Meta):
        verbose_name = "Rekordbox import"

    def __str__(self) -> str:
        return f"Rekordbox collection {self.source_name}"


class ImportItemKind(models.TextChoices):
    TRACK = "track", "Track"
    PLAYLISTS = "playlists", "Playlists"


class RekordboxImportItem(JobItem):
    Kind = ImportItemKind

    job = models.ForeignKey(RekordboxImportJob, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=10, choices=ImportItemKind.choices, default=ImportItemKind.TRACK)
    key = models.CharField(max_length=1000, blank=True, help_text="The track's TrackID in the collection.")
    data = models.JSONField(default=dict, blank=True, help_text="What the collection says of it, as read.")
    library_track = models.ForeignKey(
        "library.LibraryTrack", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )

    class Meta(JobItem.Meta):
        indexes = [models.Index(fields=["job", "status", "position"], name="rbimportitem_job_status_idx")]
        constraints = [
            *JobItem.Meta.constraints,
            models.CheckConstraint(condition=Q(kind__in=ImportItemKind.values), name="rbimportitem_kind_valid"),
        ]

    def __str__(self) -> str:
        if self.kind == ImportItemKind.PLAYLISTS:
            return "The playlists, as crates"
        name = self.data.get("name") or self.data.get("path") or self.key
        artist = self.data.get("artist")
        return f"{artist} - {name}" if artist else str(name)


class FileMoveKind(models.TextChoices):
    ORGANISE = "organise", "Organise files"
    SET_ASIDE = "set_aside", "Set duplicates aside"


class FileMoveJob(Job):
    """Move files: to where DOWNLOAD_PATH_TEMPLATE says they belong, or (duplicates) into DUPLICATES_DIR."""

    handler = "crates.jobs.FileMoveHandler"

    kind = models.CharField(max_length=30, choices=FileMoveKind.choices, default=FileMoveKind.ORGANISE)

    class Meta(Job.Meta):
        verbose_name = "file move job"
        constraints = [
            *Job.Meta.constraints,
            models.CheckConstraint(condition=Q(kind__in=FileMoveKind.values), name="filemovejob_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {count_text(self.total, 'file')}"


class FileMoveItem(JobItem):
    job = models.ForeignKey(FileMoveJob, on_delete=models.CASCADE, related_name="items")
    track = models.ForeignKey("tracks.Track", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    keep = models.ForeignKey(
        "tracks.Track", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="Setting a duplicate aside: the track whose file is kept.",
    )
    path = models.CharField(max_length=1000, blank=True, help_text="The file when the job was started.")

    class Meta(JobItem.Meta):
        indexes = [models.Index(fields=["job", "status", "position"], name="filemoveitem_job_status_idx")]

    def __str__(self) -> str:
        return self.path or str(self.track)


class FingerprintJob(Job):
    """Compute the Chromaprint fingerprint of files that have none (or changed since), for the duplicates."""

    handler = "crates.jobs.FingerprintHandler"

    class Meta(Job.Meta):
        verbose_name = "fingerprint job"

    def __str__(self) -> str:
        return f"Fingerprint {count_text(self.total, 'file')}"


class FingerprintItem(JobItem):
    job = models.ForeignKey(FingerprintJob, on_delete=models.CASCADE, related_name="items")
    track = models.ForeignKey("tracks.Track", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta(JobItem.Meta):
        indexes = [models.Index(fields=["job", "status", "position"], name="fingerprintitem_job_status_idx")]

    def __str__(self) -> str:
        return str(self.track) if self.track_id else "(a deleted track)"
