"""The catalogue over HTTP: tracks listed and read, a person's edit (which reaches the file's tags), MusicBrainz
enrichment, Spotify search and import, and a download at a quality."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.errors import ServiceUnavailable, broker_unavailable, provider_unavailable
from api.filters import TrackFilter
from api.idempotency import idempotent
from api.pagination import CursorPage
from api.serializers.common import JobSerializer, TrackSummarySerializer
from api.serializers.downloads import DownloadSerializer
from api.serializers.tracks import (
    DownloadStartedSerializer,
    EnrichedSerializer,
    EnrichRequestSerializer,
    ImportedSerializer,
    SpotifyImportRequestSerializer,
    SpotifySearchSerializer,
    TrackDetailSerializer,
    TrackEditedSerializer,
    TrackEditSerializer,
)
from api.views.base import ApiView, ApiViewSet, started_by
from api.views.docs import errors
from audio import tagging as audio_tagging
from core.queue import BrokerUnavailable
from downloads.quality import Quality
from downloads.starts import SourceUnavailable, downloads_request
from providers.base import ProviderError
from tracks import services
from tracks.forms import TrackForm
from tracks.models import Track

VIEW, CHANGE, ADD = "tracks.view_track", "tracks.change_track", "tracks.add_track"


class TrackViewSet(ApiViewSet):
    """Tracks in the catalogue."""

    queryset = Track.objects.all()
    filterset_class = TrackFilter
    pagination_class = CursorPage
    cursor_ordering = ("-created_at", "-id")
    lookup_field = "pk"
    perms = {
        "list": [VIEW], "retrieve": [VIEW], "metadata": [VIEW, CHANGE], "enrich": [VIEW, CHANGE],
        "download": [VIEW, "downloads.add_download"],
    }

    def get_serializer_class(self):
        return TrackSummarySerializer if self.action == "list" else TrackDetailSerializer

    @extend_schema(summary="List tracks", responses={200: TrackSummarySerializer(many=True), **errors(400)})
    def list(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(TrackSummarySerializer(page, many=True).data)

    @extend_schema(summary="A track's details", responses={200: TrackDetailSerializer, **errors(404)})
    def retrieve(self, request, pk=None):
        return Response(TrackDetailSerializer(self.get_object()).data)

    @extend_schema(
        summary="Edit a track's metadata (the file's tags follow)",
        description="Only the fields a person may edit; the ISRC, provider ids and the file's fields are refused by "
        "name. Each edited field is marked as yours, so no later fetch overwrites it. When the track has a file, "
        "its tags are written; a failed write keeps the edit and `tags.error` says why.",
        request=TrackEditSerializer, responses={200: TrackEditedSerializer, **errors(400, 404)},
    )
    def metadata(self, request, pk=None):
        track = self.get_object()
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": ["Send a JSON object of the fields to change."]})
        protected = sorted(name for name in request.data if name in services.PROTECTED_FIELDS)
        unknown = sorted(name for name in request.data
                         if name not in TrackEditSerializer().fields and name not in services.PROTECTED_FIELDS)
        problems = {name: ["Not yours to edit: the providers and the music folder write it."] for name in protected}
        problems.update({name: ["There is no such field to edit."] for name in unknown})
        if problems:
            raise ValidationError(problems)
        given = TrackEditSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        numbers = ("bpm", "duration", "track_number", "disc_number", "rating")  # None is None; for text it is ""
        values = {name: ("" if value is None and name not in numbers else value)
                  for name, value in given.validated_data.items()}
        form = TrackForm(data=values, instance=track)
        form.fields = {name: field for name, field in form.fields.items() if name in values}
        if not form.is_valid():
            raise ValidationError({name: list(messages) for name, messages in form.errors.items()})
        changed = list(form.changed_data)
        with transaction.atomic():
            if changed:
                services.track_fields_mark_manual(track=track, fields=changed)
                track = form.save()
        tags = audio_tagging.track_tags_after_edit(track=track, changed=changed) if changed else None
        track.refresh_from_db()
        if not changed:
            message = "Nothing changed: the track already says that."
        elif tags is None:
            message = "Saved."
        elif tags.written:
            message = "Saved, and the file's tags were written too."
        else:
            message = (f"Saved, but the file's tags were not written: {tags.error}. The track is marked “tags out of "
                       "date”; a tag write job tries again.")
        return Response({
            "updated_fields": changed, "tags": None if tags is None else {"written": tags.written, "error": tags.error},
            "message": message, "track": TrackDetailSerializer(track).data,
        })

    @extend_schema(
        summary="Enrich a track from MusicBrainz, now",
        description="Asks MusicBrainz by the track's MusicBrainz id, then its ISRC, then a search whose best hit must "
        "be the same recording. `enriched` is false (with a 200) when MusicBrainz does not know it.",
        request=EnrichRequestSerializer, responses={200: EnrichedSerializer, **errors(400, 404, 503)},
    )
    @idempotent
    def enrich(self, request, pk=None):
        track = self.get_object()
        given = EnrichRequestSerializer(data=request.data if isinstance(request.data, dict) else {})
        given.is_valid(raise_exception=True)
        try:
            outcome = services.track_metadata_fetch(
                track=track, provider="musicbrainz", force_refresh=given.validated_data["force_refresh"],
            )
        except services.NothingFound as exc:
            if exc.failed:
                raise ServiceUnavailable(f"MusicBrainz could not answer: {exc}. Try again in a minute.") from None
            track.refresh_from_db()
            return Response({
                "enriched": False, "enriched_fields": [], "musicbrainz_id": track.musicbrainz_recording_id,
                "errors": [], "message": str(exc), "track": TrackDetailSerializer(track).data,
            })
        changed = outcome.changed
        return Response({
            "enriched": True, "enriched_fields": changed, "musicbrainz_id": outcome.track.musicbrainz_recording_id,
            "errors": outcome.errors + [f"{note['provider']} calls it “{note['title']}”, another recording"
                                        for note in outcome.disagreements],
            "message": f"Changed: {', '.join(changed)}." if changed else "MusicBrainz knows it; nothing changed.",
            "track": TrackDetailSerializer(outcome.track).data,
        })

    @extend_schema(
        summary="Download a track at a quality",
        description="Starts a download job (Soulseek through slskd, then the fallbacks). Asking again while one at "
        "that quality is under way answers that download (200, `created: false`).",
        parameters=[OpenApiParameter("quality", enum=Quality.values, default=Quality.BEST)],
        request=None,
        responses={202: DownloadStartedSerializer, 200: DownloadStartedSerializer, **errors(400, 404, 503)},
    )
    @idempotent
    def download(self, request, pk=None):
        track = self.get_object()
        quality = request.query_params.get("quality", Quality.BEST)
        if quality not in Quality.values:
            raise ValidationError({"quality": [f"Choose one of {', '.join(Quality.values)}."]})
        try:
            requested = downloads_request(
                tracks=[track], quality=quality, started_by=started_by(request),
            )
        except SourceUnavailable as exc:
            raise ServiceUnavailable(f"No download was started: {exc}", code="source_unavailable") from None
        except BrokerUnavailable as exc:
            raise broker_unavailable(exc) from None
        created = bool(requested.created)
        download = (requested.created or requested.existing)[0]
        download.refresh_from_db()
        job = requested.job or download.job
        body = {
            "created": created, "download": DownloadSerializer(download).data,
            "job": JobSerializer(job).data if job else None, "message": requested.summary,
        }
        headers = {"Location": f"/api/v1/downloads/{download.pk}/"}
        return Response(body, status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK, headers=headers)


class SpotifySearchView(ApiView):
    perms = {"GET": [VIEW]}

    class Query(serializers.Serializer):
        query = serializers.CharField(max_length=200, help_text='A track name, "artist - title", or an ISRC.')
        limit = serializers.IntegerField(min_value=1, max_value=50, default=20)

    @extend_schema(summary="Search Spotify", parameters=[Query], responses={200: SpotifySearchSerializer,
                                                                            **errors(400, 503)})
    def get(self, request):
        asked = self.Query(data=request.query_params)
        asked.is_valid(raise_exception=True)
        try:
            found = services.spotify_search(query=asked.validated_data["query"], limit=asked.validated_data["limit"])
        except ProviderError as exc:
            raise provider_unavailable(exc) from None
        known = dict(Track.objects.filter(spotify_id__in=[hit.external_id for hit in found])
                     .values_list("spotify_id", "pk"))
        results = [{
            "spotify_id": hit.external_id, "title": hit.title, "version": hit.version, "artists": list(hit.artists),
            "album": hit.album, "duration": hit.duration, "isrc": hit.isrc,
            "release_date": hit.release_date.isoformat() if hit.release_date else None, "url": hit.url,
            "track_id": str(known[hit.external_id]) if hit.external_id in known else None,
        } for hit in found]
        return Response({"query": asked.validated_data["query"], "results": results})


class SpotifyImportView(ApiView):
    perms = {"POST": [ADD]}

    @extend_schema(summary="Import tracks found on Spotify", request=SpotifyImportRequestSerializer,
                   responses={201: ImportedSerializer, 200: ImportedSerializer, **errors(400, 503)})
    @idempotent
    def post(self, request):
        given = SpotifyImportRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            result = services.spotify_tracks_import(spotify_ids=given.validated_data["spotify_ids"],
                                                    started_by=started_by(request))
        except BrokerUnavailable as exc:
            raise ServiceUnavailable(f"The tracks were imported but their metadata fetch was not queued: {exc}",
                                     code="broker_unavailable") from None
        except ProviderError as exc:
            raise provider_unavailable(exc) from None
        body = {
            "created": TrackSummarySerializer(result.created, many=True).data, "skipped": result.skipped,
            "jobs": JobSerializer(result.jobs, many=True).data, "message": result.summary(),
        }
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)

