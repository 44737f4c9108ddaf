"""Token authentication: `Authorization: Bearer <token>` (or `Token <token>`), looked up by its digest.

The token never reaches a log, a page or an error: only its digest is stored, the errors name no part of it,
and "Bearer …" is one of the shapes common.redact blanks out of every logged line.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from api.models import ApiToken, token_digest

KEYWORDS = ("bearer", "token")
# last_used_at is written at most this often per token: a busy script costs no write per request.
LAST_USED_EVERY = datetime.timedelta(minutes=1)


class TokenAuthentication(authentication.BaseAuthentication):
    """Authenticate a request by its API token."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "The Authorization header must read “Bearer <token>”, the token with no spaces in it."
            )
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("That token is not one this app made; make one with "
                                                  "`python manage.py api_token USERNAME`.") from None
        row = ApiToken.objects.select_related("user").filter(digest=token_digest(token)).first()
        if row is None:
            raise exceptions.AuthenticationFailed(
                "That token is not known here; make one with `python manage.py api_token USERNAME`."
            )
        if row.is_revoked:
            raise exceptions.AuthenticationFailed(
                f"That token ({row.prefix}…) was revoked; make a new one with `python manage.py api_token USERNAME`."
            )
        if not row.user.is_active:
            raise exceptions.AuthenticationFailed("The token's user is not active.")
        now = timezone.now()
        if row.last_used_at is None or row.last_used_at < now - LAST_USED_EVERY:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        return row.user, row

    def authenticate_header(self, request) -> str:
        # Its presence makes an unauthenticated request a 401, not a 403.
        return 'Bearer realm="api"'


class TokenScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI schema, as an HTTP bearer scheme."""

    target_class = "api.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "A token from `python manage.py api_token USERNAME`."}
