"""The catalogue: recordings, the jobs that fetch their metadata, and downloads."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q


def _unique_when_set(field: str) -> models.UniqueConstraint:
    # Provider ids are optional; an empty string means "not known", and many rows
    # may have that, but a known id belongs to one track only.
    return models.UniqueConstraint(
        fields=[field], condition=~Q(**{field: ""}), name=f"track_unique_{field}"
    )


PROVIDER_ID_FIELDS = (
    "soundcharts_uuid",
    "musicbrainz_recording_id",
    "spotify_id",
    "discogs_id",
    "beatport_id",
    "deezer_id",
    "itunes_id",
)


class Track(models.Model):
    """One recording as the providers describe it, and its local file if there is one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=500, blank=True)
    artists = models.JSONField(
        default=list, blank=True, help_text="Artist names in credit order."
    )
    credit_name = models.CharField(
        max_length=500, blank=True, help_text='Artists as credited, e.g. "Bicep & Hammer".'
    )
    album = models.CharField(max_length=500, blank=True)
    album_artist = models.CharField(max_length=500, blank=True)
    label = models.CharField(max_length=300, blank=True)
    catalog_number = models.CharField(max_length=100, blank=True)
    isrc = models.CharField("ISRC", max_length=12, blank=True, db_index=True)
    release_date = models.DateField(null=True, blank=True)
    duration = models.PositiveIntegerField(
        null=True, blank=True, help_text="Length in seconds."
    )
    genre = models.CharField(max_length=200, blank=True)
    bpm = models.DecimalField("BPM", max_digits=6, decimal_places=2, null=True, blank=True)
    key = models.CharField(max_length=20, blank=True, help_text='Musical key, e.g. "A minor" or "8A".')
    track_number = models.PositiveSmallIntegerField(null=True, blank=True)
    disc_number = models.PositiveSmallIntegerField(null=True, blank=True)
    artwork_url = models.URLField(max_length=1000, blank=True)

    soundcharts_uuid = models.CharField("Soundcharts UUID", max_length=36, blank=True)
    musicbrainz_recording_id = models.CharField("MusicBrainz recording id", max_length=36, blank=True)
    spotify_id = models.CharField("Spotify id", max_length=62, blank=True)
    discogs_id = models.CharField("Discogs id", max_length=20, blank=True)
    beatport_id = models.CharField("Beatport id", max_length=20, blank=True)
    deezer_id = models.CharField("Deezer id", max_length=20, blank=True)
    itunes_id = models.CharField("iTunes id", max_length=20, blank=True)

    metadata_sources = models.JSONField(
        default=dict, blank=True, help_text="Which provider gave each field: {field: provider}."
    )
    metadata_fetched_at = models.DateTimeField(null=True, blank=True, db_index=True)
    audience = models.JSONField(default=dict, blank=True, help_text="Audience figures per platform.")
    audience_fetched_at = models.DateTimeField(null=True, blank=True)

    file_path = models.CharField(max_length=1000, blank=True, help_text="Absolute path of the local audio file.")
    file_format = models.CharField(max_length=10, blank=True, help_text='e.g. "flac", "mp3".')
    file_bitrate = models.PositiveIntegerField(null=True, blank=True, help_text="kbit/s")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        indexes = [
            models.Index(fields=["title"], name="track_title_idx"),
            models.Index(fields=["credit_name"], name="track_credit_name_idx"),
            models.Index(fields=["label"], name="track_label_idx"),
            models.Index(fields=["genre"], name="track_genre_idx"),
        ]
        constraints = [
            *(_unique_when_set(name) for name in PROVIDER_ID_FIELDS),
            models.CheckConstraint(condition=Q(bpm__isnull=True) | Q(bpm__gt=0), name="track_bpm_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.credit_name} - {self.title}" if self.credit_name else self.title


class FetchTaskType(models.TextChoices):
    METADATA = "metadata", "Metadata"
    AUDIENCE = "audience", "Audience"
    BULK_METADATA = "bulk_metadata", "Bulk metadata"
    BULK_AUDIENCE = "bulk_audience", "Bulk audience"


class FetchTaskStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class MetadataFetchTask(models.Model):
    """One background job that fetches metadata or audience figures for one or many tracks."""

    TaskType = FetchTaskType
    Status = FetchTaskStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task_type = models.CharField(max_length=20, choices=TaskType.choices, default=TaskType.BULK_METADATA)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    tracks = models.ManyToManyField(Track, through="MetadataFetchTaskItem", related_name="fetch_tasks", blank=True)
    provider = models.CharField(
        max_length=30, blank=True, help_text="Ask only this provider; empty asks every enabled one in order."
    )
    force_refresh = models.BooleanField(default=False, help_text="Bypass the provider cache.")
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    successful = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    celery_task_id = models.CharField("Celery task id", max_length=255, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life from the worker running it."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "metadata fetch task"
        constraints = [
            models.CheckConstraint(
                condition=Q(processed=F("successful") + F("failed")),
                name="fetchtask_processed_is_sum",
            ),
            models.CheckConstraint(condition=Q(processed__lte=F("total")), name="fetchtask_processed_lte_total"),
            models.CheckConstraint(
                condition=Q(status__in=FetchTaskStatus.values), name="fetchtask_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(task_type__in=FetchTaskType.values), name="fetchtask_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_task_type_display()} ({self.processed}/{self.total}, {self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        return round(100 * self.processed / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (FetchTaskStatus.COMPLETED, FetchTaskStatus.FAILED, FetchTaskStatus.CANCELLED)


class FetchItemStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class MetadataFetchTaskItem(models.Model):
    """One track of one fetch task: done or not, so a restarted task skips what is done."""

    Status = FetchItemStatus

    task = models.ForeignKey(MetadataFetchTask, on_delete=models.CASCADE, related_name="items")
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="fetch_items")
    position = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=FetchItemStatus.choices, default=FetchItemStatus.PENDING)
    error = models.TextField(blank=True)
    changed_fields = models.JSONField(default=list, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["task", "position"]
        constraints = [
            models.UniqueConstraint(fields=["task", "track"], name="fetchitem_unique_track"),
            models.CheckConstraint(condition=Q(status__in=FetchItemStatus.values), name="fetchitem_status_valid"),
        ]
        indexes = [models.Index(fields=["task", "status", "position"], name="fetchitem_task_status_idx")]

    def __str__(self) -> str:
        return f"{self.track} ({self.get_status_display()})"


class DownloadQuality(models.TextChoices):
    LOSSLESS = "lossless", "Lossless (FLAC, WAV, AIFF)"
    HIGH = "high", "High (320 kbit/s or lossless)"
    ANY = "any", "Any"


class DownloadState(models.TextChoices):
    PENDING = "pending", "Pending"
    SEARCHING = "searching", "Searching"
    DOWNLOADING = "downloading", "Downloading"
    VERIFYING = "verifying", "Verifying"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class Download(models.Model):
    """One attempt to get an audio file for a track."""

    Quality = DownloadQuality
    State = DownloadState

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="downloads")
    source = models.CharField(max_length=30, default="slskd", help_text="Download provider, e.g. slskd.")
    quality_preference = models.CharField(max_length=10, choices=Quality.choices, default=Quality.HIGH)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING, db_index=True)
    candidates = models.JSONField(default=list, blank=True, help_text="Files found, best first.")
    chosen_username = models.CharField(max_length=200, blank=True)
    chosen_filename = models.CharField(max_length=1000, blank=True)
    chosen_size = models.PositiveBigIntegerField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent complete, 0 to 100.")
    bytes_transferred = models.PositiveBigIntegerField(default=0)
    file_path = models.CharField(max_length=1000, blank=True, help_text="Where the finished file was filed.")
    error = models.TextField(blank=True)
    celery_task_id = models.CharField("Celery task id", max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0) & Q(progress__lte=100), name="download_progress_0_100"),
            models.CheckConstraint(
                condition=Q(state__in=DownloadState.values), name="download_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(quality_preference__in=DownloadQuality.values),
                name="download_quality_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.track} via {self.source} ({self.get_state_display()})"
