"""The catalogue: recordings and the jobs that fetch their metadata."""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from common import dates
from common.text import count_text
from core.models import Job, JobItem
from providers.registry import id_fields
from tracks import keys
from tracks.genres import normalise_genre


def _unique_when_set(field: str) -> models.UniqueConstraint:
    # Provider ids are optional; an empty string means "not known", and many rows
    # may have that, but a known id belongs to one track only.
    return models.UniqueConstraint(
        fields=[field], condition=~Q(**{field: ""}), name=f"track_unique_{field}"
    )


def _provider_ids_model() -> type[models.Model]:
    """Return an abstract model with one id field per provider, as each provider class declares it."""
    attrs = {"__module__": __name__, "Meta": type("Meta", (), {"abstract": True})}
    for spec in id_fields():
        attrs[spec.field] = models.CharField(spec.label, max_length=spec.max_length, blank=True)
    return type("ProviderIds", (models.Model,), attrs)


ProviderIds = _provider_ids_model()
PROVIDER_ID_FIELDS = tuple(spec.field for spec in id_fields())
# Ids of what a recording belongs to, which a provider reports with it (MusicBrainz's release, release group,
# artists and album artists); the lists are in credit order.
RELATED_ID_FIELDS = (
    "musicbrainz_release_id", "musicbrainz_release_group_id", "musicbrainz_artist_ids", "musicbrainz_album_artist_ids",
)


class DatePrecision(models.TextChoices):
    YEAR = dates.YEAR, "Year"
    MONTH = dates.MONTH, "Month"
    DAY = dates.DAY, "Day"


class Track(ProviderIds):
    """One recording as the providers describe it, and its local file if there is one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=500,
                             help_text="The title without its version: “Strobe”, not “Strobe (Club Edit)”.")
    version = models.CharField(
        max_length=300, blank=True,
        help_text="The mix name (“Extended Mix”, “Bicep Remix”, “Live”); “Title (X Remix)” and “Title” are two tracks.",
    )
    remixers = models.JSONField(default=list, blank=True, help_text="Who made this version, one name each.")
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
    catalog_number = models.CharField("catalogue number", max_length=100, blank=True)
    isrc = models.CharField("ISRC", max_length=12, blank=True)
    release_date = models.DateField(null=True, blank=True)
    release_date_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY,
        help_text="How much of the release date the source gave: a year stays a year.",
    )
    duration = models.PositiveIntegerField(
        null=True, blank=True, help_text="Length in seconds."
    )
    genre = models.CharField(max_length=200, blank=True)
    bpm = models.DecimalField("BPM", max_digits=6, decimal_places=2, null=True, blank=True)
    key = models.CharField(max_length=20, blank=True, help_text='Musical key, e.g. "A minor" or "8A".')
    key_wheel = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False,
        help_text="The key's place on the Camelot wheel (1A=1 … 12B=24), kept from key for sorting and filtering.",
    )
    track_number = models.PositiveSmallIntegerField(null=True, blank=True)
    disc_number = models.PositiveSmallIntegerField(null=True, blank=True)
    artwork_url = models.URLField(max_length=1000, blank=True)
    # What the recording belongs to on MusicBrainz (the release its album comes from), written into the file's tags
    # under Picard's names.
    musicbrainz_release_id = models.CharField("MusicBrainz release", max_length=36, blank=True)
    musicbrainz_release_group_id = models.CharField("MusicBrainz release group", max_length=36, blank=True)
    musicbrainz_artist_ids = models.JSONField("MusicBrainz artists", default=list, blank=True)
    musicbrainz_album_artist_ids = models.JSONField("MusicBrainz album artists", default=list, blank=True)

    metadata_sources = models.JSONField(
        default=dict, blank=True,
        help_text='Where each field came from and when: {field: {"source": provider or "manual", "at": ISO time}}.',
    )
    metadata_fetched_at = models.DateTimeField(null=True, blank=True)
    audience = models.JSONField(default=dict, blank=True, help_text="Audience figures per platform.")
    audience_fetched_at = models.DateTimeField(null=True, blank=True)

    file_path = models.CharField(max_length=1000, blank=True, help_text="Absolute path of the local audio file.")
    file_format = models.CharField(max_length=10, blank=True, help_text='e.g. "flac", "mp3".')
    file_bitrate = models.PositiveIntegerField(null=True, blank=True, help_text="kbit/s")
    file_duration = models.FloatField(null=True, blank=True, help_text="Seconds, as read from the file.")
    file_sample_rate = models.PositiveIntegerField(null=True, blank=True, help_text="Hz")
    file_bit_depth = models.PositiveSmallIntegerField(null=True, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True, help_text="Bytes, when last read.")
    file_mtime_ns = models.BigIntegerField(
        null=True, blank=True, help_text="The file's modification time when last read; a scan skips unchanged files."
    )
    file_missing = models.BooleanField(default=False, help_text="The last scan did not find the file.")
    file_scanned_at = models.DateTimeField(null=True, blank=True)
    tags_out_of_date = models.BooleanField(
        default=False, help_text="The file's tags do not say what the catalogue says; “Write tags” tries again."
    )
    tags_error = models.CharField(max_length=500, blank=True, help_text="Why the last tag write failed.")
    tags_written_at = models.DateTimeField(null=True, blank=True)
    # Chromaprint (fpcalc -raw) of the file's first two minutes, for finding the same recording twice on disk
    # (crates.duplicates): the 32-bit items, little-endian, base64. Computed on request, never by a scan, which
    # clears it when the file changes.
    file_fingerprint = models.TextField(
        blank=True, editable=False, help_text="The file's Chromaprint fingerprint (fpcalc -raw), base64.",
    )
    file_fingerprint_key = models.CharField(
        max_length=64, blank=True, editable=False,
        help_text="The fingerprint in brief: how often each of its 32 bits is set, one hex byte each; files whose "
                  "briefs are close are compared in full.",
    )
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(5)],
        help_text="Your rating, 0 to 5 stars (from Rekordbox, and written back to it).",
    )

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        # Every sortable column of the track list, with the id Django adds as a tiebreak
        # (ORDER BY column, id DESC): a sorted page of 100,000 tracks reads its 100 rows
        # from an index even where many share a value (a label, a genre, "not fetched").
        indexes = [
            models.Index(fields=[field, "-id"], name=f"track_{field}_idx")
            for field in (
                "title", "credit_name", "album", "label", "genre", "bpm", "key_wheel", "duration", "release_date",
                "isrc", "file_path", "metadata_fetched_at",
            )
        ]
        constraints = [
            *(_unique_when_set(name) for name in PROVIDER_ID_FIELDS),
            models.CheckConstraint(condition=Q(bpm__isnull=True) | Q(bpm__gt=0), name="track_bpm_positive"),
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__lte=5), name="track_rating_0_5"),
        ]

    def __str__(self) -> str:
        return f"{self.credit_name} - {self.full_title}" if self.credit_name else self.full_title

    @property
    def full_title(self) -> str:
        """The title as DJs file it: "Strobe (Club Edit)"."""
        return f"{self.title} ({self.version})" if self.version else self.title

    @property
    def release_date_text(self) -> str:
        """The release date to the precision it is known: "2000", "March 2000" or "29 March 2000"."""
        return dates.date_text(self.release_date, self.release_date_precision)

    def save(self, *args, **kwargs):
        # key_wheel follows key however the key was written ("A minor", "Am", "8A"); a genre has one spelling.
        self.key_wheel = keys.wheel_index(self.key)
        self.genre = normalise_genre(self.genre)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "key" in update_fields:
            kwargs["update_fields"] = {*update_fields, "key_wheel"}
        super().save(*args, **kwargs)


class FetchTaskType(models.TextChoices):
    METADATA = "metadata", "Metadata"
    AUDIENCE = "audience", "Audience"
    BULK_METADATA = "bulk_metadata", "Bulk metadata"
    BULK_AUDIENCE = "bulk_audience", "Bulk audience"


class MetadataFetchTask(Job):
    """One job that fetches metadata or audience figures for up to BULK_CHUNK tracks."""

    TaskType = FetchTaskType
    handler = "tracks.jobs.MetadataFetchHandler"

    kind = models.CharField(max_length=20, choices=FetchTaskType.choices, default=FetchTaskType.BULK_METADATA)
    tracks = models.ManyToManyField(Track, through="MetadataFetchTaskItem", related_name="fetch_tasks", blank=True)
    provider = models.CharField(
        max_length=30, blank=True, help_text="Ask only this provider; empty asks every enabled one in order."
    )
    force_refresh = models.BooleanField(default=False, help_text="Bypass the provider cache.")

    class Meta(Job.Meta):
        verbose_name = "metadata fetch task"
        constraints = [
            *Job.Meta.constraints,
            models.CheckConstraint(condition=Q(kind__in=FetchTaskType.values), name="fetchtask_kind_valid"),
        ]

    def __str__(self) -> str:
        # No counts or status here: they would go stale on a page the progress component keeps live.
        started = timezone.localtime(self.created_at).strftime("%Y-%m-%d %H:%M") if self.created_at else "new"
        return f"{self.get_kind_display()} of {count_text(self.total, 'track')} ({started})"

    @property
    def is_audience(self) -> bool:
        return self.kind in (FetchTaskType.AUDIENCE, FetchTaskType.BULK_AUDIENCE)


class MetadataFetchTaskItem(JobItem):
    """One track of one fetch task."""

    job = models.ForeignKey(MetadataFetchTask, on_delete=models.CASCADE, related_name="items")
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="fetch_items")

    class Meta(JobItem.Meta):
        constraints = [
            *JobItem.Meta.constraints,
            models.UniqueConstraint(fields=["job", "track"], name="fetchitem_unique_track"),
        ]
        indexes = [models.Index(fields=["job", "status", "position"], name="fetchitem_task_status_idx")]

    def __str__(self) -> str:
        return str(self.track)
