"""What the tags say, in no format's terms: TagValues, its texts per field, and the catalogue's values for a track."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings

from audio.artwork import Artwork, ArtworkError, prepare_artwork
from audio.tags.names import OUR_COMMENT_PREFIX
from common import dates
from matching.versions import parse_title
from tracks import keys

# Every field we manage, in one order (Picard's internal names), and how a message names it.
FIELD_LABELS = {
    "title": "title", "artist": "artist credit", "artists": "artists", "album": "album",
    "albumartist": "album artist", "label": "label", "catalognumber": "catalogue number", "isrc": "ISRC",
    "bpm": "BPM", "key": "key", "camelot": "Camelot key", "genre": "genre", "date": "date",
    "tracknumber": "track number", "discnumber": "disc number",
    "musicbrainz_recordingid": "MusicBrainz recording id", "musicbrainz_albumid": "MusicBrainz release id",
    "musicbrainz_artistid": "MusicBrainz artist ids", "musicbrainz_albumartistid": "MusicBrainz album artist ids",
    "musicbrainz_releasegroupid": "MusicBrainz release group id", "comment": "comment",
}
FIELDS = tuple(FIELD_LABELS)

# A value that a tag holds several of, read as one text (a foreign file's TPE1 "A\0B").
JOIN_READ = "; "
# The display artist when the catalogue has no credit: the artists in credit order.
ARTIST_JOIN = ", "
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_NUMBER = re.compile(r"^\s*(\d+)")
# Catalogue fields whose source the comment names (metadata_sources keys that end up in the tags).
TAGGED_TRACK_FIELDS = frozenset({
    "title", "version", "artists", "credit_name", "album", "album_artist", "label", "catalog_number", "isrc",
    "release_date", "genre", "bpm", "key", "track_number", "disc_number",
})
MANUAL_SOURCE = "manual"


class TagWriteError(Exception):
    """Tags could not be written; the file is as it was. The message says why, in words."""

    def __init__(self, reason: str, path: str | os.PathLike[str] | None = None):
        self.reason = reason
        self.path = str(path) if path is not None else None
        super().__init__(reason)

    def __str__(self) -> str:
        return f"could not write tags to {self.path}: {self.reason}" if self.path else self.reason


@dataclass(frozen=True)
class TagValues:
    """What the tags say, in no format's terms; None (or ()) means "no value", and a write removes the field."""

    title: str | None = None  # without the version: "Strobe"
    version: str | None = None  # "Club Edit"; written into the title as DJ software shows it: "Strobe (Club Edit)"
    artists: tuple[str, ...] = ()  # one name each, in credit order
    # The artists as one display text ("Bicep & Hammer"); None means the artists joined with ", ".
    artist_credit: str | None = None
    album: str | None = None
    album_artist: str | None = None
    label: str | None = None
    catalog_number: str | None = None
    isrc: str | None = None
    bpm: Decimal | float | None = None
    key: str | None = None  # musical key, "A minor"
    camelot: str | None = None  # the same key on the Camelot wheel, "8A"
    genre: str | None = None
    date: str | None = None  # "2019", "2019-05" or "2019-05-03": as precise as it is known
    track_number: int | None = None
    disc_number: int | None = None
    musicbrainz_recording_id: str | None = None
    musicbrainz_release_id: str | None = None  # Picard's "MusicBrainz Album Id"
    musicbrainz_artist_ids: tuple[str, ...] = ()  # the credited artists' ids, in credit order
    musicbrainz_album_artist_ids: tuple[str, ...] = ()
    musicbrainz_release_group_id: str | None = None
    comment: str | None = None  # where the tags came from; written under a name of ours, not the user's comment

    @property
    def full_title(self) -> str | None:
        """The title as DJs file it and the tag holds it: "Strobe (Club Edit)"."""
        if not self.title:
            return None
        return f"{self.title} ({self.version})" if self.version else self.title

    @property
    def display_artist(self) -> str | None:
        """The artist text players show: the credit, else the artists joined."""
        return self.artist_credit or ARTIST_JOIN.join(self.artists) or None


@dataclass(frozen=True)
class FileStamp:
    """A file's size and modification time: if either changed, someone else wrote the file."""

    size: int
    mtime_ns: int


def file_stamp(path: str | os.PathLike[str]) -> FileStamp:
    """Return the file's stamp; raise OSError (FileNotFoundError, ...) if it cannot be read."""
    status = os.stat(path)
    return FileStamp(size=status.st_size, mtime_ns=status.st_mtime_ns)


# --- From the catalogue -------------------------------------------------------------------------------------------


def _ids(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(item) for item in value if item)


def tag_values_for_track(track: Any) -> TagValues:
    """Return the tags a catalogue Track (tracks.models.Track) should have in its file."""
    code = keys.camelot(track.key or "")
    artists = tuple(name for name in (str(artist).strip() for artist in track.artists or []) if name)
    return TagValues(
        title=track.title or None,
        version=track.version or None,
        artists=artists,
        # A credit that only joins the artists says nothing more; None keeps read-backs equal.
        artist_credit=(track.credit_name or None) if track.credit_name != ARTIST_JOIN.join(artists) else None,
        album=track.album or None,
        album_artist=track.album_artist or None,
        label=track.label or None,
        catalog_number=track.catalog_number or None,
        isrc=track.isrc or None,
        bpm=track.bpm,
        # "8A", "Am" or "A minor" in the catalogue: the tags always get both spellings, or the text as given.
        key=keys.musical(code) if code else (track.key or None),
        camelot=code,
        genre=track.genre or None,
        date=dates.date_input(track.release_date, track.release_date_precision) or None,
        track_number=track.track_number or None,
        disc_number=track.disc_number or None,
        musicbrainz_recording_id=getattr(track, "musicbrainz_recording_id", "") or None,
        # Not Track fields yet (MusicBrainz reports them, the catalogue does not keep them); written once they are.
        musicbrainz_release_id=getattr(track, "musicbrainz_release_id", "") or None,
        musicbrainz_artist_ids=_ids(getattr(track, "musicbrainz_artist_ids", ())),
        musicbrainz_album_artist_ids=_ids(getattr(track, "musicbrainz_album_artist_ids", ())),
        musicbrainz_release_group_id=getattr(track, "musicbrainz_release_group_id", "") or None,
        comment=provenance_comment(track.metadata_sources),
    )


def provenance_comment(metadata_sources: dict[str, Any] | None) -> str:
    """Return the comment naming where the tags came from: "Tagged by Cratedigger from MusicBrainz, Beatport".

    Providers come in METADATA_PROVIDERS order (the order their values win in); no date is given, so the
    comment changes only when a source does.
    """
    from providers.registry import provider_label

    sources = {
        str(entry.get("source") or "")
        for field, entry in (metadata_sources or {}).items()
        if field in TAGGED_TRACK_FIELDS and isinstance(entry, dict)
    } - {""}
    order = {name: position for position, name in enumerate(settings.METADATA_PROVIDERS)}
    providers = sorted(sources - {MANUAL_SOURCE}, key=lambda name: (order.get(name, len(order)), name))
    parts = [provider_label(name) for name in providers]
    if MANUAL_SOURCE in sources:
        parts.append("edits by hand")
    if not parts:
        return OUR_COMMENT_PREFIX
    listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return f"{OUR_COMMENT_PREFIX} from {listed}"


# --- Texts read from a file, as values -----------------------------------------------------------------------------


def _one(texts: dict[str, list[str]], field: str) -> str | None:
    values = [value for value in texts.get(field, []) if value]
    return JOIN_READ.join(values) if values else None


def values_from_texts(texts: dict[str, list[str]]) -> TagValues:
    """Return the values that per-field texts (as a format's reader gives them) say."""
    full_title = _one(texts, "title")
    title, version = _split_title(full_title) if full_title else (None, None)
    artists = tuple(value for value in texts.get("artists", []) if value)
    artist = _one(texts, "artist")
    key_text, camelot_text = _one(texts, "key"), _one(texts, "camelot")
    code = keys.camelot(key_text or "") or keys.camelot(camelot_text or "")
    if key_text and not keys.camelot(key_text):
        key = key_text  # not a key we can read: kept as the file has it
    else:
        key = keys.musical(code) if code else None
    return TagValues(
        title=title,
        version=version,
        artists=artists,
        artist_credit=artist if artist != ARTIST_JOIN.join(artists) else None,
        album=_one(texts, "album"),
        album_artist=_one(texts, "albumartist"),
        label=_one(texts, "label"),
        catalog_number=_one(texts, "catalognumber"),
        isrc=_one(texts, "isrc"),
        bpm=read_bpm(_one(texts, "bpm")),
        key=key,
        camelot=code,
        genre=_one(texts, "genre"),
        date=read_date(_one(texts, "date")),
        track_number=read_number(_one(texts, "tracknumber")),
        disc_number=read_number(_one(texts, "discnumber")),
        musicbrainz_recording_id=_one(texts, "musicbrainz_recordingid"),
        musicbrainz_release_id=_one(texts, "musicbrainz_albumid"),
        musicbrainz_artist_ids=tuple(value for value in texts.get("musicbrainz_artistid", []) if value),
        musicbrainz_album_artist_ids=tuple(value for value in texts.get("musicbrainz_albumartistid", []) if value),
        musicbrainz_release_group_id=_one(texts, "musicbrainz_releasegroupid"),
        comment=_one(texts, "comment"),
    )


def _split_title(full_title: str) -> tuple[str, str | None]:
    parsed = parse_title(full_title)
    if parsed.version and not parsed.featuring and f"{parsed.base} ({parsed.version})" == full_title:
        return parsed.base, parsed.version
    return full_title, None


def read_bpm(text: str | None) -> Decimal | None:
    try:
        bpm = Decimal((text or "").strip().replace(",", "."))
    except InvalidOperation:
        return None
    return bpm if bpm.is_finite() and bpm > 0 else None


def read_date(text: str | None) -> str | None:
    match = _DATE.match((text or "").strip())
    return match.group(0) if match else None  # iTunes's "2019-05-03T07:00:00Z" reads as its date


def read_number(text: str | None) -> int | None:
    match = _NUMBER.match(text or "")
    return (int(match.group(1)) or None) if match else None


# --- Values as the texts to write, checked -------------------------------------------------------------------------


def texts_to_write(values: TagValues) -> dict[str, list[str]]:
    """Return our fields as the texts to write, or raise TagWriteError for a value no tag can carry."""
    if values.camelot and not keys.camelot(values.camelot):
        raise TagWriteError(f"the Camelot key {values.camelot!r} is not a Camelot code like 8A")
    # One key, spelt both ways: from the musical key when it is one we can read, else from the Camelot code.
    code = keys.camelot(values.key or "") or keys.camelot(values.camelot or "")
    key_text = _key_notation(code) if code else values.key
    # The artists are checked before the credit made of them, so that an error names the field that holds it.
    artists = [value for artist in values.artists for value in _text("artists", artist)]
    texts = {
        "title": _text("title", values.full_title),
        "artist": _text("artist credit", values.display_artist),
        "artists": artists,
        "album": _text("album", values.album),
        "albumartist": _text("album artist", values.album_artist),
        "label": _text("label", values.label),
        "catalognumber": _text("catalogue number", values.catalog_number),
        "isrc": _text("ISRC", values.isrc),
        "bpm": _bpm_text(values.bpm),
        "key": _text("key", key_text),
        "camelot": [code] if code else [],
        "genre": _text("genre", values.genre),
        "date": _date_text(values.date),
        "tracknumber": _number_text("track number", values.track_number),
        "discnumber": _number_text("disc number", values.disc_number),
        "musicbrainz_recordingid": _text("MusicBrainz recording id", values.musicbrainz_recording_id),
        "musicbrainz_albumid": _text("MusicBrainz release id", values.musicbrainz_release_id),
        "musicbrainz_artistid": [
            value for mbid in values.musicbrainz_artist_ids for value in _text("MusicBrainz artist id", mbid)
        ],
        "musicbrainz_albumartistid": [
            value for mbid in values.musicbrainz_album_artist_ids
            for value in _text("MusicBrainz album artist id", mbid)
        ],
        "musicbrainz_releasegroupid": _text("MusicBrainz release group id", values.musicbrainz_release_group_id),
        "comment": _text("comment", values.comment),
    }
    if values.version:
        _text("version", values.version)  # checked even when there is no title to carry it
    return texts


def _text(what: str, value: str | None) -> list[str]:
    if value is None or value == "":
        return []
    if not isinstance(value, str):
        raise TagWriteError(f"the {what} must be text, not {type(value).__name__}")
    if "\x00" in value:
        # ID3 separates the values of a frame with NUL, so "A\0B" would read back as two values; refused
        # rather than stripped, so the file never says something other than the catalogue.
        raise TagWriteError(f"the {what} {value!r} holds a NUL character, which tags cannot carry; edit it out")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise TagWriteError(f"the {what} {value!r} holds a broken character (a lone UTF-16 surrogate)") from None
    return [value]


def _key_notation(code: str) -> str:
    """Return a Camelot code's key as ID3's TKEY spells it and DJ software reads it: "Am", "F#", "Abm"."""
    return keys.musical(code).replace(" minor", "m").replace(" major", "")


def _bpm_text(bpm: Decimal | float | None) -> list[str]:
    if bpm is None:
        return []
    try:
        value = Decimal(str(bpm))
    except InvalidOperation:
        raise TagWriteError(f"the BPM {bpm!r} is not a number") from None
    if not value.is_finite() or value <= 0 or value > 65535:
        raise TagWriteError(f"the BPM {bpm!r} is not a tempo (it must be above 0)")
    # Two decimals at most, and none that say nothing: 124.00 -> "124", 123.50 -> "123.5".
    text = format(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize(), "f")
    return [text]


def whole_bpm(text: str) -> int:
    """Return the BPM as the whole number MP4's tmpo holds: 123.5 is 124."""
    return int(Decimal(text).to_integral_value(rounding=ROUND_HALF_UP))


def _date_text(date: str | None) -> list[str]:
    if not date:
        return []
    if dates.parse_release_date(date) is None or len(date) not in (4, 7, 10) or read_date(date) != date:
        raise TagWriteError(f"the date {date!r} is not a date like 2019, 2019-05 or 2019-05-03")
    return [date]


def _number_text(what: str, number: int | None) -> list[str]:
    if number is None:
        return []
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 65535:
        raise TagWriteError(f"the {what} {number!r} is not a whole number from 1 to 65535")
    return [str(number)]


def prepared_artwork(artwork: bytes | Artwork | None) -> Artwork | None:
    """Return the artwork ready to embed (bytes go through prepare_artwork), or raise TagWriteError."""
    if artwork is None or isinstance(artwork, Artwork):
        return artwork
    try:
        return prepare_artwork(bytes(artwork))
    except ArtworkError as exc:
        raise TagWriteError(f"the artwork cannot be embedded: {exc}") from None
