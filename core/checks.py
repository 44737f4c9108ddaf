"""System checks of Cratedigger's own settings."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def https_check(app_configs, **kwargs):
    """Say plainly what `check --deploy` warns about when the app is not set up for HTTPS."""
    if settings.HTTPS:
        return []
    return [
        Warning(
            "CRATEDIGGER_HTTPS is not set, so security.W004, W008, W012 and W016 remain: no HSTS, no redirect "
            "to HTTPS, and the session and CSRF cookies are also sent over plain HTTP, where anyone on the "
            "network can read the login.",
            hint="Serve the app over HTTPS (or behind a proxy that does and sets X-Forwarded-Proto) and set "
            "CRATEDIGGER_HTTPS=1; the four warnings go away.",
            id="cratedigger.W001",
        )
    ]
