"""Every write of the API's own rows: tokens made and revoked, and expired idempotency keys forgotten."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from api.models import ApiToken, IdempotencyKey, token_digest

# Every token starts so: a person (and a secret scanner) can tell what it is.
TOKEN_PREFIX = "cdg_"


def api_token_create(*, user, name: str = "") -> tuple[ApiToken, str]:
    """Make a new token for user; return its row and the token itself, which is shown once and never stored."""
    if not user.is_active:
        raise ValueError(f"The user “{user.get_username()}” is not active; activate it first.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, name=name.strip()[:100], prefix=token[:12], digest=token_digest(token))
    return row, token


def api_token_create_for(*, username: str, name: str = "") -> tuple[ApiToken, str]:
    """Make a new token for the user called username; raise ValueError naming it if there is none."""
    try:
        user = get_user_model().objects.get(**{get_user_model().USERNAME_FIELD: username})
    except get_user_model().DoesNotExist:
        raise ValueError(f"There is no user called “{username}”; create it in the admin first.") from None
    return api_token_create(user=user, name=name)


def api_tokens_revoke(*, tokens) -> int:
    """Revoke tokens (rows or a queryset): each is refused from now on. Return how many were still in use."""
    ids = [getattr(token, "pk", token) for token in tokens]
    return ApiToken.objects.filter(pk__in=ids, revoked_at__isnull=True).update(revoked_at=timezone.now())


def idempotency_cutoff() -> datetime.datetime:
    """Return the moment before which a kept answer has expired."""
    return timezone.now() - datetime.timedelta(hours=settings.API_IDEMPOTENCY_HOURS)


def idempotency_keys_expire() -> int:
    """Forget the answers kept for idempotency keys older than API_IDEMPOTENCY_HOURS; return how many."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=idempotency_cutoff()).delete()
    return deleted
