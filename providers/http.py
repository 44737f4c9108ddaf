"""The one HTTP session every provider client uses.

It sets the timeout and User-Agent, waits for the provider's rate limit, retries
connection errors, timeouts and 5xx with exponential backoff, and turns status
codes and unusable bodies into typed errors. Nothing else in Cratedigger talks
HTTP to a provider.
"""

from __future__ import annotations

import email.utils
import logging
import time
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from django.conf import settings
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from common.text import count_text
from providers import cache, ratelimit
from providers.base import ProviderError, RateLimited, Unauthorized, excerpt

logger = logging.getLogger(__name__)


class NotFound(ProviderError):
    """The provider has no such thing (404); clients turn this into None."""


class _CrossOriginRedirect(Exception):
    """A redirect would take a request's credentials to another scheme, host or port."""

    def __init__(self, target: str):
        self.target = target
        super().__init__(target)


def origin(url: str) -> tuple[str, str, int | None]:
    """Return (scheme, host, port) of url, with the scheme's default port filled in."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port or {"http": 80, "https": 443}.get(parts.scheme)


class _GuardedSession(requests.Session):
    """A Session that refuses to carry credentials across a redirect to another origin.

    requests drops only the Authorization header on such a redirect; our providers
    also send keys in their own headers (x-api-key, X-API-Key) and query strings.
    """

    def __init__(self, credential_headers: set[str]):
        super().__init__()
        self.credential_headers = {name.lower() for name in credential_headers} | {"authorization"}

    def carries_credentials(self, request: requests.PreparedRequest) -> bool:
        if any(name.lower() in self.credential_headers for name in request.headers):
            return True
        from common.redact import secret_values

        url = request.url or ""
        return "token=" in url.lower() or any(value in url for value in secret_values())

    def rebuild_auth(self, prepared_request, response):
        if origin(prepared_request.url) != origin(response.request.url) and self.carries_credentials(response.request):
            scheme, host, port = origin(prepared_request.url)
            raise _CrossOriginRedirect(f"{scheme}://{host}:{port}")
        super().rebuild_auth(prepared_request, response)


class _Transient(Exception):
    """A failure worth trying again: connection error, timeout or 5xx."""

    def __init__(self, description: str):
        self.description = description
        super().__init__(description)


def user_agent() -> str:
    # The form MusicBrainz asks for: application/version ( contact ).
    return f"Cratedigger/{settings.VERSION} ( {settings.CRATEDIGGER_CONTACT} )"


def retry_after_seconds(response: requests.Response, default: float = 60.0) -> float:
    """Return how long a 429 asks us to wait, from Retry-After or x-ratelimit-reset."""
    value = response.headers.get("Retry-After") or response.headers.get("x-ratelimit-reset")
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else default
    # Some services send an epoch time rather than a number of seconds.
    return max(0.0, seconds - time.time()) if seconds > 1_000_000_000 else max(0.0, seconds)


class ProviderSession:
    """HTTP for one provider: base URL, headers, rate limit, retries, typed errors."""

    def __init__(
        self,
        provider: str,
        base_url: str,
        *,
        headers: dict[str, str] | None = None,
        rate_limited: bool = True,
    ):
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self.rate_limited = rate_limited
        self.session = _GuardedSession(set(headers or {}))
        self.session.headers.update({"User-Agent": user_agent(), "Accept": "application/json"})
        self.session.headers.update(headers or {})

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}/{path.lstrip('/')}"

    def request(
        self,
        method: str,
        path: str,
        *,
        kind: str = "metadata",
        endpoint: str | None = None,
        idempotent: bool | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """Send one request with rate limit and retries; return a 2xx response or raise.

        A POST is sent once unless idempotent=True: a timed-out POST may have been
        carried out, and sending it again could, say, queue a download twice.
        """
        if cache.is_cache_only():
            raise cache.NotCached(f"{self.provider} {method} {path}")  # no request may leave under cache_only()
        if idempotent is None:
            idempotent = method.upper() != "POST"
        attempts = settings.PROVIDER_RETRIES + 1 if idempotent else 1
        endpoint = endpoint or f"{method} {path.split('?', 1)[0]}"
        url = self.url(path)
        kwargs.setdefault("timeout", settings.PROVIDER_TIMEOUTS[kind])
        backoff = settings.PROVIDER_BACKOFF_SECONDS
        retrying = Retrying(
            stop=stop_after_attempt(attempts),
            wait=wait_exponential(multiplier=backoff, min=backoff, max=30),
            retry=retry_if_exception_type(_Transient),
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    response = self._send_once(method, url, endpoint, **kwargs)
        except _Transient as exc:
            error = ProviderError(
                self.provider, endpoint,
                f"{exc.description} after {count_text(attempts, 'attempt')}; try again later",
                transient=True,
            )
            self._note("last_error", {"message": str(error)}, 7 * 24 * 3600)
            raise error from None
        return response

    def _note(self, kind: str, value: dict[str, Any], seconds: float) -> None:
        """Remember the provider's last error or rate-limit wait, for the dashboard (never fails a request)."""
        from django.core.cache import cache
        from django.utils import timezone

        try:
            cache.set(f"providers:{kind}:{self.provider}", {**value, "at": timezone.now().isoformat()}, seconds)
        except Exception:  # noqa: BLE001 - the cache being down must not turn into a provider error
            logger.debug("could not note %s for %s", kind, self.provider)

    def _send_once(self, method: str, url: str, endpoint: str, **kwargs: Any) -> requests.Response:
        if self.rate_limited:
            ratelimit.acquire(self.provider, endpoint)
        try:
            response = self.session.request(method, url, **kwargs)
        except _CrossOriginRedirect as exc:
            raise ProviderError(
                self.provider, endpoint,
                f"the answer redirected to {exc.target}, another address; not followed, because the request "
                "carries credentials. Check the provider's URL setting",
            ) from None
        except requests.Timeout:
            raise _Transient(f"no answer within {kwargs['timeout']} s") from None
        except requests.ConnectionError as exc:
            raise _Transient(f"could not connect ({_root_cause(exc)})") from None
        except requests.RequestException as exc:
            raise ProviderError(self.provider, endpoint, f"request failed: {exc.__class__.__name__}") from None
        status = response.status_code
        if status >= 500:
            logger.info("%s %s answered %s; will retry", self.provider, endpoint, status)
            raise _Transient(f"server error {status} {response.reason}")
        if status == 429:
            wait = retry_after_seconds(response)
            self._note("waiting", {"seconds": wait}, max(1.0, wait))
            raise RateLimited(self.provider, endpoint, wait)
        if status in (401, 403):
            error = Unauthorized(
                self.provider, endpoint,
                f"{status} {response.reason}: the provider refused the credentials; check its settings",
                status=status,
            )
            self._note("last_error", {"message": str(error)}, 7 * 24 * 3600)
            raise error
        if status == 404:
            raise NotFound(self.provider, endpoint, "404 Not Found", status=status)
        if status >= 400:
            error = ProviderError(
                self.provider, endpoint, f"{status} {response.reason}: {excerpt(response.text)}", status=status
            )
            self._note("last_error", {"message": str(error)}, 7 * 24 * 3600)
            raise error
        return response

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send a request and return its JSON body, or raise ProviderError if it is not JSON."""
        response = self.request(method, path, **kwargs)
        endpoint = kwargs.get("endpoint") or f"{method} {path.split('?', 1)[0]}"
        try:
            return response.json()
        except ValueError:
            kind = response.headers.get("Content-Type", "no content type").split(";")[0]
            raise ProviderError(
                self.provider, endpoint, f"expected JSON but got {kind}: {excerpt(response.text)!r}"
            ) from None

    def get_json(self, path: str, **kwargs: Any) -> Any:
        return self.json("GET", path, **kwargs)


def _root_cause(exc: BaseException) -> str:
    while exc.__cause__ or exc.__context__:
        exc = exc.__cause__ or exc.__context__
    return str(exc).split(":")[-1].strip() or exc.__class__.__name__


def path_segment(value: str) -> str:
    """Quote value for use as one URL path segment: ids, terms and usernames may hold '/', '?' or spaces."""
    return quote(str(value), safe="")


def require(condition: bool, provider: str, endpoint: str, what: str) -> None:
    """Raise ProviderError naming the provider and endpoint unless condition holds."""
    if not condition:
        raise ProviderError(provider, endpoint, f"unexpected answer: {what}")
