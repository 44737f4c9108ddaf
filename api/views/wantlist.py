"""The want list over HTTP: list, add (from a library track, a catalogue track or a line), read, change, remove,
and export; adding and changing go through the same services as the admin (wantlist.services)."""

from __future__ import annotations

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.errors import Conflict
from api.filters import WantFilter
from api.idempotency import idempotent
from api.pagination import NumberedPage
from api.serializers.wantlist import (
    WantAddedSerializer,
    WantCreateSerializer,
    WantSerializer,
    WantUpdateSerializer,
)
from api.views.base import ApiView, ApiViewSet
from api.views.docs import errors
from api.views.library import EXPORT_RESPONSES, export_format
from core import exports
from library.models import LibraryTrack, TrackDiscovery
from tracks.models import Track
from wantlist import exports as wantlist_exports
from wantlist import services
from wantlist.models import WantList, WantStatus

VIEW, ADD, CHANGE, DELETE = (f"wantlist.{action}_wantlist" for action in ("view", "add", "change", "delete"))


class WantViewSet(ApiViewSet):
    queryset = WantList.objects.select_related("library_track__track", "found_in")
    filterset_class = WantFilter
    pagination_class = NumberedPage
    serializer_class = WantSerializer
    perms = {"list": [VIEW], "retrieve": [VIEW], "create": [VIEW, ADD], "update": [VIEW, CHANGE],
             "partial_update": [VIEW, CHANGE], "destroy": [VIEW, DELETE]}

    def get_queryset(self):
        return super().get_queryset().order_by("priority", "-added_at", "-id")

    @extend_schema(summary="The want list, most wanted first", responses={200: WantSerializer(many=True),
                                                                          **errors(400, 404)})
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(WantSerializer(page, many=True).data)

    @extend_schema(
        summary="Want a track",
        description="From a library track, a catalogue track (it joins the library) or a tracklist line (a close call "
        "gets a provisional library track; the want follows the recording a person accepts later). Wanting what is "
        "wanted already changes only what was asked (200, `created: false`). A full want list (WANTLIST_MAX) is a 409.",
        request=WantCreateSerializer, responses={201: WantAddedSerializer, 200: WantAddedSerializer,
                                                 **errors(400, 404, 409)},
    )
    @idempotent
    def create(self, request):
        given = WantCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        found_in = None
        with transaction.atomic():
            if "library_track_id" in data:
                entry = get_object_or_404(LibraryTrack, pk=data["library_track_id"])
            elif "track_id" in data:
                entry = services.library_track_for_track(track=get_object_or_404(Track, pk=data["track_id"]))
            else:
                line = get_object_or_404(TrackDiscovery.objects.select_related("tracklist", "library_track"),
                                         pk=data["line_id"])
                try:
                    entry = services.library_track_for_line(discovery=line)
                except ValueError as exc:
                    raise ValidationError({"line_id": [str(exc)]}) from None
                found_in = line.tracklist
            try:
                added = services.wants_add(library_tracks=[entry], priority=data.get("priority"),
                                           notes=data.get("notes"), found_in=found_in)
            except services.WantListFull as exc:
                raise Conflict(str(exc)) from None
        want = self.get_queryset().get(library_track=entry)
        return Response(
            {"created": bool(added.created), "want": WantSerializer(want).data, "message": added.summary()},
            status=status.HTTP_201_CREATED if added.created else status.HTTP_200_OK,
            headers={"Location": f"/api/v1/want-list/{want.pk}/"},
        )

    @extend_schema(summary="A wanted track", responses={200: WantSerializer, **errors(404)})
    def retrieve(self, request, pk=None):
        return Response(WantSerializer(self.get_object()).data)

    def _update(self, request, partial: bool):
        want = self.get_object()
        given = WantUpdateSerializer(data=request.data, partial=partial)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        if not partial:
            data = {"priority": data.get("priority", 3), "status": data.get("status", WantStatus.WANTED),
                    "notes": data.get("notes", "")}
        try:
            services.want_update(want=want, **data)
        except ValueError as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from None
        return Response(WantSerializer(self.get_queryset().get(pk=want.pk)).data)

    @extend_schema(summary="Replace what a person may change of a wanted track (unsent fields take their defaults)",
                   request=WantUpdateSerializer, responses={200: WantSerializer, **errors(400, 404)})
    def update(self, request, pk=None):
        return self._update(request, partial=False)

    @extend_schema(summary="Change a wanted track's priority, status or notes", request=WantUpdateSerializer,
                   responses={200: WantSerializer, **errors(400, 404)})
    def partial_update(self, request, pk=None):
        return self._update(request, partial=True)

    @extend_schema(summary="Remove a track from the want list", responses={204: None, **errors(404)})
    def destroy(self, request, pk=None):
        self.get_object().delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class WantExportQuery(serializers.Serializer):
    format = serializers.ChoiceField(choices=list(exports.FORMATS), default="csv")
    status = serializers.ChoiceField(choices=WantStatus.choices, required=False)
    priority = serializers.IntegerField(min_value=1, max_value=5, required=False)
    genre = serializers.CharField(required=False)
    discovered_after = serializers.DateField(required=False)


class WantExportView(ApiView):
    perms = {"GET": [VIEW]}

    @extend_schema(summary="Export the want list", parameters=[WantExportQuery],
                   responses={**EXPORT_RESPONSES, **errors(400)})
    def get(self, request):
        export_format(request)
        asked = WantExportQuery(data=request.query_params)
        asked.is_valid(raise_exception=True)
        options = dict(asked.validated_data)
        fmt = options.pop("format")
        queryset = wantlist_exports.wantlist_queryset(**options).order_by("priority", "-added_at")
        return exports.streaming_response(
            rows=wantlist_exports.rows(queryset), columns=wantlist_exports.columns(), fmt=fmt,
            filename=exports.export_filename(wantlist_exports.EXPORT_NAME, fmt),
            sheet_title=wantlist_exports.EXPORT_NAME,
        )
