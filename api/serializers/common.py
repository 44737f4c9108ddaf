"""Shapes shared across the API: the error body, a job as every kind shows it, and a track in a list."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common import dates
from core import selectors
from core.jobs import label_of
from core.models import Job
from tracks import keys

# Each kind of job by a name a script can write; the model's label otherwise.
JOB_KINDS = {
    "tracks.metadatafetchtask": "metadata_fetch",
    "library.discoveryjob": "discovery",
    "wantlist.purchaselinksjob": "purchase_links",
    "downloads.downloadjob": "download",
    "audio.tagwritejob": "tag_write",
    "audio.scanjob": "scan",
}


def job_kind(job_or_model) -> str:
    model = job_or_model if isinstance(job_or_model, type) else type(job_or_model)
    label = label_of(model)
    return JOB_KINDS.get(label, label)


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="The HTTP status, again.")
    code = serializers.CharField(help_text="A word for programs: invalid, not_authenticated, permission_denied, "
                                           "not_found, conflict, too_large, throttled, unavailable, …")
    message = serializers.CharField(help_text="What went wrong and what to do, for a person.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text="For a 400: each field that is not right, with why.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class JobFailureSerializer(serializers.Serializer):
    item = serializers.CharField(help_text="What the failed item was about (a track, a line, a file).")
    error = serializers.CharField()


class JobSerializer(serializers.Serializer):
    """A background job of any kind: its status, counts, progress and failures."""

    id = serializers.UUIDField()
    kind = serializers.CharField(help_text="metadata_fetch, discovery, purchase_links, download, tag_write or scan.")
    kind_display = serializers.CharField()
    name = serializers.CharField(help_text="The job as the admin names it.")
    status = serializers.ChoiceField(choices=Job.Status.choices)
    status_text = serializers.CharField(help_text="The status in words: “Completed with 3 failures”, “Waiting for …”.")
    total = serializers.IntegerField()
    processed = serializers.IntegerField()
    succeeded = serializers.IntegerField()
    failed = serializers.IntegerField()
    percent = serializers.IntegerField(min_value=0, max_value=100)
    finished = serializers.BooleanField()
    waiting_until = serializers.DateTimeField(allow_null=True)
    waiting_reason = serializers.CharField(allow_blank=True)
    last_error = serializers.CharField(allow_blank=True)
    started_by = serializers.CharField(allow_blank=True)
    runs = serializers.IntegerField()
    can_cancel = serializers.BooleanField()
    can_retry = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    heartbeat_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField(help_text="This job's address in the API.")
    failures = JobFailureSerializer(many=True, required=False, help_text="On a job's own page: its failed items.")

    def to_representation(self, job: Job) -> dict:
        progress = selectors.job_progress(job, with_failures=bool(self.context.get("with_failures")))
        data = {
            "id": str(job.pk), "kind": job_kind(job), "kind_display": str(job._meta.verbose_name), "name": str(job),
            "status": job.status, "status_text": progress["status_text"], "total": job.total,
            "processed": job.processed, "succeeded": job.succeeded, "failed": job.failed,
            "percent": progress["percent"], "finished": job.is_finished,
            "waiting_until": iso(job.waiting_until) if job.status == Job.Status.WAITING else None,
            "waiting_reason": progress["waiting_reason"], "last_error": job.last_error, "started_by": job.started_by,
            "runs": job.runs, "can_cancel": progress["can_cancel"], "can_retry": progress["can_retry"],
            "created_at": iso(job.created_at), "started_at": iso(job.started_at), "heartbeat_at": iso(job.heartbeat_at),
            "finished_at": iso(job.finished_at), "url": f"/api/v1/jobs/{job.pk}/",
        }
        if self.context.get("with_failures"):
            data["failures"] = [{"item": row["item"], "error": row["error"]} for row in progress["failures"]]
        return data


def iso(value) -> str | None:
    """Return a moment in ISO 8601 in the site's time zone, or None."""
    return timezone.localtime(value).isoformat() if value else None


@extend_schema_field({"type": "string", "nullable": True, "example": "2019-03",
                      "description": "ISO 8601 to the precision known: 2019, 2019-03 or 2019-03-29."})
class ReleaseDateField(serializers.Field):
    """A track's release date to the precision its source gave: "2019", "2019-03" or "2019-03-29"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, track):
        return dates.date_input(track.release_date, track.release_date_precision) or None


class TrackSummarySerializer(serializers.Serializer):
    """A track as a list shows it."""

    id = serializers.UUIDField()
    artist = serializers.SerializerMethodField(help_text="The artists as credited.")
    title = serializers.CharField()
    version = serializers.CharField(help_text="The mix name: “Extended Mix”, “Bicep Remix”; empty for the original.")
    full_title = serializers.CharField(help_text="“Title (Version)”.")
    artists = serializers.ListField(child=serializers.CharField())
    album = serializers.CharField()
    label = serializers.CharField()
    genre = serializers.CharField()
    bpm = serializers.FloatField(allow_null=True)
    key = serializers.CharField()
    key_camelot = serializers.SerializerMethodField(help_text="The key on the Camelot wheel, such as 8A.")
    duration = serializers.IntegerField(allow_null=True, help_text="Seconds.")
    rating = serializers.IntegerField(allow_null=True, help_text="Yours, 0 to 5 stars; null when not rated.")
    release_date = ReleaseDateField()
    isrc = serializers.CharField()
    has_file = serializers.SerializerMethodField()
    file_format = serializers.CharField()
    file_bitrate = serializers.IntegerField(allow_null=True, help_text="kbit/s")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_artist(self, track) -> str:
        return track.credit_name or ", ".join(track.artists or [])

    def get_key_camelot(self, track) -> str | None:
        return keys.camelot(track.key)

    def get_has_file(self, track) -> bool:
        return bool(track.file_path)

