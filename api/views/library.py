"""The library over HTTP: library tracks listed and read, identified again, their purchase links and refresh,
and the library export."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.errors import Conflict, broker_unavailable, provider_unavailable
from api.filters import LibraryTrackFilter
from api.idempotency import idempotent
from api.pagination import CursorPage
from api.serializers.common import JobSerializer
from api.serializers.library import (
    IdentifiedSerializer,
    LibraryTrackDetailSerializer,
    LibraryTrackSerializer,
    LineSerializer,
)
from api.serializers.wantlist import PurchaseLinksSerializer, link
from api.views.base import ApiView, ApiViewSet, started_by
from api.views.docs import errors
from core import exports
from core.queue import BrokerUnavailable
from library import exports as library_exports
from library import services
from library.models import DiscoveryStatus, LibraryTrack
from providers.base import ProviderError
from wantlist import services as want_services

VIEW, CHANGE = "library.view_librarytrack", "library.change_librarytrack"
WANT_CHANGE = "wantlist.change_wantlist"


class LinksRefreshSerializer(serializers.Serializer):
    created = serializers.BooleanField(help_text="False when a job was asking the stores about it already.")
    job = JobSerializer()
    message = serializers.CharField()


class LibraryTrackViewSet(ApiViewSet):
    queryset = LibraryTrack.objects.select_related("track", "want")
    filterset_class = LibraryTrackFilter
    pagination_class = CursorPage
    cursor_ordering = ("-added_at", "-id")
    serializer_class = LibraryTrackSerializer
    perms = {
        "list": [VIEW], "retrieve": [VIEW], "identify": [VIEW, CHANGE, "library.change_trackdiscovery"],
        "purchase_links": [VIEW, "wantlist.view_wantlist"], "refresh_purchase_links": [VIEW, WANT_CHANGE],
    }

    @extend_schema(summary="List library tracks", responses={200: LibraryTrackSerializer(many=True), **errors(400)})
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(LibraryTrackSerializer(page, many=True).data)

    @extend_schema(summary="A library track, the mixes it was heard in and its lines",
                   responses={200: LibraryTrackDetailSerializer, **errors(404)})
    def retrieve(self, request, pk=None):
        return Response(LibraryTrackDetailSerializer(self.get_object()).data)

    @extend_schema(
        summary="Identify a library track again, now",
        description="From the tracklist line it was last heard as, asking the providers afresh, by discovery's rule. "
        "A recording found for sure takes the line, and a provisional entry is merged into it. A track with no "
        "such line (from a scan, or decided by a person) is a 409.",
        request=None, responses={200: IdentifiedSerializer, **errors(404, 409, 503)},
    )
    @idempotent
    def identify(self, request, pk=None):
        entry = self.get_object()
        try:
            found = services.library_track_identify(library_track=entry)
        except ValueError as exc:
            raise Conflict(str(exc)) from None
        except ProviderError as exc:
            raise provider_unavailable(exc) from None
        words = {DiscoveryStatus.IDENTIFIED: "Identified", DiscoveryStatus.NEEDS_REVIEW:
                 "A close call: it waits in the review queue with its candidates",
                 DiscoveryStatus.PROVISIONAL: "Not found anywhere: it stays provisional"}
        message = words.get(found.status, f"Now {found.status}") + (
            "; the provisional entry was merged into the recording found." if found.merged else ".")
        return Response({
            "status": found.status, "merged": found.merged,
            "library_track": LibraryTrackSerializer(found.library_track).data,
            "line": LineSerializer(found.line, context={"with_candidates": True}).data, "message": message,
        })

    @extend_schema(summary="Where to buy a library track", responses={200: PurchaseLinksSerializer, **errors(404)})
    def purchase_links(self, request, pk=None):
        entry = self.get_object()
        want = getattr(entry, "want", None)
        links = [link(kept) for kept in want_services.links_sorted(want.purchase_links if want else [])
                 if isinstance(kept, dict) and kept.get("url")]
        return Response({
            "library_track_id": str(entry.pk), "wanted": want is not None, "want_id": str(want.pk) if want else None,
            "links": links,
            "fetched_at": (want.purchase_links_fetched_at.isoformat()
                           if want and want.purchase_links_fetched_at else None),
            "errors": [str(error) for error in want.purchase_links_errors] if want else [],
        })

    @extend_schema(
        summary="Ask the stores again about a wanted library track",
        description="A job, like the admin's refresh; asking again while it runs answers that job. A track not on "
        "the want list is a 409: its links are kept on its want-list entry.",
        request=None, responses={202: LinksRefreshSerializer, 200: LinksRefreshSerializer, **errors(404, 409, 503)},
    )
    @idempotent
    def refresh_purchase_links(self, request, pk=None):
        entry = self.get_object()
        want = getattr(entry, "want", None)
        if want is None:
            raise Conflict(f"“{entry}” is not on the want list; add it first (POST /api/v1/want-list/): purchase "
                           "links are kept for wanted tracks.")
        try:
            job, created = want_services.want_purchase_links_refresh(want=want, started_by=started_by(request))
        except BrokerUnavailable as exc:
            raise broker_unavailable(exc) from None
        message = "Asking the stores." if created else "The stores are being asked already: this is the job doing it."
        return Response({"created": created, "job": JobSerializer(job).data, "message": message},
                        status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK,
                        headers={"Location": f"/api/v1/jobs/{job.pk}/"})


EXPORT_RESPONSES = {
    (200, content_type): OpenApiResponse(
        {"type": "array", "items": {"type": "object", "additionalProperties": True}} if fmt == "json"
        else OpenApiTypes.BINARY if fmt == "xlsx" else OpenApiTypes.STR,
        description=f"The export as {fmt}: {'one object per track' if fmt == 'json' else 'a file'}.",
    )
    for fmt, content_type in exports.CONTENT_TYPES.items()
}


def export_format(request) -> str:
    fmt = request.query_params.get("format", "csv")
    try:
        return exports.check_format(fmt)
    except exports.ExportError as exc:
        raise ValidationError({"format": [str(exc)]}) from None


class ExportQuery(serializers.Serializer):
    format = serializers.ChoiceField(choices=list(exports.FORMATS), default="csv")
    genre = serializers.CharField(required=False, help_text="Only tracks of this genre (any spelling).")
    discovered_after = serializers.DateField(required=False, help_text="First discovered on or after this day.")


class LibraryExportView(ApiView):
    perms = {"GET": [VIEW]}

    @extend_schema(summary="Export the library", parameters=[ExportQuery],
                   responses={**EXPORT_RESPONSES, **errors(400)})
    def get(self, request):
        export_format(request)
        asked = ExportQuery(data=request.query_params)
        asked.is_valid(raise_exception=True)
        fmt = asked.validated_data["format"]
        queryset = library_exports.library_queryset(
            genre=asked.validated_data.get("genre"), discovered_after=asked.validated_data.get("discovered_after"),
        ).order_by("-added_at")
        return exports.streaming_response(
            rows=library_exports.rows(queryset), columns=library_exports.columns(), fmt=fmt,
            filename=exports.export_filename(library_exports.EXPORT_NAME, fmt), sheet_title=library_exports.EXPORT_NAME,
        )

