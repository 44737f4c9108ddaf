"""The base class every provider client extends."""

from __future__ import annotations

import abc
from typing import ClassVar

from django.conf import settings

from providers.base import Capability
from providers.http import ProviderSession


class Provider(abc.ABC):
    """One provider: its name, what it can do, the settings it needs, and its endpoints.

    Subclasses set the class attributes, build on `self.http`, and implement the
    method of each capability they declare, with these signatures:

    - SEARCH: `search_tracks(query="", *, artist="", title="", limit=10, force_refresh=False) -> list[TrackCandidate]`
    - METADATA: `get_metadata(external_id, *, force_refresh=False) -> TrackMetadata | None`
    - ISRC_LOOKUP: `lookup_isrc(isrc, *, force_refresh=False) -> TrackMetadata | None`
    - PURCHASE_LINKS: `purchase_links(*, artist, title, isrc="", force_refresh=False) -> list[PurchaseLink]`
    - AUDIO_FEATURES: `audio_features(external_id, *, force_refresh=False) -> TrackMetadata | None`
    - DOWNLOAD: `find_downloads(query, *, timeout=30) -> list[DownloadCandidate]`

    None means "the provider has no such thing"; failures raise ProviderError.
    """

    name: ClassVar[str]
    label: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]]
    url_setting: ClassVar[str]
    # Settings that must be non-empty for the provider to be enabled.
    required_settings: ClassVar[tuple[str, ...]] = ()
    # Where to get the credentials, shown when they are missing.
    credentials_help: ClassVar[str] = ""

    def __init__(self) -> None:
        self.http = ProviderSession(self.name, getattr(settings, self.url_setting), headers=self.auth_headers())

    def auth_headers(self) -> dict[str, str]:
        return {}

    @classmethod
    def disabled_reason(cls) -> str | None:
        missing = [name for name in cls.required_settings if not getattr(settings, name, "")]
        if missing:
            help_text = f" ({cls.credentials_help})" if cls.credentials_help else ""
            return f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set{help_text}"
        return None

    @abc.abstractmethod
    def check(self) -> str:
        """Make one cheap call and return a short description of the answer; raise on failure."""
