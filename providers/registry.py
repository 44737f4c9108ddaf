"""Which providers exist, what each can do, and which are enabled, in the configured order.

Feature code asks here ("the enabled providers that can search") and never
imports an HTTP client.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.conf import settings

from providers.base import Capability, ProviderDisabled

# name -> "module.Class"; imported on first use so a broken optional client
# cannot stop the others from loading.
PROVIDER_CLASSES = {
    "musicbrainz": "providers.musicbrainz.MusicBrainz",
    "coverart": "providers.coverart.CoverArtArchive",
    "discogs": "providers.discogs.Discogs",
    "spotify": "providers.spotify.Spotify",
    "soundcharts": "providers.soundcharts.Soundcharts",
    "itunes": "providers.itunes.ITunes",
    "deezer": "providers.deezer.Deezer",
    "beatport": "providers.beatport.Beatport",
    "slskd": "providers.slskd.Slskd",
    "ytdlp": "providers.ytdlp.YtDlp",
    "acoustid": "providers.acoustid.AcoustID",
}


@dataclass(frozen=True)
class ProviderStatus:
    name: str
    label: str
    capabilities: tuple[Capability, ...]
    enabled: bool
    reason: str  # why it is disabled; empty when enabled


def provider_class(name: str):
    try:
        dotted = PROVIDER_CLASSES[name]
    except KeyError:
        raise KeyError(f"No provider named {name!r}; known: {', '.join(PROVIDER_CLASSES)}") from None
    module, cls = dotted.rsplit(".", 1)
    return getattr(import_module(module), cls)


@dataclass(frozen=True)
class IdField:
    """A provider's id field on Track, as the provider class declares it."""

    provider: str
    field: str
    label: str
    max_length: int


def id_fields() -> list[IdField]:
    """Return every provider's id field, in registry order."""
    fields = []
    for name in PROVIDER_CLASSES:
        cls = provider_class(name)
        if cls.id_field:
            fields.append(IdField(name, cls.id_field, cls.id_label, cls.id_max_length))
    return fields


def provider_label(name: str) -> str:
    """Return the provider's name as a person reads it ("Soundcharts"), or name itself if unknown."""
    try:
        return provider_class(name).label
    except (KeyError, ImportError, AttributeError):
        return name


def get_provider(name: str):
    """Return a ready client for name, or raise ProviderDisabled saying why it cannot be used."""
    cls = provider_class(name)
    reason = cls.disabled_reason()
    if reason:
        raise ProviderDisabled(name, "settings", reason)
    return cls()


def statuses() -> list[ProviderStatus]:
    """Return every provider's capabilities and whether it is enabled, and why not."""
    result = []
    for name in PROVIDER_CLASSES:
        cls = provider_class(name)
        reason = cls.disabled_reason() or ""
        result.append(ProviderStatus(name, cls.label, tuple(sorted(cls.capabilities)), not reason, reason))
    return result


def providers_for(capability: Capability | str) -> list:
    """Return the enabled providers that can do capability, in the configured order."""
    capability = Capability(capability)
    order = settings.DOWNLOAD_PROVIDERS if capability is Capability.DOWNLOAD else settings.METADATA_PROVIDERS
    clients = []
    for name in order:
        if name not in PROVIDER_CLASSES:
            continue
        cls = provider_class(name)
        if capability in cls.capabilities and not cls.disabled_reason():
            clients.append(cls())
    return clients
