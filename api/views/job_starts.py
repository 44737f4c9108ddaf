"""POST /api/v1/jobs/: start the admin's bulk jobs by kind, through the same services as its actions and buttons:
metadata fetches (chosen tracks, or every stale one), tag writes, a scan of the music folder, purchase links."""

from __future__ import annotations

from rest_framework import serializers

from audio import scanning as audio_scanning
from audio import tagging as audio_tagging
from common.text import count_text
from config.schema import PROVIDER_NAMES
from tracks import services as track_services
from tracks.models import FetchTaskType, Track
from wantlist import services as want_services
from wantlist.models import WantList

# The permissions each kind needs, as the admin's actions and buttons ask for them.
START_PERMISSIONS = {
    "metadata_fetch": ["tracks.view_track", "tracks.change_track"],
    "tag_write": ["tracks.view_track", "tracks.change_track"],
    "scan": ["audio.add_scanjob", "tracks.change_track"],
    "purchase_links": ["wantlist.view_wantlist", "wantlist.change_wantlist"],
}
ID_LIMIT = 10_000


class JobStartSerializer(serializers.Serializer):
    """What to start: a kind, and what it works over."""

    kind = serializers.ChoiceField(choices=sorted(START_PERMISSIONS))
    track_ids = serializers.ListField(child=serializers.UUIDField(), required=False, min_length=1, max_length=ID_LIMIT,
                                      help_text="metadata_fetch and tag_write: the tracks.")
    want_ids = serializers.ListField(child=serializers.UUIDField(), required=False, min_length=1, max_length=ID_LIMIT,
                                     help_text="purchase_links: the want-list entries.")
    stale = serializers.BooleanField(default=False, help_text="metadata_fetch: every track with missing or stale "
                                     "metadata; purchase_links: every wanted track whose links are stale.")
    provider = serializers.ChoiceField(choices=["", *PROVIDER_NAMES], required=False,
                                       help_text="metadata_fetch: ask only this provider, e.g. musicbrainz.")
    force_refresh = serializers.BooleanField(default=False, help_text="Bypass the providers' cache.")
    audience = serializers.BooleanField(default=False, help_text="metadata_fetch: Soundcharts audience figures.")

    def validate(self, data):
        kind = data["kind"]
        if kind in ("metadata_fetch", "tag_write") and not data.get("track_ids") and not (
                kind == "metadata_fetch" and data["stale"]):
            raise serializers.ValidationError({"track_ids": ["Name the tracks" + (", or send stale: true."
                                                                                  if kind == "metadata_fetch"
                                                                                  else ".")]})
        if kind == "purchase_links" and not data.get("want_ids") and not data["stale"]:
            raise serializers.ValidationError({"want_ids": ["Name the want-list entries, or send stale: true."]})
        return data


class StartOutcome:
    """The jobs a start made (or found under way), and what to say."""

    def __init__(self, jobs: list, created: bool, message: str):
        self.jobs, self.created, self.message = jobs, created, message


def start_permissions(request, view) -> list[str]:
    kind = request.data.get("kind") if hasattr(request.data, "get") else None
    return START_PERMISSIONS.get(kind, []) if isinstance(kind, str) else []


def jobs_start(*, data: dict, started_by: str) -> StartOutcome:
    """Start the jobs data asks for; raise ValueError (a 400 or 409) or BrokerUnavailable (a 503) in words."""
    kind = data["kind"]
    if kind == "metadata_fetch":
        options = {"provider": data.get("provider") or "", "force_refresh": data["force_refresh"]}
        if data["audience"]:
            options.update(kind=FetchTaskType.BULK_AUDIENCE, provider="soundcharts")
        if data.get("track_ids"):
            ids = list(Track.objects.filter(pk__in=data["track_ids"]).values_list("pk", flat=True))
            _all_known(data["track_ids"], ids, "track")
            made = track_services.metadata_fetch_jobs_create(tracks=ids, started_by=started_by, **options)
        else:
            made = track_services.stale_tracks_fetch(started_by=started_by, provider=options["provider"],
                                                     force_refresh=options["force_refresh"])
        total = sum(job.total for job in made)
        return StartOutcome(made, True,
                            f"Started {count_text(len(made), 'job')} over {count_text(total, 'track')}." if made
                            else "No track has missing or stale metadata.")
    if kind == "tag_write":
        tracks = list(Track.objects.filter(pk__in=data["track_ids"]))
        _all_known(data["track_ids"], [track.pk for track in tracks], "track")
        job = audio_tagging.tag_write_jobs_create(tracks=tracks, started_by=started_by)
        if job is None:
            raise ValueError("None of them has a file; no tags to write.")
        return StartOutcome([job], True, f"Writing the tags of {count_text(job.total, 'file')}.")
    if kind == "scan":
        try:
            job = audio_scanning.scan_job_create(started_by=started_by)
        except audio_scanning.ScanAlreadyRunning as exc:
            return StartOutcome([exc.job], False, str(exc))
        except audio_scanning.ScanError as exc:
            raise ValueError(f"Nothing was scanned: {exc} (the music folder is the MUSIC_ROOT setting)") from None
        return StartOutcome([job], True, "Scanning the music folder.")
    if data.get("want_ids"):
        ids = list(WantList.objects.filter(pk__in=data["want_ids"]).values_list("pk", flat=True))
        _all_known(data["want_ids"], ids, "want-list entry")
        job = want_services.purchase_links_jobs_create(wants=ids, started_by=started_by,
                                                       force_refresh=data["force_refresh"])
    else:
        job = want_services.stale_purchase_links_refresh(started_by=started_by)
    return StartOutcome([job] if job else [], bool(job),
                        f"Asking the stores about {count_text(job.total, 'wanted track')}."
                        if job else "No wanted track has stale purchase links.")


def _all_known(asked, found, noun: str) -> None:
    missing = sorted({str(pk) for pk in asked} - {str(pk) for pk in found})
    if missing:
        raise LookupError(f"No {noun} has the id {', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}.")


