"""Downloads: one attempt to get a verified audio file for a track, and the jobs that run them.

A `Download` is a small state machine (see `TRANSITIONS`); every move is a
conditional update made by `downloads.moves`, so two workers never move one
download. The job engine runs downloads as the items of a `DownloadJob`: one
job per request (an admin action on 40 tracks is one job with 40 items), with
the engine's claiming, heartbeats, cancel, resume after a crash and progress.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from common.text import count_text
from core.models import Job, JobItem
from downloads.quality import Quality


class DownloadState(models.TextChoices):
    PENDING = "pending", "Pending"
    SEARCHING = "searching", "Searching"
    AWAITING_CHOICE = "awaiting_choice", "Awaiting your choice"
    QUEUED = "queued", "Queued at the peer"
    DOWNLOADING = "downloading", "Downloading"
    VERIFYING = "verifying", "Verifying"
    FILING = "filing", "Filing"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


# Every move a download may make; anything else is refused. A failed candidate
# sends the download back to QUEUED with the next one (or SEARCHING for another query).
TRANSITIONS: dict[str, frozenset[str]] = {
    DownloadState.PENDING: frozenset({
        DownloadState.SEARCHING, DownloadState.QUEUED, DownloadState.FAILED, DownloadState.CANCELLED,
    }),
    DownloadState.SEARCHING: frozenset({
        DownloadState.AWAITING_CHOICE, DownloadState.QUEUED, DownloadState.FAILED, DownloadState.CANCELLED,
    }),
    DownloadState.AWAITING_CHOICE: frozenset({
        DownloadState.SEARCHING, DownloadState.QUEUED, DownloadState.FAILED, DownloadState.CANCELLED,
    }),
    DownloadState.QUEUED: frozenset({
        DownloadState.DOWNLOADING, DownloadState.VERIFYING, DownloadState.QUEUED, DownloadState.AWAITING_CHOICE,
        DownloadState.FAILED, DownloadState.CANCELLED,
    }),
    DownloadState.DOWNLOADING: frozenset({
        DownloadState.VERIFYING, DownloadState.QUEUED, DownloadState.AWAITING_CHOICE, DownloadState.FAILED,
        DownloadState.CANCELLED,
    }),
    DownloadState.VERIFYING: frozenset({
        DownloadState.FILING, DownloadState.QUEUED, DownloadState.AWAITING_CHOICE, DownloadState.FAILED,
        DownloadState.CANCELLED,
    }),
    # Filing is a moment's work on a verified file: too late to cancel, so the library never keeps an unrecorded file.
    DownloadState.FILING: frozenset({DownloadState.COMPLETED, DownloadState.FAILED}),
    DownloadState.COMPLETED: frozenset(),
    DownloadState.FAILED: frozenset(),
    DownloadState.CANCELLED: frozenset(),
}
TERMINAL_STATES = frozenset({DownloadState.COMPLETED, DownloadState.FAILED, DownloadState.CANCELLED})
ACTIVE_STATES = tuple(state for state in DownloadState.values if state not in TERMINAL_STATES)
# States in which a worker is moving the download (a person waits in AWAITING_CHOICE).
WORKING_STATES = tuple(state for state in ACTIVE_STATES if state != DownloadState.AWAITING_CHOICE)


class Download(models.Model):
    """One attempt to get a verified audio file for a track, from search to the file in the music folder."""

    State = DownloadState
    Quality = Quality

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    track = models.ForeignKey("tracks.Track", on_delete=models.CASCADE, related_name="downloads")
    quality = models.CharField(max_length=10, choices=Quality.choices, default=Quality.BEST)
    state = models.CharField(max_length=20, choices=DownloadState.choices, default=DownloadState.PENDING, db_index=True)
    started_by = models.CharField(max_length=150, blank=True)

    # Search
    query = models.CharField(max_length=500, blank=True, help_text="The search text that found the candidates.")
    queries = models.JSONField(default=list, blank=True,
                               help_text="Every search made, in order, with its result count.")
    candidates_found = models.PositiveIntegerField(
        default=0, help_text="Files the last search found; one result is a weak signal."
    )
    candidates = models.JSONField(default=list, blank=True, help_text="The best files found, best first, with why.")
    tried = models.JSONField(default=list, blank=True, help_text="Candidates tried and why each was given up.")
    search = models.JSONField(
        default=dict, blank=True,
        help_text="The search under way: the source and query, slskd's id for it and when it stops collecting "
        "answers, and what earlier sources found. A run that resumes carries on with the same search.",
    )

    # The file being fetched
    source = models.CharField(max_length=30, blank=True, help_text="Where the chosen file comes from, e.g. slskd.")
    chosen = models.JSONField(default=dict, blank=True, help_text="The candidate being downloaded.")
    chosen_by_person = models.BooleanField(default=False)
    job = models.ForeignKey(
        "DownloadJob", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The job that moves it now; any earlier job's run leaves it alone.",
    )
    transfer_id = models.CharField(max_length=100, blank=True, help_text="slskd's id for the transfer.")
    enqueued_at = models.DateTimeField(null=True, blank=True, help_text="When the source was asked for the file.")
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent of the file transferred.")
    bytes_transferred = models.PositiveBigIntegerField(default=0)
    speed = models.PositiveBigIntegerField(default=0, help_text="Bytes per second.")
    place_in_queue = models.PositiveIntegerField(null=True, blank=True)
    last_progress_at = models.DateTimeField(null=True, blank=True, help_text="Last time the transfer moved.")
    retries = models.PositiveIntegerField(default=0, help_text="Transient failures in a row.")
    next_step_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When a worker looks at it again: until then it waits (for a peer, a search, a retry) "
        "and holds no worker.",
    )

    # The result
    file_path = models.CharField(max_length=1000, blank=True, help_text="Where the verified file was filed.")
    file_format = models.CharField(max_length=10, blank=True)
    file_bitrate = models.PositiveIntegerField(null=True, blank=True, help_text="kbit/s")
    file_duration = models.FloatField(null=True, blank=True, help_text="Seconds.")
    error = models.TextField("note", blank=True, help_text="Why it failed, or what it waits for.")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0) & Q(progress__lte=100), name="download_progress_0_100"),
            models.CheckConstraint(condition=Q(state__in=DownloadState.values), name="download_state_valid"),
            models.CheckConstraint(condition=Q(quality__in=Quality.values), name="download_quality_valid"),
            # Asking twice for the same track and quality finds the download already under way.
            models.UniqueConstraint(
                fields=["track", "quality"], condition=Q(state__in=ACTIVE_STATES),
                name="download_one_active_per_quality"
            ),
        ]
        indexes = [models.Index(fields=["state", "-created_at"], name="download_state_created_idx")]

    def __str__(self) -> str:
        return f"{self.track} ({self.get_quality_display().split(' (')[0].lower()})"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def is_finished(self) -> bool:
        return self.state in TERMINAL_STATES

    @property
    def chosen_name(self) -> str:
        """The chosen file's name without its remote folders."""
        name = self.chosen.get("filename", "") if isinstance(self.chosen, dict) else ""
        return name.replace("\\", "/").rsplit("/", 1)[-1]


class DownloadJob(Job):
    """Downloads started together (an admin action, a command, the schedule), run by the job engine."""

    handler = "downloads.jobs.DownloadHandler"

    downloads = models.ManyToManyField(Download, through="DownloadJobItem", related_name="jobs", blank=True)

    class Meta(Job.Meta):
        verbose_name = "download job"

    def __str__(self) -> str:
        return f"Download {count_text(self.total, 'track')}"


class DownloadJobItem(JobItem):
    job = models.ForeignKey(DownloadJob, on_delete=models.CASCADE, related_name="items")
    download = models.ForeignKey(Download, on_delete=models.CASCADE, related_name="job_items")

    class Meta(JobItem.Meta):
        indexes = [models.Index(fields=["job", "status", "position"], name="downloaditem_job_status_idx")]
