"""Discovery over HTTP: tracklists sent as text or a file, their lines identified by a job, the review queue
(accept a candidate, search again, mark unidentifiable), and the statistics, trends and sources."""

from __future__ import annotations

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.errors import Conflict, PayloadTooLarge, ServiceUnavailable, broker_unavailable, provider_unavailable
from api.filters import TracklistFilter
from api.idempotency import idempotent
from api.pagination import CursorPage, NumberedPage
from api.serializers.common import JobSerializer
from api.serializers.library import (
    DiscoverRequestSerializer,
    LibraryTrackSerializer,
    LineSerializer,
    TracklistCreateSerializer,
    TracklistDetailSerializer,
    TracklistSerializer,
)
from api.views.base import ApiViewSet, started_by
from api.views.docs import errors
from common.text import count_text, size_text
from core.queue import BrokerUnavailable
from library import selectors, services
from library.models import DiscoveryStatus, TrackDiscovery, Tracklist
from providers.base import ProviderError

VIEW, ADD, CHANGE = "library.view_tracklist", "library.add_tracklist", "library.change_tracklist"
LINE_VIEW, LINE_CHANGE = "library.view_trackdiscovery", "library.change_trackdiscovery"


class TracklistCreatedSerializer(serializers.Serializer):
    tracklists = TracklistDetailSerializer(many=True, help_text="One per mix the text or file holds.")
    jobs = JobSerializer(many=True, help_text="With discover: the jobs identifying their lines.")
    message = serializers.CharField()


class DiscoveryStartedSerializer(serializers.Serializer):
    created = serializers.BooleanField(help_text="False when a job was identifying those lines already.")
    job = JobSerializer()
    settled = serializers.ListField(child=serializers.IntegerField(),
                                    help_text="Positions asked for that are settled (unidentifiable, unparsed or "
                                              "decided by a person) and left alone.")
    message = serializers.CharField()


class TracklistViewSet(ApiViewSet):
    queryset = Tracklist.objects.all()
    filterset_class = TracklistFilter
    pagination_class = CursorPage
    cursor_ordering = ("-created_at", "-id")
    serializer_class = TracklistSerializer
    perms = {"list": [VIEW], "retrieve": [VIEW], "create": [ADD], "discover": [VIEW, CHANGE]}

    @extend_schema(summary="List tracklists", responses={200: TracklistSerializer(many=True), **errors(400)})
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(TracklistSerializer(page, many=True).data)

    @extend_schema(summary="A tracklist with its lines", responses={200: TracklistDetailSerializer, **errors(404)})
    def retrieve(self, request, pk=None):
        return Response(TracklistDetailSerializer(self.get_object()).data)

    @extend_schema(
        summary="Send a tracklist",
        description="As JSON with `text`, or as multipart with a `file` (.txt, .csv with artist and title columns, "
        f".cue), at most {services.TRACKLIST_MAX_TEXT}. Its lines are read at once; "
        "`discover` starts identifying them.",
        request={"application/json": TracklistCreateSerializer, "multipart/form-data": TracklistCreateSerializer},
        responses={201: TracklistCreatedSerializer, **errors(400, 413, 503)},
    )
    @idempotent
    def create(self, request):
        given = TracklistCreateSerializer(data=request.data)
        upload = request.data.get("file") if hasattr(request.data, "get") else None
        if upload is not None and getattr(upload, "size", 0) > services.TRACKLIST_MAX_BYTES:
            raise PayloadTooLarge(f"A tracklist is at most {services.TRACKLIST_MAX_TEXT}; this file is "
                                  f"{size_text(upload.size)}. Split it into smaller ones.")
        text = request.data.get("text") if hasattr(request.data, "get") else None
        if isinstance(text, str) and len(text.encode("utf-8", "replace")) > services.TRACKLIST_MAX_BYTES:
            raise PayloadTooLarge(f"A tracklist is at most {services.TRACKLIST_MAX_TEXT}; this one is "
                                  f"{size_text(len(text.encode('utf-8', 'replace')))}. Split it into smaller ones.")
        given.is_valid(raise_exception=True)
        data = given.validated_data
        facts = {"dj": data.get("dj", ""), "date": data.get("date"), "source_url": data.get("source_url", "")}
        with transaction.atomic():
            if data.get("file") is not None:
                try:
                    created = services.tracklists_import(filename=data["file"].name, data=data["file"].read(),
                                                         name=data.get("name", ""), **facts)
                except services.TracklistError as exc:
                    raise ValidationError({"file": [str(exc)]}) from None
            else:
                created = [services.tracklist_create(name=data["name"], raw_text=data["text"], **facts)]
        started = []
        if data["discover"]:
            try:
                started = [services.tracklist_discover(tracklist=tracklist, started_by=started_by(request)).job
                           for tracklist in created]
            except BrokerUnavailable as exc:
                # Nothing half-made: the tracklists go too (their failed jobs with them); send it again later.
                Tracklist.objects.filter(pk__in=[tracklist.pk for tracklist in created]).delete()
                raise ServiceUnavailable(f"{exc} The tracklist was not saved either.",
                                         code="broker_unavailable") from None
        lines = sum(tracklist.discoveries.count() for tracklist in created)
        message = f"Read {count_text(lines, 'line')} in {count_text(len(created), 'tracklist')}."
        if started:
            message += " Identifying them now."
        return Response(
            {"tracklists": TracklistDetailSerializer(created, many=True).data,
             "jobs": JobSerializer(started, many=True).data, "message": message},
            status=status.HTTP_201_CREATED, headers={"Location": f"/api/v1/tracklists/{created[0].pk}/"},
        )

    @extend_schema(
        summary="Identify a tracklist's lines",
        description="One job over every line identification looks at (`process_all`), or over the lines at "
        "`positions`. When a job is identifying those lines already, it is the answer (200, `created: false`).",
        request=DiscoverRequestSerializer,
        responses={202: DiscoveryStartedSerializer, 200: DiscoveryStartedSerializer, **errors(400, 404, 503)},
    )
    @idempotent
    def discover(self, request, pk=None):
        tracklist = self.get_object()
        given = DiscoverRequestSerializer(data=request.data if hasattr(request.data, "get") else {})
        given.is_valid(raise_exception=True)
        positions = given.validated_data.get("positions")
        try:
            started = services.tracklist_discover(
                tracklist=tracklist, positions=positions, force_refresh=given.validated_data["force_refresh"],
                started_by=started_by(request),
            )
        except ValueError as exc:
            raise ValidationError({"positions": [str(exc)]}) from None
        except BrokerUnavailable as exc:
            raise broker_unavailable(exc) from None
        job = started.job
        words = (f"Identifying {count_text(job.total, 'line')}." if started.created
                 else "Those lines are being identified already: this is the job doing it.")
        return Response(
            {"created": started.created, "job": JobSerializer(job).data, "settled": started.settled, "message": words},
            status=status.HTTP_202_ACCEPTED if started.created else status.HTTP_200_OK,
            headers={"Location": f"/api/v1/jobs/{job.pk}/"},
        )


class AcceptSerializer(serializers.Serializer):
    candidate = serializers.IntegerField(min_value=0, max_value=1000, help_text="The candidate's index on the line.")


class SearchAgainSerializer(serializers.Serializer):
    artist = serializers.CharField(max_length=500)
    title = serializers.CharField(max_length=500)
    version = serializers.CharField(max_length=300, required=False, allow_blank=True, default="",
                                    help_text="The remix, mix or edit; empty for the original.")


class DecidedSerializer(serializers.Serializer):
    line = LineSerializer()
    library_track = LibraryTrackSerializer(allow_null=True)
    message = serializers.CharField()


class ReviewViewSet(ApiViewSet):
    """The review queue: lines that are close calls, each with its candidates side by side."""

    pagination_class = NumberedPage
    serializer_class = LineSerializer
    perms = {"list": [LINE_VIEW], "accept": [LINE_VIEW, LINE_CHANGE], "unidentifiable": [LINE_VIEW, LINE_CHANGE],
             "search": [LINE_VIEW, LINE_CHANGE]}

    def get_queryset(self):
        return selectors.review_queue()

    def _line(self, pk) -> TrackDiscovery:
        return get_object_or_404(TrackDiscovery, pk=pk)

    def _decided(self, line: TrackDiscovery, message: str) -> Response:
        line.refresh_from_db()
        entry = line.library_track
        return Response({"line": LineSerializer(line, context={"with_candidates": True}).data,
                         "library_track": LibraryTrackSerializer(entry).data if entry else None, "message": message})

    @extend_schema(summary="The review queue", responses={200: LineSerializer(many=True), **errors(400, 404)})
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(LineSerializer(page, many=True, context={"with_candidates": True}).data)

    @extend_schema(summary="Accept one of a line's candidates", request=AcceptSerializer,
                   responses={200: DecidedSerializer, **errors(400, 404, 409)})
    @idempotent
    def accept(self, request, pk=None):
        line = self._line(pk)
        given = AcceptSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        if not line.candidates:
            raise Conflict(f"Line {line.position} has no candidates to accept; search again instead.")
        try:
            entry = services.discovery_accept(discovery=line, index=given.validated_data["candidate"])
        except ValueError as exc:
            raise ValidationError({"candidate": [str(exc)]}) from None
        return self._decided(line, f"Line {line.position} is “{entry}”, as you chose.")

    @extend_schema(summary="Mark a line unidentifiable", request=None,
                   responses={200: DecidedSerializer, **errors(404)})
    @idempotent
    def unidentifiable(self, request, pk=None):
        line = self._line(pk)
        services.discovery_mark_unidentifiable(discovery=line)
        return self._decided(line, f"Line {line.position} is marked unidentifiable; it will never be guessed.")

    @extend_schema(summary="Search again with a corrected artist, title and version", request=SearchAgainSerializer,
                   responses={200: DecidedSerializer, **errors(400, 404, 503)})
    @idempotent
    def search(self, request, pk=None):
        line = self._line(pk)
        given = SearchAgainSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            decided = services.discovery_search_again(discovery=line, **given.validated_data)
        except ProviderError as exc:
            raise provider_unavailable(exc) from None
        words = {DiscoveryStatus.IDENTIFIED: "identified", DiscoveryStatus.NEEDS_REVIEW: "still a close call",
                 DiscoveryStatus.PROVISIONAL: "not found anywhere: kept as a provisional library track"}
        return self._decided(line, f"Searched again: {words.get(decided, decided)}.")
