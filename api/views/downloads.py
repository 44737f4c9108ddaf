"""Downloads over HTTP: listed and read with their progress, a person's choice or new search while one waits,
and cancel. They start from a track (POST /api/v1/tracks/{id}/download/)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from api.errors import Conflict, broker_unavailable
from api.filters import DownloadFilter
from api.idempotency import idempotent
from api.pagination import CursorPage
from api.serializers.common import JobSerializer
from api.serializers.downloads import (
    DownloadCancelledSerializer,
    DownloadDetailSerializer,
    DownloadInputAnswerSerializer,
    DownloadInputSerializer,
    DownloadSerializer,
)
from api.views.base import ApiViewSet, started_by
from api.views.docs import errors
from core.queue import BrokerUnavailable
from downloads.models import Download, DownloadState
from downloads.moves import download_cancel
from downloads.starts import download_choose, download_search_again

VIEW, CHANGE = "downloads.view_download", "downloads.change_download"


class DownloadViewSet(ApiViewSet):
    queryset = Download.objects.select_related("track")
    filterset_class = DownloadFilter
    pagination_class = CursorPage
    cursor_ordering = ("-created_at", "-id")
    serializer_class = DownloadSerializer
    perms = {"list": [VIEW], "retrieve": [VIEW], "input": [VIEW, CHANGE], "cancel": [VIEW, CHANGE]}

    @extend_schema(summary="List downloads", responses={200: DownloadSerializer(many=True), **errors(400)})
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(DownloadSerializer(page, many=True).data)

    @extend_schema(summary="A download in full", responses={200: DownloadDetailSerializer, **errors(404)})
    def retrieve(self, request, pk=None):
        return Response(DownloadDetailSerializer(self.get_object()).data)

    @extend_schema(
        summary="Answer a download that awaits your choice",
        description="While a download is `awaiting_choice`: `{\"choice\": {\"username\", \"filename\"}}` downloads one "
        "of its candidates, `{\"query\": \"…\"}` searches again (a link goes to yt-dlp). Either starts a job of its "
        "own. Any other state is a 409.",
        request=DownloadInputSerializer, responses={202: DownloadInputAnswerSerializer, **errors(400, 404, 409, 503)},
    )
    @idempotent
    def input(self, request, pk=None):
        download = self.get_object()
        given = DownloadInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            if "choice" in given.validated_data:
                choice = given.validated_data["choice"]
                job = download_choose(download=download, username=choice["username"],
                                      filename=choice["filename"], started_by=started_by(request))
                message = f"Downloading “{download.chosen_name}”."
            else:
                job = download_search_again(download=download, query=given.validated_data["query"],
                                            started_by=started_by(request))
                message = f"Searching for “{download.query}”."
        except ValueError as exc:
            raise Conflict(str(exc)) from None
        except BrokerUnavailable as exc:
            raise broker_unavailable(exc) from None
        download.refresh_from_db()
        return Response(
            {"download": DownloadSerializer(download).data, "job": JobSerializer(job).data, "message": message},
            status=status.HTTP_202_ACCEPTED, headers={"Location": f"/api/v1/jobs/{job.pk}/"},
        )

    @extend_schema(
        summary="Cancel a download",
        description="Works in every state up to filing (and cancels slskd's transfer). Cancelling a cancelled "
        "download answers 200 with `cancelled: false`; a finished one, or one being filed, is a 409.",
        request=None, responses={200: DownloadCancelledSerializer, **errors(404, 409)},
    )
    @idempotent
    def cancel(self, request, pk=None):
        download = self.get_object()
        if download_cancel(download=download):
            download.refresh_from_db()
            return Response({"cancelled": True, "download": DownloadSerializer(download).data,
                             "message": "Cancelled the download."})
        download.refresh_from_db()
        if download.state == DownloadState.CANCELLED:
            return Response({"cancelled": False, "download": DownloadSerializer(download).data,
                             "message": "The download was cancelled already."})
        raise Conflict(f"The download is {download.get_state_display().lower()}: too late to cancel.")
