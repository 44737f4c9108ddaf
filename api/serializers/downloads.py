"""A download's shape: its state and progress, the files found and why each scored as it did."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.common import JobSerializer, iso
from downloads.models import Download, DownloadState
from downloads.quality import Quality


class DownloadCandidateSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="The peer that shares it.")
    filename = serializers.CharField(help_text="Its path at the peer; a choice names it with username.")
    format = serializers.CharField(allow_blank=True)
    bitrate = serializers.IntegerField(allow_null=True)
    duration = serializers.IntegerField(allow_null=True)
    size = serializers.IntegerField(allow_null=True)
    quality = serializers.CharField(allow_blank=True)
    score = serializers.FloatField(allow_null=True)
    meets_quality = serializers.BooleanField()
    confident = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    source = serializers.CharField(allow_blank=True)


class DownloadSerializer(serializers.Serializer):
    """A download as a list shows it."""

    id = serializers.UUIDField()
    track_id = serializers.UUIDField()
    track = serializers.CharField(help_text="“Artist - Title (Version)”.")
    quality = serializers.ChoiceField(choices=Quality.choices)
    state = serializers.ChoiceField(choices=DownloadState.choices)
    state_display = serializers.CharField()
    awaiting_choice = serializers.BooleanField(help_text="It waits for a person: POST …/input/ a file or a query.")
    source = serializers.CharField(allow_blank=True)
    query = serializers.CharField(allow_blank=True)
    candidates_found = serializers.IntegerField(help_text="Files the last search found.")
    progress = serializers.IntegerField(min_value=0, max_value=100)
    bytes_transferred = serializers.IntegerField()
    speed = serializers.IntegerField(help_text="Bytes per second.")
    place_in_queue = serializers.IntegerField(allow_null=True)
    chosen_file = serializers.CharField(allow_blank=True)
    chosen_by_person = serializers.BooleanField()
    file_path = serializers.CharField(allow_blank=True)
    file_format = serializers.CharField(allow_blank=True)
    file_bitrate = serializers.IntegerField(allow_null=True)
    note = serializers.CharField(allow_blank=True, help_text="Why it failed, or what it waits for.")
    job_id = serializers.UUIDField(allow_null=True, help_text="The job that moves it now.")
    started_by = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, download: Download) -> dict:
        return {
            "id": str(download.pk), "track_id": str(download.track_id), "track": str(download.track),
            "quality": download.quality, "state": download.state, "state_display": download.get_state_display(),
            "awaiting_choice": download.state == DownloadState.AWAITING_CHOICE, "source": download.source,
            "query": download.query, "candidates_found": download.candidates_found, "progress": download.progress,
            "bytes_transferred": download.bytes_transferred, "speed": download.speed,
            "place_in_queue": download.place_in_queue, "chosen_file": download.chosen_name,
            "chosen_by_person": download.chosen_by_person, "file_path": download.file_path,
            "file_format": download.file_format, "file_bitrate": download.file_bitrate, "note": download.error,
            "job_id": str(download.job_id) if download.job_id else None, "started_by": download.started_by,
            "created_at": iso(download.created_at), "updated_at": iso(download.updated_at),
            "finished_at": iso(download.finished_at),
        }


def _candidate(kept) -> dict:
    kept = kept if isinstance(kept, dict) else {}

    def number(name, cast=int):
        value = kept.get(name)
        return cast(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    return {
        "username": str(kept.get("username") or ""), "filename": str(kept.get("filename") or ""),
        "format": str(kept.get("format") or ""), "bitrate": number("bitrate"), "duration": number("duration"),
        "size": number("size"), "quality": str(kept.get("quality") or ""), "score": number("score", float),
        "meets_quality": kept.get("meets_quality") is True, "confident": kept.get("confident") is True,
        "reasons": [str(reason) for reason in kept.get("reasons") or []], "source": str(kept.get("source") or ""),
    }


class TriedSerializer(serializers.Serializer):
    filename = serializers.CharField(allow_blank=True)
    username = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)


class DownloadDetailSerializer(DownloadSerializer):
    """A download in full: the files found, those tried and why each was given up, and every search made."""

    candidates = DownloadCandidateSerializer(many=True)
    tried = TriedSerializer(many=True)
    queries = serializers.ListField(child=serializers.DictField(), help_text="Every search made, in order.")

    def to_representation(self, download: Download) -> dict:
        return {
            **super().to_representation(download),
            "candidates": [_candidate(kept) for kept in download.candidates or []],
            "tried": [{"filename": str(t.get("filename", "")), "username": str(t.get("username", "")),
                       "reason": str(t.get("reason", ""))} for t in download.tried or [] if isinstance(t, dict)],
            "queries": [entry for entry in download.queries or [] if isinstance(entry, dict)],
        }


class ChoiceSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=500)
    filename = serializers.CharField(max_length=2000)


class DownloadInputSerializer(serializers.Serializer):
    """A person's answer to a download awaiting a choice: one of the files listed, or a new search."""

    choice = ChoiceSerializer(required=False, help_text="A file from the download's candidates.")
    query = serializers.CharField(required=False, max_length=500,
                                  help_text="Words to search Soulseek for again, or a link for yt-dlp.")

    def validate(self, data):
        if ("choice" in data) == ("query" in data):
            raise serializers.ValidationError("Send either a choice (username and filename) or a query, not both.")
        return data


class DownloadInputAnswerSerializer(serializers.Serializer):
    download = DownloadSerializer()
    job = JobSerializer(help_text="The job that now moves it.")
    message = serializers.CharField()


class DownloadCancelledSerializer(serializers.Serializer):
    cancelled = serializers.BooleanField(help_text="False when it was cancelled already.")
    download = DownloadSerializer()
    message = serializers.CharField()
