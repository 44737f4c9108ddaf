"""The music folder's jobs: writing tags into files, and scanning a folder into the library."""

from __future__ import annotations

from django.db import models

from common.text import count_text
from core.models import Job, JobItem


class TagWriteJob(Job):
    """Write the catalogue's tags (and artwork) into the files of a selection of tracks."""

    handler = "audio.jobs.TagWriteHandler"

    tracks = models.ManyToManyField("tracks.Track", through="TagWriteJobItem", related_name="tag_jobs", blank=True)
    with_artwork = models.BooleanField(default=True, help_text="Embed the best cover art the providers give.")

    class Meta(Job.Meta):
        verbose_name = "tag write job"

    def __str__(self) -> str:
        return f"Write tags of {count_text(self.total, 'track')}"


class TagWriteJobItem(JobItem):
    job = models.ForeignKey(TagWriteJob, on_delete=models.CASCADE, related_name="items")
    track = models.ForeignKey("tracks.Track", on_delete=models.CASCADE, related_name="tag_items")

    class Meta(JobItem.Meta):
        indexes = [models.Index(fields=["job", "status", "position"], name="tagitem_job_status_idx")]

    def __str__(self) -> str:
        return str(self.track)


# --- Scanning the music folder ----------------------------------------------------------------------------------


class ScanItemKind(models.TextChoices):
    WALK = "walk", "List the folder"
    FILES = "files", "Read files"
    IDENTIFY = "identify", "Identify by sound (AcoustID)"
    ANALYSE = "analyse", "Analyse BPM and key"


class ScanJob(Job):
    """Scan a music folder into the library: each audio file becomes or updates a Track and a LibraryTrack.

    It starts with one item that lists the folder; that item adds the others: chunks of about
    SCAN_CHUNK files (never one item per file), then a look-up by sound for each file whose tags
    say too little, and an analysis for each track that has no BPM or key.
    """

    handler = "audio.jobs.ScanHandler"

    root = models.CharField("folder", max_length=1000, help_text="The folder scanned, with every folder inside it.")
    analyse = models.BooleanField(
        "analyse BPM and key", default=True,
        help_text="Compute BPM and key from the audio of tracks that no provider or person gave them to.",
    )

    class Meta(Job.Meta):
        verbose_name = "scan job"

    def __str__(self) -> str:
        return f"Scan of {self.root}"


class ScanJobItem(JobItem):
    """One step of a scan: the listing, a chunk of files (folder ranges), or one file to identify or analyse."""

    Kind = ScanItemKind

    job = models.ForeignKey(ScanJob, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=10, choices=ScanItemKind.choices, default=ScanItemKind.FILES)
    # A chunk is a list of {"folder", "after", "until"}: the files of a folder whose names sort after `after`
    # (exclusive; "" from the first) up to `until` (inclusive; "" to the last), so files that appear after the
    # listing are still read, and no file list is stored.
    segments = models.JSONField(default=list, blank=True, help_text="The folders (and name ranges) of a chunk.")
    path = models.CharField(max_length=1000, blank=True, help_text="The file identified or analysed.")
    track = models.ForeignKey(
        "tracks.Track", on_delete=models.SET_NULL, null=True, blank=True, related_name="scan_items",
    )

    class Meta(JobItem.Meta):
        constraints = [
            *JobItem.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(kind__in=ScanItemKind.values), name="audio_scanjobitem_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["job", "status", "position"], name="scanitem_job_status_idx")]

    def __str__(self) -> str:
        if self.kind == ScanItemKind.WALK:
            return "Listing of the folder"
        if self.kind == ScanItemKind.FILES:
            folders = [segment.get("folder", "") for segment in self.segments or []]
            if not folders:
                return "No files"
            more = f" and {count_text(len(folders) - 1, 'more folder')}" if len(folders) > 1 else ""
            return f"Files in {folders[0]}{more}"
        verb = "Identify" if self.kind == ScanItemKind.IDENTIFY else "Analyse"
        return f"{verb} {self.path}"
