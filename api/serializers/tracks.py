"""The catalogue's shapes: a track in full, a person's edit, a Spotify hit, what enrich and download answer."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import JobSerializer, TrackSummarySerializer, iso
from api.serializers.downloads import DownloadSerializer
from providers.registry import id_fields
from tracks import metadata

# The fields a person may edit, as the admin's track form has them; ids, the ISRC and the file are the
# providers' and the music folder's (tracks.services.PROTECTED_FIELDS).
EDIT_HELP = {
    "artists": "Names in credit order.", "remixers": "Who made this version.", "duration": "Seconds.",
    "release_date": "2019, 2019-03 or 2019-03-29.", "bpm": "Beats per minute, 1 to 999.",
    "key": "“A minor”, “Am” or “8A”; stored as Camelot.", "version": "“Extended Mix”, “Bicep Remix”.",
}


class ProviderIdsSerializer(serializers.Serializer):
    def get_fields(self):
        return {spec.field: serializers.CharField(help_text=f"{spec.label}; empty when unknown.")
                for spec in id_fields()}


class FieldSourceSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="The provider that gave it, “manual” for a person's edit.")
    at = serializers.CharField(help_text="When, ISO 8601.")


class TrackFileSerializer(serializers.Serializer):
    path = serializers.CharField()
    format = serializers.CharField()
    bitrate = serializers.IntegerField(allow_null=True, help_text="kbit/s")
    duration = serializers.FloatField(allow_null=True, help_text="Seconds, as read from the file.")
    sample_rate = serializers.IntegerField(allow_null=True)
    bit_depth = serializers.IntegerField(allow_null=True)
    size = serializers.IntegerField(allow_null=True)
    missing = serializers.BooleanField(help_text="The last scan did not find it.")
    tags_out_of_date = serializers.BooleanField()
    tags_error = serializers.CharField(allow_blank=True)
    tags_written_at = serializers.DateTimeField(allow_null=True)


class TrackDownloadBriefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    quality = serializers.CharField()
    state = serializers.CharField()
    created_at = serializers.DateTimeField()


class TrackWantBriefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    priority = serializers.IntegerField()


class TrackDetailSerializer(TrackSummarySerializer):
    """A track in full: what the providers say, who said each field, its file and tags, and what it is part of."""

    remixers = serializers.ListField(child=serializers.CharField())
    credit_name = serializers.CharField()
    album_artist = serializers.CharField()
    catalog_number = serializers.CharField()
    release_date_precision = serializers.CharField(help_text="year, month or day.")
    track_number = serializers.IntegerField(allow_null=True)
    disc_number = serializers.IntegerField(allow_null=True)
    artwork_url = serializers.CharField()
    provider_ids = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField(help_text="Who gave each field, and when.")
    metadata_fetched_at = serializers.DateTimeField(allow_null=True)
    file = serializers.SerializerMethodField()
    library_track_id = serializers.SerializerMethodField()
    want = serializers.SerializerMethodField()
    downloads = serializers.SerializerMethodField(help_text="The latest downloads of it, newest first.")

    @extend_schema_field(ProviderIdsSerializer)
    def get_provider_ids(self, track):
        return {spec.field: getattr(track, spec.field) for spec in id_fields()}

    @extend_schema_field(serializers.DictField(child=FieldSourceSerializer()))
    def get_sources(self, track):
        sources = track.metadata_sources if isinstance(track.metadata_sources, dict) else {}
        return {name: {"source": metadata.source_of(entry), "at": str(entry.get("at", "")) if isinstance(entry, dict)
                       else ""} for name, entry in sources.items()}

    @extend_schema_field(TrackFileSerializer(allow_null=True))
    def get_file(self, track):
        if not track.file_path:
            return None
        return {
            "path": track.file_path, "format": track.file_format, "bitrate": track.file_bitrate,
            "duration": track.file_duration, "sample_rate": track.file_sample_rate, "bit_depth": track.file_bit_depth,
            "size": track.file_size, "missing": track.file_missing, "tags_out_of_date": track.tags_out_of_date,
            "tags_error": track.tags_error, "tags_written_at": iso(track.tags_written_at),
        }

    def _entry(self, track):
        try:
            return track.library_entry
        except ObjectDoesNotExist:  # not in the library
            return None

    def get_library_track_id(self, track) -> str | None:
        entry = self._entry(track)
        return str(entry.pk) if entry else None

    @extend_schema_field(TrackWantBriefSerializer(allow_null=True))
    def get_want(self, track):
        entry = self._entry(track)
        want = getattr(entry, "want", None) if entry else None
        return {"id": str(want.pk), "status": want.status, "priority": want.priority} if want else None

    @extend_schema_field(TrackDownloadBriefSerializer(many=True))
    def get_downloads(self, track):
        return [
            {"id": str(d.pk), "quality": d.quality, "state": d.state, "created_at": iso(d.created_at)}
            for d in track.downloads.order_by("-created_at")[:10]
        ]


class TrackEditSerializer(serializers.Serializer):
    """The fields of a track a person may edit; each is checked as the admin's form checks it."""

    title = serializers.CharField(required=False, allow_blank=False)
    version = serializers.CharField(required=False, allow_blank=True, help_text=EDIT_HELP["version"])
    remixers = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False,
                                     help_text=EDIT_HELP["remixers"])
    credit_name = serializers.CharField(required=False, allow_blank=True)
    artists = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False,
                                    help_text=EDIT_HELP["artists"])
    album = serializers.CharField(required=False, allow_blank=True)
    album_artist = serializers.CharField(required=False, allow_blank=True)
    label = serializers.CharField(required=False, allow_blank=True)
    catalog_number = serializers.CharField(required=False, allow_blank=True)
    release_date = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                         help_text=EDIT_HELP["release_date"])
    track_number = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=32767)
    disc_number = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=32767)
    genre = serializers.CharField(required=False, allow_blank=True)
    bpm = serializers.FloatField(required=False, allow_null=True, help_text=EDIT_HELP["bpm"])
    key = serializers.CharField(required=False, allow_blank=True, help_text=EDIT_HELP["key"])
    duration = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1,
                                        help_text=EDIT_HELP["duration"])
    rating = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=5,
                                      help_text="Yours, 0 to 5 stars; null: not rated.")
    artwork_url = serializers.CharField(required=False, allow_blank=True)


class TagsWrittenSerializer(serializers.Serializer):
    written = serializers.BooleanField()
    error = serializers.CharField(allow_blank=True, help_text="Why the file's tags were not written; the edit is kept.")


class TrackEditedSerializer(serializers.Serializer):
    updated_fields = serializers.ListField(child=serializers.CharField(), help_text="The fields that changed.")
    tags = TagsWrittenSerializer(allow_null=True, help_text="The file's tags: null when there is no file, or no "
                                                            "field the file holds changed.")
    message = serializers.CharField()
    track = TrackDetailSerializer()


class EnrichRequestSerializer(serializers.Serializer):
    force_refresh = serializers.BooleanField(default=False, help_text="Ask MusicBrainz again, bypassing the cache.")


class EnrichedSerializer(serializers.Serializer):
    enriched = serializers.BooleanField(help_text="False when MusicBrainz does not know the track.")
    enriched_fields = serializers.ListField(child=serializers.CharField())
    musicbrainz_id = serializers.CharField(allow_blank=True)
    errors = serializers.ListField(child=serializers.CharField())
    message = serializers.CharField()
    track = TrackDetailSerializer()


class SpotifyHitSerializer(serializers.Serializer):
    spotify_id = serializers.CharField()
    title = serializers.CharField()
    version = serializers.CharField(allow_blank=True)
    artists = serializers.ListField(child=serializers.CharField())
    album = serializers.CharField(allow_blank=True)
    duration = serializers.IntegerField(allow_null=True, help_text="Seconds.")
    isrc = serializers.CharField(allow_blank=True)
    release_date = serializers.CharField(allow_null=True)
    url = serializers.CharField(allow_blank=True)
    track_id = serializers.UUIDField(allow_null=True, help_text="The catalogue's track, when it is there already.")


class SpotifySearchSerializer(serializers.Serializer):
    query = serializers.CharField()
    results = SpotifyHitSerializer(many=True)


class SpotifyImportRequestSerializer(serializers.Serializer):
    spotify_ids = serializers.ListField(child=serializers.RegexField(r"^[0-9A-Za-z]{22}$", max_length=22),
                                        min_length=1, max_length=50, help_text="Spotify track ids, from a search.")


class ImportedSerializer(serializers.Serializer):
    created = TrackSummarySerializer(many=True)
    skipped = serializers.IntegerField(help_text="Already in the catalogue.")
    jobs = JobSerializer(many=True, help_text="The metadata fetches of the new tracks.")
    message = serializers.CharField()


class DownloadStartedSerializer(serializers.Serializer):
    created = serializers.BooleanField(help_text="False when a download of it at that quality was already under way.")
    download = DownloadSerializer(help_text="The download: its id, state and search-result count among the rest.")
    job = JobSerializer(allow_null=True)
    message = serializers.CharField()
