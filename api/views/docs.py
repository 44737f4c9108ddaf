"""The schema's error answers, declared once: every operation may answer 401, 403 and 429, and each names the rest."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse

from api.serializers.common import ErrorSerializer

WHY = {
    400: "The request is not valid: `fields` names each field that is not right, with why.",
    401: "No token, or one that is unknown or revoked.",
    403: "Your user lacks the permission this needs; the message names it.",
    404: "Nothing has that id.",
    409: "It conflicts with the row's state, or the Idempotency-Key was used with another request.",
    413: "The request or the file is too large.",
    429: "Too many requests; `Retry-After` says how many seconds to wait.",
    503: "A provider, the download source or the task broker is down or not set up; nothing was left half-made.",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Return the error responses of an operation: codes, and 401, 403 and 429, which every one may give."""
    return {code: OpenApiResponse(ErrorSerializer, description=WHY[code]) for code in sorted({*codes, 401, 403, 429})}
