"""The base class every provider client extends, and the typed capabilities it may declare."""

from __future__ import annotations

import abc
from typing import ClassVar, Protocol, runtime_checkable

from django.conf import settings

from providers.base import Capability, DownloadCandidate, PurchaseLink, TrackCandidate, TrackMetadata
from providers.http import ProviderSession


# One Protocol per Capability: a provider that declares a capability implements its
# Protocol (tests/providers/test_registry.py checks every provider). None means "the
# provider has no such thing"; failures raise ProviderError.
@runtime_checkable
class Searches(Protocol):
    def search_tracks(
        self, query: str = "", *, artist: str = "", title: str = "", limit: int = 10, force_refresh: bool = False
    ) -> list[TrackCandidate]: ...


@runtime_checkable
class GivesMetadata(Protocol):
    def get_metadata(self, external_id: str, *, force_refresh: bool = False) -> TrackMetadata | None: ...


@runtime_checkable
class LooksUpIsrc(Protocol):
    def lookup_isrc(self, isrc: str, *, force_refresh: bool = False) -> TrackMetadata | None: ...


@runtime_checkable
class SellsTracks(Protocol):
    def purchase_links(
        self, *, artist: str, title: str, isrc: str = "", external_id: str = "", force_refresh: bool = False
    ) -> list[PurchaseLink]: ...


@runtime_checkable
class GivesAudioFeatures(Protocol):
    def audio_features(self, external_id: str, *, force_refresh: bool = False) -> TrackMetadata | None: ...


@runtime_checkable
class Downloads(Protocol):
    def find_downloads(self, query: str, *, timeout: float = 30) -> list[DownloadCandidate]: ...


CAPABILITY_PROTOCOLS: dict[Capability, type] = {
    Capability.SEARCH: Searches,
    Capability.METADATA: GivesMetadata,
    Capability.ISRC_LOOKUP: LooksUpIsrc,
    Capability.PURCHASE_LINKS: SellsTracks,
    Capability.AUDIO_FEATURES: GivesAudioFeatures,
    Capability.DOWNLOAD: Downloads,
}


class Provider(abc.ABC):
    """One provider: its name, what it can do, the settings it needs, its id on a Track, and its endpoints.

    Subclasses set the class attributes, build on `self.http`, and implement the
    Protocol of each capability they declare (CAPABILITY_PROTOCOLS).
    """

    name: ClassVar[str]
    label: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]]
    url_setting: ClassVar[str]
    # The Track field holding this provider's id for a recording ("" when it has none),
    # its label in the admin, and its longest value. Track's fields, the metadata
    # merge and the registry all derive from these three.
    id_field: ClassVar[str] = ""
    id_label: ClassVar[str] = ""
    id_max_length: ClassVar[int] = 20
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
