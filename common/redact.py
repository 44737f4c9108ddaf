"""One redaction step for every text that is stored, shown, logged or raised.

It replaces the value of every secret setting (config/schema.py marks them),
the password of every URL setting, and tokens in the shapes providers echo back
(`Bearer …`, `token=…`, `api_key: …`), with ***.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings

from config.env import mask_url

# A secret this short would blank out ordinary words; real keys and tokens are longer.
MIN_SECRET_LENGTH = 6
# Documented public sandbox credentials: not secrets, and equal to a provider's name.
PUBLIC_VALUES = {"soundcharts"}
_TOKEN_SHAPES = re.compile(
    r"(?i)(\bbearer\s+|\bbasic\s+|\btoken[=:]\s*|\bapi[-_]?key[\"']?\s*[=:]\s*[\"']?|\bx-api-key[\"']?\s*[=:]\s*[\"']?)"
    r"[A-Za-z0-9._~+/=-]{6,}"
)


def secret_values() -> list[str]:
    """Return the configured secret values worth redacting, longest first."""
    values = {str(getattr(settings, name, "") or "") for name in getattr(settings, "SECRET_SETTINGS", ())}
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
        url = getattr(settings, "CONF", {}).get(name, "")
        password = url and mask_url(url) != url and _password_of(url)
        if password:
            values.add(password)
    usable = {value for value in values if len(value) >= MIN_SECRET_LENGTH and value.lower() not in PUBLIC_VALUES}
    return sorted(usable, key=len, reverse=True)


def _password_of(url: str) -> str:
    from urllib.parse import unquote, urlsplit

    try:
        return unquote(urlsplit(url).password or "")
    except ValueError:
        return ""


def redact(text: str) -> str:
    """Return text with every secret replaced by ***."""
    if not text:
        return text
    for value in secret_values():
        text = text.replace(value, "***")
    return _TOKEN_SHAPES.sub(lambda match: match.group(1) + "***", text)


class RedactingFormatter(logging.Formatter):
    """Format log records, tracebacks included, with every secret redacted."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
