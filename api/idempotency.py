"""Idempotency-Key: a request that starts work, sent again with the same key, gets the first answer again.

The key is the user's (two users may use the same key). The first request's fingerprint (method, path, query
and body, files by their content) and its answer are kept for API_IDEMPOTENCY_HOURS; a repeat with the same
fingerprint is answered from them (with `Idempotent-Replayed: true`) and starts nothing; the same key with
another request is a 409, as is a repeat while the first is still being answered. An answer that says to try
again (a conflict, a throttle, a service down, a server error) is not kept, so the retry does the work.
"""

from __future__ import annotations

import hashlib
import json
from functools import wraps

from django.db import IntegrityError, transaction
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from api.errors import Conflict
from api.models import IdempotencyKey
from api.services import idempotency_cutoff

HEADER = "Idempotency-Key"
KEY_MAX = 255
# Answers kept for a repeat; any other status is worth a retry, so its key is forgotten.
KEPT = frozenset({*range(200, 300), 400, 404, 413})


def request_fingerprint(request) -> str:
    """Return a digest of what makes a request this request: method, path, query and body."""
    data = request.data
    files = getattr(request, "FILES", {}) or {}
    if hasattr(data, "lists"):
        fields = {name: values for name, values in data.lists() if name not in files}
    else:
        fields = data
    digest = hashlib.sha256()
    for name in sorted(files):
        for upload in files.getlist(name) if hasattr(files, "getlist") else [files[name]]:
            content = hashlib.sha256()
            for chunk in upload.chunks():
                content.update(chunk)
            upload.seek(0)
            digest.update(f"{name}:{upload.name}:{content.hexdigest()}\n".encode())
    query = sorted(request.query_params.lists())
    text = json.dumps([request.method, request.path, query, fields], sort_keys=True, default=str, ensure_ascii=False)
    digest.update(text.encode("utf-8", "replace"))
    return digest.hexdigest()


def _key_of(request) -> str | None:
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > KEY_MAX or not key.isprintable():
        raise exceptions.ValidationError(
            {HEADER: [f"An Idempotency-Key is 1 to {KEY_MAX} printable characters, such as a UUID."]}
        )
    return key


def _claim(user, key: str, fingerprint: str) -> tuple[IdempotencyKey, bool]:
    """Return the key's record and whether this request made it (and so does the work)."""
    IdempotencyKey.objects.filter(user=user, key=key, created_at__lt=idempotency_cutoff()).delete()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(user=user, key=key, fingerprint=fingerprint), True
    except IntegrityError:
        return IdempotencyKey.objects.get(user=user, key=key), False


def _replay(record: IdempotencyKey) -> Response:
    response = Response(record.body, status=record.status)
    response["Idempotent-Replayed"] = "true"
    if record.location:
        response["Location"] = record.location
    return response


def idempotent(handler):
    """Honour an Idempotency-Key header on a view's POST handler (an action or `post`/`create`)."""

    @wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = _key_of(request)
        if key is None or not request.user.is_authenticated:
            return handler(view, request, *args, **kwargs)
        fingerprint = request_fingerprint(request)
        record, mine = _claim(request.user, key, fingerprint)
        if not mine:
            if record.fingerprint != fingerprint:
                raise Conflict(
                    "This Idempotency-Key was used with another request (another address or body); "
                    "use a new key for a new request."
                )
            if record.status is None:
                raise Conflict("The first request with this Idempotency-Key is still being answered; "
                               "ask again in a moment.")
            return _replay(record)
        try:
            response = handler(view, request, *args, **kwargs)
        except BaseException:
            record.delete()
            raise
        if response.status_code in KEPT and isinstance(response, Response):
            body = json.loads(JSONRenderer().render(response.data) or b"null")
            IdempotencyKey.objects.filter(pk=record.pk).update(
                status=response.status_code, body=body, location=response.get("Location", "")[:500],
            )
        else:
            record.delete()
        return response

    wrapper.idempotent = True
    return wrapper
