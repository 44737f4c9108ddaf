"""Requests per user, at API_THROTTLE_RATE; more are answered 429 with Retry-After (api.errors)."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import UserRateThrottle


class UserThrottle(UserRateThrottle):
    scope = "user"

    def get_rate(self):
        # Read at each request, so the setting (and a test's override) holds; empty means no limit.
        return settings.API_THROTTLE_RATE or None

    def parse_rate(self, rate):
        # "600/m" as the settings write it; DRF reads the period by its first letter.
        return super().parse_rate(rate) if rate else (None, None)
