"""Every error the API gives, in one shape and in words: `{"error": {"status", "code", "message", "fields"}}`.

DRF's own errors, the features' exceptions (a provider down or not set up, the broker down, a full want list)
and anything unexpected become JSON with the right status; never an HTML page, never a traceback.
"""

from __future__ import annotations

import logging
import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

from common.redact import redact
from core.queue import BrokerUnavailable
from providers.base import ProviderDisabled, ProviderError, RateLimited, Unauthorized
from providers.registry import provider_label

logger = logging.getLogger(__name__)

MESSAGES = {
    exceptions.NotAuthenticated: "Send a token: `Authorization: Bearer <token>` (make one with "
    "`python manage.py api_token USERNAME`), or log in to the admin first.",
    exceptions.PermissionDenied: "You may not do this; ask an administrator for the permission.",
    exceptions.NotFound: "There is nothing here; check the id in the address.",
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "That conflicts with the state of the row; reload it and try again."


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "The request is too large."


class ServiceUnavailable(exceptions.APIException):
    """A provider or the task broker is down or not set up; nothing was left half-made."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "unavailable"

    def __init__(self, detail: str, *, retry_after: float | None = None, code: str = "unavailable"):
        super().__init__(detail, code)
        self.retry_after = retry_after


def provider_unavailable(exc: ProviderError) -> ServiceUnavailable:
    """Return the 503 that says, in words, why a provider could not answer."""
    label = provider_label(exc.provider)
    if isinstance(exc, ProviderDisabled):
        return ServiceUnavailable(f"{label} is not set up: {exc.message}.", code="provider_not_set_up")
    if isinstance(exc, RateLimited):
        return ServiceUnavailable(
            f"{label} asks to wait {exc.retry_after:g} s (its rate limit); try again then.",
            retry_after=exc.retry_after, code="provider_rate_limited",
        )
    if isinstance(exc, Unauthorized):
        return ServiceUnavailable(f"{label} refused our credentials: {exc.message}. Check its settings.",
                                  code="provider_refused")
    return ServiceUnavailable(f"{label} could not answer: {exc.message}. Try again in a minute.",
                              code="provider_unavailable")


def broker_unavailable(exc: BrokerUnavailable) -> ServiceUnavailable:
    return ServiceUnavailable(str(exc), code="broker_unavailable")


def error_body(status_code: int, code: str, message: str, fields: dict | None = None) -> dict:
    body = {"status": status_code, "code": code, "message": redact(message)}
    if fields:
        body["fields"] = fields
    return {"error": body}


def _flat(detail) -> list[str]:
    if isinstance(detail, dict):
        return [text for value in detail.values() for text in _flat(value)]
    if isinstance(detail, list):
        return [text for value in detail for text in _flat(value)]
    return [str(detail)]


def _fields(detail) -> dict:
    """Return {field: [messages]} with nested fields joined by dots ("choice.filename")."""
    found: dict[str, list[str]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for name, inner in value.items():
                walk(f"{prefix}.{name}" if prefix else str(name), inner)
        elif isinstance(value, list) and value and all(isinstance(item, (dict, list)) for item in value):
            for index, inner in enumerate(value):
                walk(f"{prefix}.{index}" if prefix else str(index), inner)
        else:
            found.setdefault(prefix or "non_field_errors", []).extend(_flat(value))

    walk("", detail)
    return found


def validation_response(detail) -> Response:
    fields = _fields(detail)
    general = fields.pop("non_field_errors", [])
    parts = [f"{name}: {' '.join(texts)}" for name, texts in fields.items()]
    message = " ".join(general + ([f"Check {'this field' if len(parts) == 1 else 'these fields'}: " + "; ".join(parts)]
                                   if parts else []))
    return Response(error_body(400, "invalid", message or "The request is not valid.", fields), status=400)


def exception_handler(exc, context) -> Response:
    """Turn any exception raised in an API view into the one JSON error shape."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge("The request is larger than the API takes (6 MB); send less at once.")
    elif isinstance(exc, DjangoValidationError):
        return validation_response(exc.message_dict if hasattr(exc, "error_dict")
                                   else {"non_field_errors": exc.messages})
    elif isinstance(exc, ProviderError):
        exc = provider_unavailable(exc)
    elif isinstance(exc, BrokerUnavailable):
        exc = broker_unavailable(exc)
    if isinstance(exc, exceptions.ValidationError):
        return validation_response(exc.detail)
    if isinstance(exc, exceptions.APIException):
        headers = {}
        message = " ".join(_flat(exc.detail))
        default = MESSAGES.get(type(exc))
        if default and message == str(type(exc).default_detail):
            message = default
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        if isinstance(exc, exceptions.Throttled):
            wait = math.ceil(exc.wait or 1)
            headers["Retry-After"] = str(wait)
            message = f"Too many requests; wait {wait} s and try again (the limit is API_THROTTLE_RATE)."
        if isinstance(exc, ServiceUnavailable) and exc.retry_after:
            headers["Retry-After"] = str(math.ceil(exc.retry_after))
        if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
            request = context.get("request")
            authenticator = getattr(request, "_authenticator", None) or (
                request.authenticators[0] if request and request.authenticators else None)
            if authenticator is not None and authenticator.authenticate_header(request):
                headers["WWW-Authenticate"] = authenticator.authenticate_header(request)
            exc.status_code = status.HTTP_401_UNAUTHORIZED
        return Response(error_body(exc.status_code, str(code), message), status=exc.status_code, headers=headers)
    logger.exception("The API failed on %s", getattr(context.get("request"), "path", "?"))
    return Response(error_body(
        500, "server_error", "Something went wrong on our side; it is logged. Try again, and tell the "
        "administrator if it happens again.",
    ), status=500)


def not_found_view(request, *args, **kwargs) -> JsonResponse:
    """The answer to an address under /api/ that names nothing."""
    return JsonResponse(error_body(404, "not_found", f"There is no API endpoint at {request.path}; "
                                   "the endpoints are listed at /api/v1/docs/."), status=404)
