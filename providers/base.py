"""What every provider shares: errors, capabilities and the neutral dataclasses.

Models and matching code only ever see these dataclasses, never a provider's
raw payload. Each carries `source` (the provider's name) and `external_id` (the
provider's own id for the thing).
"""

from __future__ import annotations

import datetime
import enum
import re
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from typing import Any

from common.dates import ReleaseDate, date_input, parse_release_date
from common.text import storable


class ProviderError(Exception):
    """A provider failed or answered with something Cratedigger cannot use."""

    def __init__(
        self, provider: str, endpoint: str, message: str, status: int | None = None, *, transient: bool = False
    ):
        from common.redact import redact

        # Redacted here, once: the text goes into job rows, admin messages, logs and command output.
        self.provider = provider
        self.endpoint = redact(endpoint)
        self.message = redact(message)
        self.status = status  # the HTTP status, when the provider answered with one
        # The provider was down, timed out or answered 5xx (after the session's own retries): another try
        # later may work. Anything else (a refusal, a 4xx, an answer we cannot read) will fail the same way.
        self.transient = transient
        super().__init__(f"{provider}: {self.endpoint}: {self.message}")


class Unauthorized(ProviderError):
    """The provider refused the credentials (401/403)."""


class RateLimited(ProviderError):
    """The provider said to slow down; try again after `retry_after` seconds."""

    def __init__(self, provider: str, endpoint: str, retry_after: float):
        self.retry_after = retry_after
        super().__init__(provider, endpoint, f"rate limited; retry after {retry_after:g} s", transient=True)


class ProviderDisabled(ProviderError):
    """The provider is not configured (missing credentials) and cannot be used."""


class Capability(enum.StrEnum):
    SEARCH = "search"
    METADATA = "metadata"
    ISRC_LOOKUP = "isrc_lookup"
    PURCHASE_LINKS = "purchase_links"
    AUDIO_FEATURES = "audio_features"
    DOWNLOAD = "download"

    @property
    def label(self) -> str:
        """What the capability lets Cratedigger do, in words."""
        return CAPABILITY_LABELS[self]


CAPABILITY_LABELS = {
    Capability.SEARCH: "search", Capability.METADATA: "track metadata", Capability.ISRC_LOOKUP: "lookup by ISRC",
    Capability.PURCHASE_LINKS: "purchase links", Capability.AUDIO_FEATURES: "BPM and key",
    Capability.DOWNLOAD: "downloads",
}


class Storable:
    """What a provider or a peer says, made storable as it is read: a NUL in a peer's file name or a song title
    would otherwise fail the write of every row that keeps it (PostgreSQL refuses it in text and JSON)."""

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, str | list | tuple | dict):
                object.__setattr__(self, spec.name, storable(value))


@dataclass(frozen=True)
class TrackCandidate(Storable):
    """One search hit: enough to show a person and to score against a tracklist line."""

    source: str
    external_id: str
    title: str
    artists: tuple[str, ...] = ()
    album: str = ""
    duration: int | None = None  # seconds
    isrc: str = ""
    release_date: datetime.date | None = None
    label: str = ""
    url: str = ""
    score: float | None = None  # the provider's own relevance, 0..1, where it gives one
    # The mix name where the provider keeps it apart from the title (Beatport); others write it in the title.
    version: str = ""
    # What the provider says of the recording beside its title (MusicBrainz), for matching to read versions from
    # and for a person to tell two listings apart: the disambiguation comment, whether it is a video, how many of
    # its releases carry each release-group secondary type ((("Live", 2),)), how many releases it has, the date of
    # its earliest official album release, and the listed release's country.
    comment: str = ""
    video: bool = False
    release_types: tuple[tuple[str, int], ...] = ()
    release_count: int = 0
    # Of those, the official ones (a bootleg or a promo is no sign of a canonical listing).
    official_release_count: int = 0
    album_date: str = ""
    country: str = ""

    @property
    def artist(self) -> str:
        return ", ".join(self.artists)

    def as_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class TrackMetadata(Storable):
    """Everything one provider says about one recording. Empty means "not given"."""

    source: str
    external_id: str
    title: str = ""
    artists: tuple[str, ...] = ()
    credit_name: str = ""
    album: str = ""
    album_artist: str = ""
    label: str = ""
    labels: tuple[str, ...] = ()
    catalog_number: str = ""
    isrc: str = ""
    release_date: datetime.date | None = None
    duration: int | None = None  # seconds
    genre: str = ""
    genres: tuple[str, ...] = ()
    bpm: Decimal | None = None
    key: str = ""
    track_number: int | None = None
    disc_number: int | None = None
    artwork_url: str = ""
    slug: str = ""
    url: str = ""
    # The mix name and its remixers where the provider keeps them apart (Beatport); others write them in the title.
    version: str = ""
    remixers: tuple[str, ...] = ()
    # Ids this provider knows on other services, e.g. {"musicbrainz_recording_id": ...}, and the ids of what the
    # recording belongs to ({"musicbrainz_release_group_id": ..., "musicbrainz_artist_ids": [...]}).
    ids: dict[str, Any] = field(default_factory=dict)
    # As on TrackCandidate: what the provider says beside the title, read by matching for the version.
    comment: str = ""
    video: bool = False
    release_types: tuple[tuple[str, int], ...] = ()
    release_count: int = 0
    official_release_count: int = 0

    def as_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class PurchaseLink(Storable):
    source: str
    external_id: str
    store: str
    url: str
    price: Decimal | None = None
    currency: str = ""
    # What the store sells under this link, so that it can be checked to be the wanted recording.
    title: str = ""
    version: str = ""
    artists: tuple[str, ...] = ()
    duration: int | None = None  # seconds
    # "track" for a single track's page, "release" for a record that holds it (Discogs), "search" for a store search.
    kind: str = "track"

    def as_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class DownloadCandidate(Storable):
    """One file a download source offers."""

    source: str
    external_id: str  # "<username>\\<remote filename>" for Soulseek
    username: str
    filename: str
    size: int
    extension: str = ""
    bitrate: int | None = None  # kbit/s
    bit_depth: int | None = None
    sample_rate: int | None = None
    duration: int | None = None  # seconds
    is_variable_bitrate: bool = False
    is_locked: bool = False
    has_free_upload_slot: bool = False
    queue_length: int = 0
    upload_speed: int = 0  # bytes/s

    @property
    def is_lossless(self) -> bool:
        return self.extension in {"flac", "wav", "aiff", "aif", "alac", "ape", "wv"}

    def as_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, ReleaseDate):
        # To the precision its source gave ("1978", not "1978-01-01"), so parse_date reads back a year as a year.
        return date_input(value, value.precision)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def parse_date(value: Any) -> datetime.date | None:
    """Return a date from "2019-03-29", "2019-03", "2019" or an ISO datetime, knowing its precision
    (common.dates.ReleaseDate: "2019" stays a year); None otherwise."""
    return parse_release_date(value)


def as_int(value: Any) -> int | None:
    """Return value as an int, or None for missing or non-numeric values."""
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


PITCH_CLASSES = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


def key_name(key: Any, mode: Any) -> str:
    """Return a readable key ("G major") from a pitch class 0-11 (or a note name) and mode 1/0; "" if none."""
    scale = {1: "major", 0: "minor"}.get(as_int(mode), "")
    if isinstance(key, str) and key.strip() and not key.strip().lstrip("-").isdigit():
        name = key.strip()
        return name if not scale or name.lower().endswith(("major", "minor")) else f"{name} {scale}"
    pitch = as_int(key)
    if pitch is None or not 0 <= pitch < len(PITCH_CLASSES):
        return ""  # -1: no key detected
    return f"{PITCH_CLASSES[pitch]} {scale}".strip()


def seconds_from_ms(millis: Any) -> int | None:
    """Return a length in milliseconds as whole seconds, or None when missing or zero."""
    value = as_int(millis)
    return round(value / 1000) if value else None


def normalise_isrc(text: Any) -> str:
    """Return an ISRC as the providers store it: 12 characters, upper case, no hyphens or spaces."""
    return re.sub(r"[\s-]+", "", text if isinstance(text, str) else "").upper()


def excerpt(text: str, size: int = 60) -> str:
    """Return the start of a response body on one line, redacted, for an error message."""
    from common.redact import redact

    text = redact(" ".join(text.split()))
    return text if len(text) <= size else text[:size] + "…"


def as_decimal(value: Any, places: str = "0.01") -> Decimal | None:
    """Return value as a rounded positive Decimal, or None."""
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal(places))
    except (ArithmeticError, ValueError):
        return None
    return number if number > 0 else None
