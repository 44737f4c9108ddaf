"""What every API view shares: a body-size limit, ETags on what it reads, and who started a job."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.utils.cache import get_conditional_response
from rest_framework import generics, viewsets
from rest_framework.response import Response

from api.errors import PayloadTooLarge


def started_by(request) -> str:
    """Return what a job started from this request records as its starter: the user's name, as the admin does."""
    return request.user.get_username() or "api"


class ApiMixin:
    """A body no larger than Django takes; on every GET that answers 200, an ETag and If-None-Match."""

    def initial(self, request, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit and length > limit:
            raise PayloadTooLarge(
                f"The request is {length / 1024 / 1024:.1f} MB; "
                f"the API takes at most {limit / 1024 / 1024:g} MB at once."
            )
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if (request.method in ("GET", "HEAD") and response.status_code == 200 and isinstance(response, Response)
                and not response.streaming):
            response.render()
            etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            response["ETag"] = etag
            conditional = get_conditional_response(request._request, etag=etag, response=response)
            if conditional is not response:
                conditional["ETag"] = etag
                return conditional
        return response


class ApiView(ApiMixin, generics.GenericAPIView):
    """One endpoint that is not a list or a row (a search, the statistics, an export)."""


class ApiViewSet(ApiMixin, viewsets.GenericViewSet):
    """The endpoints of one kind of row, each action mapped to its address in api/urls.py."""
