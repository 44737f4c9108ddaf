"""The library: DJ mixes, the tracks discovered in them, and discovery statistics."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import Job, JobItem


class Tracklist(models.Model):
    """One DJ mix and its raw tracklist text."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=500)
    dj = models.CharField("DJ", max_length=300, blank=True, db_index=True)
    date = models.DateField(null=True, blank=True, help_text="When the mix was played or published.")
    source_url = models.URLField("source URL", max_length=1000, blank=True)
    raw_text = models.TextField("tracklist", blank=True, help_text="One track per line, as published.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-created_at"]
        indexes = [models.Index(fields=["name"], name="tracklist_name_idx")]

    def __str__(self) -> str:
        return f"{self.dj} - {self.name}" if self.dj else self.name


class LibraryTrack(models.Model):
    """A track in the user's library: exactly one Track plus what the library knows of it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    track = models.OneToOneField("tracks.Track", on_delete=models.CASCADE, related_name="library_entry")
    discovered_from = models.ManyToManyField(Tracklist, related_name="library_tracks", blank=True)
    discovery_count = models.PositiveIntegerField(default=0, help_text="Distinct mixes it was heard in.")
    first_discovered = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True, db_index=True)
    is_provisional = models.BooleanField(
        "provisional",
        default=False,
        db_index=True,
        help_text="In the library, but not yet tied to any provider's recording.",
    )
    notes = models.TextField(blank=True)
    added_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-last_seen", "-added_at"]
        verbose_name = "library track"

    def __str__(self) -> str:
        return str(self.track)


class DiscoveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    IDENTIFIED = "identified", "Identified"
    NEEDS_REVIEW = "needs_review", "Needs review"
    PROVISIONAL = "provisional", "Provisional"
    UNIDENTIFIABLE = "unidentifiable", "Unidentifiable"
    UNPARSED = "unparsed", "Unparsed"


# The lines identification looks at; the others are settled (unidentifiable, unparsed) or a person's choice.
IDENTIFIABLE_STATUSES = (
    DiscoveryStatus.PENDING, DiscoveryStatus.IDENTIFIED, DiscoveryStatus.NEEDS_REVIEW, DiscoveryStatus.PROVISIONAL,
)


class DiscoveryMethod(models.TextChoices):
    LIBRARY = "library", "Library"
    API = "api", "Provider API"
    MANUAL = "manual", "Manual"


class TrackDiscovery(models.Model):
    """One line of one tracklist and how it was identified."""

    Status = DiscoveryStatus
    Method = DiscoveryMethod

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tracklist = models.ForeignKey(Tracklist, on_delete=models.CASCADE, related_name="discoveries")
    position = models.PositiveIntegerField()
    timestamp = models.DurationField(null=True, blank=True, help_text="Where in the mix the track starts.")
    raw_text = models.CharField(max_length=1000)
    artist = models.CharField(max_length=500, blank=True, help_text="The artist credit as the line writes it.")
    artists = models.JSONField(default=list, blank=True, help_text="Each artist's name, featured ones included.")
    title = models.CharField(max_length=500, blank=True)
    version = models.CharField(max_length=300, blank=True, help_text="The remix, mix or edit, e.g. “Bicep Remix”.")
    remixers = models.JSONField(default=list, blank=True)
    together = models.BooleanField(default=False, help_text="Played together with the line before (“w/”).")
    label = models.CharField(max_length=300, blank=True)
    catalog_number = models.CharField("catalogue number", max_length=100, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    confidence = models.FloatField(null=True, blank=True, help_text="0 to 1.")
    method = models.CharField(max_length=10, choices=Method.choices, blank=True)
    sources_consulted = models.JSONField(default=list, blank=True)
    candidates = models.JSONField(default=list, blank=True, help_text="Scored candidates, best first.")
    reason = models.CharField(
        "why", max_length=300, blank=True,
        help_text="Why identification linked this candidate, or why it asks a person.",
    )
    identified_by = models.CharField(
        max_length=30, blank=True, db_index=True,
        help_text="The provider whose candidate is linked (“library” for the library's own track).",
    )
    library_track = models.ForeignKey(
        LibraryTrack, on_delete=models.SET_NULL, null=True, blank=True, related_name="discoveries"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    identified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["tracklist", "position"]
        verbose_name = "track discovery"
        verbose_name_plural = "track discoveries"
        constraints = [
            models.UniqueConstraint(fields=["tracklist", "position"], name="discovery_unique_position"),
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | (Q(confidence__gte=0) & Q(confidence__lte=1)),
                name="discovery_confidence_0_1",
            ),
            models.CheckConstraint(
                condition=Q(status__in=DiscoveryStatus.values), name="discovery_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(method="") | Q(method__in=DiscoveryMethod.values),
                name="discovery_method_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.raw_text}"

    @property
    def full_title(self) -> str:
        return f"{self.title} ({self.version})" if self.version else self.title


class LineToReview(TrackDiscovery):
    """The review queue: the lines that are close calls, waiting for a person to pick."""

    class Meta:
        proxy = True
        verbose_name = "line to review"
        verbose_name_plural = "review queue"


class DiscoveryJob(Job):
    """Identify the lines of one tracklist: one item per line."""

    handler = "library.jobs.DiscoveryHandler"

    tracklist = models.ForeignKey(Tracklist, on_delete=models.CASCADE, related_name="discovery_jobs")
    force_refresh = models.BooleanField(default=False, help_text="Ask the providers again, bypassing the cache.")

    class Meta(Job.Meta):
        verbose_name = "discovery job"

    def __str__(self) -> str:
        started = timezone.localtime(self.created_at).strftime("%Y-%m-%d %H:%M") if self.created_at else "new"
        return f"Discover tracks in “{self.tracklist}” ({started})"


class DiscoveryJobItem(JobItem):
    job = models.ForeignKey(DiscoveryJob, on_delete=models.CASCADE, related_name="items")
    discovery = models.ForeignKey(TrackDiscovery, on_delete=models.CASCADE, related_name="job_items")

    class Meta(JobItem.Meta):
        constraints = [
            *JobItem.Meta.constraints,
            models.UniqueConstraint(fields=["job", "discovery"], name="discoveryitem_unique_line"),
        ]
        indexes = [models.Index(fields=["job", "status", "position"], name="discoveryitem_job_status_idx")]

    def __str__(self) -> str:
        return str(self.discovery)


class StatisticsPeriod(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    ALL_TIME = "all_time", "All time"


class DiscoveryStatistics(models.Model):
    """A stored summary of discoveries over one period."""

    Period = StatisticsPeriod

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    period = models.CharField(max_length=10, choices=Period.choices, db_index=True)
    period_start = models.DateField()
    period_end = models.DateField()
    tracks_discovered = models.PositiveIntegerField(default=0)
    unique_artists = models.PositiveIntegerField(default=0)
    unique_labels = models.PositiveIntegerField(default=0)
    tracklists_processed = models.PositiveIntegerField(default=0)
    top_genres = models.JSONField(default=list, blank=True,
                                  help_text="The most discovered genres, each with its count.")
    sources = models.JSONField(default=dict, blank=True,
                               help_text="The mixes and DJs the period's discoveries came from, each with its count.")
    most_played = models.JSONField(default=list, blank=True,
                                   help_text="The library tracks heard in the most mixes, each with its count.")
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "period"]
        verbose_name = "discovery statistics"
        verbose_name_plural = "discovery statistics"
        constraints = [
            models.UniqueConstraint(fields=["period", "period_start"], name="statistics_unique_period"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                   name="statistics_period_order"),
            models.CheckConstraint(
                condition=Q(period__in=StatisticsPeriod.values), name="statistics_period_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_period_display()} from {self.period_start}"
