"""The one tag writer: what the catalogue knows about a track, written into its audio file, and read back.

Every format goes through mutagen with MusicBrainz Picard's field names
(https://picard-docs.musicbrainz.org/en/appendices/tag_mapping.html), so Picard, players
and DJ software (Rekordbox, Serato, Traktor) read what we wrote:

| TagValues           | ID3 (MP3, AIFF, WAV)        | Vorbis (FLAC, Ogg, Opus)  | MP4 (AAC, ALAC)                      |
|---------------------|-----------------------------|---------------------------|--------------------------------------|
| title (+ version)   | TIT2                        | TITLE                     | ©nam                                 |
| artist_credit       | TPE1                        | ARTIST                    | ©ART                                 |
| artists (multi)     | TXXX:ARTISTS                | ARTISTS                   | ----ARTISTS                          |
| album, album_artist | TALB, TPE2                  | ALBUM, ALBUMARTIST        | ©alb, aART                           |
| label               | TPUB                        | LABEL                     | ----LABEL                            |
| catalog_number      | TXXX:CATALOGNUMBER          | CATALOGNUMBER             | ----CATALOGNUMBER                    |
| isrc                | TSRC                        | ISRC                      | ----ISRC                             |
| bpm                 | TBPM                        | BPM                       | tmpo (whole numbers only)            |
| key ("Am")          | TKEY                        | KEY and INITIALKEY        | ----initialkey                       |
| camelot ("8A")      | TXXX:CAMELOT                | CAMELOT                   | ----CAMELOT                          |
| genre               | TCON                        | GENRE                     | ©gen (numeric gnre removed)          |
| date                | TDRC (v2.3: TYER + TDAT)    | DATE                      | ©day                                 |
| track, disc number  | TRCK, TPOS (a /total stays) | TRACKNUMBER, DISCNUMBER   | trkn, disk (the total stays)         |
| MB recording id     | UFID:http://musicbrainz.org | MUSICBRAINZ_TRACKID       | ----MusicBrainz Track Id             |
| MB release id       | TXXX:MusicBrainz Album Id   | MUSICBRAINZ_ALBUMID       | ----MusicBrainz Album Id             |
| comment             | COMM (eng, no description)  | COMMENT                   | ©cmt                                 |
| artwork (front)     | APIC type 3                 | FLAC: PICTURE type 3;     | covr (all replaced: no types)        |
|                     |                             | Ogg: METADATA_BLOCK_PICT. |                                      |

---- is ----:com.apple.iTunes: (an MP4 freeform atom); METADATA_BLOCK_PICT. is METADATA_BLOCK_PICTURE.

Only these fields are ours: every other tag in the file (Serato's GEOB frames, ReplayGain,
a TXXX someone added) is kept. A field of ours whose value is empty is removed, so the
file says what the catalogue says and nothing stale. Artwork is the exception: without
new artwork the pictures already in the file are kept.

A write is atomic: the file is copied to a hidden temporary file beside it, the tags
are written into the copy, the copy is read back, flushed to disk and renamed over the
original, so a crash or a full disk leaves the old file or the new one, never half of
each. See `write_tags`.
"""

from __future__ import annotations

import base64
import binascii
import errno
import fcntl
import logging
import os
import re
import shutil
import stat
import struct
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO

import mutagen
from django.conf import settings
from mutagen.flac import FLAC, Picture
from mutagen.id3 import APIC, COMM, ID3, TXXX, UFID, Encoding, Frames, PictureType
from mutagen.mp4 import AtomDataType, MP4Cover, MP4FreeForm

from audio.artwork import Artwork, ArtworkError, prepare_artwork
from audio.probe import AudioError, format_of, open_audio
from core import dates
from matching.versions import parse_title
from tracks import keys

logger = logging.getLogger(__name__)

ID3_FORMATS = frozenset({"mp3", "wav", "aiff"})
VORBIS_FORMATS = frozenset({"flac", "ogg", "opus"})
MP4_FORMATS = frozenset({"aac", "alac"})

# Our field -> frame, per format. Field names are Picard's internal ones.
ID3_TEXT_FRAMES = {
    "title": "TIT2", "artist": "TPE1", "album": "TALB", "albumartist": "TPE2", "label": "TPUB", "isrc": "TSRC",
    "bpm": "TBPM", "key": "TKEY", "genre": "TCON", "date": "TDRC", "tracknumber": "TRCK", "discnumber": "TPOS",
}
ID3_TXXX = {
    "artists": "ARTISTS", "catalognumber": "CATALOGNUMBER", "camelot": "CAMELOT",
    "musicbrainz_albumid": "MusicBrainz Album Id",
}
MUSICBRAINZ_UFID_OWNER = "http://musicbrainz.org"
# Sort frames exist only in ID3v2.4, but iTunes and Picard keep them in v2.3 too; mutagen's
# v2.3 conversion would drop them, and they are not ours to drop.
ID3_V24_FRAMES_KEPT_IN_V23 = ("TSOA", "TSOP", "TSOT")
VORBIS_KEYS = {
    "title": ("TITLE",), "artist": ("ARTIST",), "artists": ("ARTISTS",), "album": ("ALBUM",),
    "albumartist": ("ALBUMARTIST",), "label": ("LABEL",), "catalognumber": ("CATALOGNUMBER",), "isrc": ("ISRC",),
    "bpm": ("BPM",),
    # Picard writes KEY; Traktor reads and writes INITIALKEY. Both hold the same text.
    "key": ("KEY", "INITIALKEY"),
    "camelot": ("CAMELOT",), "genre": ("GENRE",), "date": ("DATE",), "tracknumber": ("TRACKNUMBER",),
    "discnumber": ("DISCNUMBER",), "musicbrainz_recordingid": ("MUSICBRAINZ_TRACKID",),
    "musicbrainz_albumid": ("MUSICBRAINZ_ALBUMID",), "comment": ("COMMENT",),
}
MP4_TEXT_ATOMS = {
    "title": "©nam", "artist": "©ART", "album": "©alb", "albumartist": "aART", "genre": "©gen", "date": "©day",
    "comment": "©cmt",
}
MP4_FREEFORM_PREFIX = "----:com.apple.iTunes:"
MP4_FREEFORM = {
    "artists": "ARTISTS", "label": "LABEL", "catalognumber": "CATALOGNUMBER", "isrc": "ISRC", "key": "initialkey",
    "camelot": "CAMELOT", "musicbrainz_recordingid": "MusicBrainz Track Id",
    "musicbrainz_albumid": "MusicBrainz Album Id",
}
FIELDS = tuple(VORBIS_KEYS)  # every field we manage, in one order

# A value that a tag holds several of, read as one text (a foreign file's TPE1 "A\0B").
JOIN_READ = "; "
# The display artist when the catalogue has no credit: the artists in credit order.
ARTIST_JOIN = ", "
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_NUMBER = re.compile(r"^\s*(\d+)")
TEMP_MARK = ".cratedigger-"
TEMP_SUFFIX = ".tmp"
# mkstemp's random part; a temporary file of ours has exactly this many characters there.
TEMP_RANDOM_CHARS = 8
# The name of the file inside its temporary file's name, cut so that the whole stays under NAME_MAX (255 bytes).
TEMP_NAME_BYTES = 200
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
    musicbrainz_release_id: str | None = None
    comment: str | None = None  # where the tags came from

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
        # Not a Track field yet (providers report it, the catalogue does not keep it); written once it is.
        musicbrainz_release_id=getattr(track, "musicbrainz_release_id", "") or None,
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
        return "Tagged by Cratedigger"
    listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return f"Tagged by Cratedigger from {listed}"


# --- Reading ------------------------------------------------------------------------------------------------------


def read_tags(path: str | os.PathLike[str]) -> TagValues:
    """Return the fields of ours that the file's tags hold; raise AudioError if it is not readable audio.

    The title is split into title and version only when parse_title finds exactly one version
    in a trailing "(...)" and "title (version)" gives back the tag's text letter for letter;
    otherwise ("X - Extended Mix", "X (Wiggle)", two versions) the whole text is the title
    and version is None. Key spellings come back the Camelot chart's way ("G# minor" reads
    back as "Ab minor"), with the Camelot code beside it. An MP4 BPM is a whole number. An ID3
    genre that is a bare number or "(n)" reads as ID3v1's genre n ("0" is "Blues"), as players read it.
    """
    audio = open_audio(path)
    fmt = format_of(audio)
    if audio.tags is None:
        return TagValues()
    if fmt in ID3_FORMATS:
        texts = _read_id3(audio.tags)
    elif fmt in VORBIS_FORMATS:
        texts = {field: list(_vorbis_get(audio.tags, names)) for field, names in VORBIS_KEYS.items()}
    else:
        texts = _read_mp4(audio.tags)
    return _values_from_texts(texts)


def _vorbis_get(tags: Any, names: Iterable[str]) -> list[str]:
    for name in names:
        found = tags.get(name)
        if found:
            return [str(value) for value in found]
    return []


def _txxx_keys(tags: ID3, desc: str) -> list[str]:
    """Return the keys of TXXX frames with this description in any letter case (Picard reads them alike)."""
    wanted = desc.casefold()
    return [frame.HashKey for frame in tags.getall("TXXX") if frame.desc.casefold() == wanted]


def _comment_frames(tags: ID3) -> list[COMM]:
    """Return the COMM frames players show as the comment: those without a description, English first."""
    frames = [frame for frame in tags.getall("COMM") if frame.desc == ""]
    return sorted(frames, key=lambda frame: frame.lang != "eng")


def _read_id3(tags: ID3) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {field: [] for field in FIELDS}
    for field, frame_id in ID3_TEXT_FRAMES.items():
        frame = tags.get(frame_id)
        if frame is not None:
            texts[field] = [str(text) for text in frame.text]
    for field, desc in ID3_TXXX.items():
        found = _txxx_keys(tags, desc)
        if found:
            texts[field] = [str(text) for text in tags[found[0]].text]
    ufid = tags.get(f"UFID:{MUSICBRAINZ_UFID_OWNER}")
    if ufid is not None and ufid.data:
        texts["musicbrainz_recordingid"] = [ufid.data.decode("utf-8", "replace")]
    comments = _comment_frames(tags)
    if comments:
        texts["comment"] = [str(text) for text in comments[0].text]
    return texts


def _freeform_keys(tags: Any, name: str) -> list[str]:
    """Return the keys of freeform atoms named name in any letter case."""
    wanted = f"{MP4_FREEFORM_PREFIX}{name}".casefold()
    return [key for key in tags.keys() if key.casefold() == wanted]


def _read_mp4(tags: Any) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {field: [] for field in FIELDS}
    for field, atom in MP4_TEXT_ATOMS.items():
        texts[field] = [str(value) for value in tags.get(atom, [])]
    for field, name in MP4_FREEFORM.items():
        found = _freeform_keys(tags, name)
        if found:
            texts[field] = [bytes(value).decode("utf-8", "replace") for value in tags[found[0]]]
    if tags.get("tmpo"):
        texts["bpm"] = [str(tags["tmpo"][0])]
    for field, atom in (("tracknumber", "trkn"), ("discnumber", "disk")):
        if tags.get(atom) and tags[atom][0][0]:
            texts[field] = [str(tags[atom][0][0])]
    return texts


def _one(texts: dict[str, list[str]], field: str) -> str | None:
    values = [value for value in texts.get(field, []) if value]
    return JOIN_READ.join(values) if values else None


def _values_from_texts(texts: dict[str, list[str]]) -> TagValues:
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
        bpm=_read_bpm(_one(texts, "bpm")),
        key=key,
        camelot=code,
        genre=_one(texts, "genre"),
        date=_read_date(_one(texts, "date")),
        track_number=_read_number(_one(texts, "tracknumber")),
        disc_number=_read_number(_one(texts, "discnumber")),
        musicbrainz_recording_id=_one(texts, "musicbrainz_recordingid"),
        musicbrainz_release_id=_one(texts, "musicbrainz_albumid"),
        comment=_one(texts, "comment"),
    )


def _split_title(full_title: str) -> tuple[str, str | None]:
    parsed = parse_title(full_title)
    if parsed.version and not parsed.featuring and f"{parsed.base} ({parsed.version})" == full_title:
        return parsed.base, parsed.version
    return full_title, None


def _read_bpm(text: str | None) -> Decimal | None:
    try:
        bpm = Decimal((text or "").strip().replace(",", "."))
    except InvalidOperation:
        return None
    return bpm if bpm.is_finite() and bpm > 0 else None


def _read_date(text: str | None) -> str | None:
    match = _DATE.match((text or "").strip())
    return match.group(0) if match else None  # iTunes's "2019-05-03T07:00:00Z" reads as its date


def _read_number(text: str | None) -> int | None:
    match = _NUMBER.match(text or "")
    return (int(match.group(1)) or None) if match else None


# --- Writing: values to texts, checked ----------------------------------------------------------------------------


def _texts(values: TagValues) -> dict[str, list[str]]:
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


def _date_text(date: str | None) -> list[str]:
    if not date:
        return []
    if dates.parse_release_date(date) is None or len(date) not in (4, 7, 10) or _read_date(date) != date:
        raise TagWriteError(f"the date {date!r} is not a date like 2019, 2019-05 or 2019-05-03")
    return [date]


def _number_text(what: str, number: int | None) -> list[str]:
    if number is None:
        return []
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 65535:
        raise TagWriteError(f"the {what} {number!r} is not a whole number from 1 to 65535")
    return [str(number)]


def _prepared(artwork: bytes | Artwork | None) -> Artwork | None:
    if artwork is None or isinstance(artwork, Artwork):
        return artwork
    try:
        return prepare_artwork(bytes(artwork))
    except ArtworkError as exc:
        raise TagWriteError(f"the artwork cannot be embedded: {exc}") from None


# --- Writing: texts into each format -------------------------------------------------------------------------------


def _with_total(number: list[str], old: str | None) -> list[str]:
    """Return the number with the "/total" the frame already had: the total is not ours to drop."""
    if number and old and "/" in old:
        total = old.split("/", 1)[1].strip()
        if total:
            return [f"{number[0]}/{total}"]
    return number


def _write_id3(tags: ID3, texts: dict[str, list[str]], picture: Artwork | None) -> None:
    for field, frame_id in ID3_TEXT_FRAMES.items():
        value = texts[field]
        if field in ("tracknumber", "discnumber") and frame_id in tags:
            value = _with_total(value, str(tags[frame_id].text[0]) if tags[frame_id].text else None)
        tags.delall(frame_id)
        if value:
            tags.add(Frames[frame_id](encoding=Encoding.UTF8, text=value))
    for field, desc in ID3_TXXX.items():
        for key in _txxx_keys(tags, desc):
            del tags[key]
        if texts[field]:
            tags.add(TXXX(encoding=Encoding.UTF8, desc=desc, text=texts[field]))
    tags.delall(f"UFID:{MUSICBRAINZ_UFID_OWNER}")
    if texts["musicbrainz_recordingid"]:
        data = texts["musicbrainz_recordingid"][0].encode("utf-8")
        tags.add(UFID(owner=MUSICBRAINZ_UFID_OWNER, data=data))
    for frame in _comment_frames(tags):
        del tags[frame.HashKey]
    if texts["comment"]:
        tags.add(COMM(encoding=Encoding.UTF8, lang="eng", desc="", text=texts["comment"]))
    if picture is not None:
        for frame in tags.getall("APIC"):
            if frame.type == PictureType.COVER_FRONT:
                del tags[frame.HashKey]
        # APIC frames are told apart by description: keep clear of a back cover's empty one.
        desc = "" if "APIC:" not in tags else "Front cover"
        tags.add(APIC(encoding=Encoding.UTF8, mime=picture.mime, type=PictureType.COVER_FRONT, desc=desc,
                      data=picture.data))


def _to_id3v23(tags: ID3) -> None:
    """Convert tags to ID3v2.3 (TDRC becomes TYER + TDAT), keeping the sort frames iTunes and Picard keep."""
    kept = [frame for frame_id in ID3_V24_FRAMES_KEPT_IN_V23 for frame in tags.getall(frame_id)]
    tags.update_to_v23()
    for frame in kept:
        tags.add(frame)


def _flac_picture(picture: Artwork) -> Picture:
    block = Picture()
    block.type = PictureType.COVER_FRONT
    block.mime = picture.mime
    block.desc = ""
    block.width, block.height = picture.width, picture.height
    block.depth = 24  # bits per pixel: informative only (players decode the image), and right for an RGB cover
    block.data = picture.data
    return block


def _write_vorbis(audio: Any, texts: dict[str, list[str]], picture: Artwork | None) -> None:
    tags = audio.tags
    for field, names in VORBIS_KEYS.items():
        for name in names:
            if name in tags:
                del tags[name]
            if texts[field]:
                tags[name] = list(texts[field])
    if picture is None:
        return
    if isinstance(audio, FLAC):
        audio.metadata_blocks = [
            block for block in audio.metadata_blocks
            if not (isinstance(block, Picture) and block.type == PictureType.COVER_FRONT)
        ]
        audio.add_picture(_flac_picture(picture))
        return
    # Ogg has no picture block: the FLAC one goes base64-encoded into METADATA_BLOCK_PICTURE (Xiph's convention).
    kept = [value for value in tags.get("METADATA_BLOCK_PICTURE", []) if not _is_front_cover(value)]
    tags["METADATA_BLOCK_PICTURE"] = [*kept, base64.b64encode(_flac_picture(picture).write()).decode("ascii")]


def _is_front_cover(encoded: str) -> bool:
    try:
        return Picture(base64.b64decode(encoded)).type == PictureType.COVER_FRONT
    except (binascii.Error, ValueError, mutagen.MutagenError, struct.error):
        return False  # not a picture we can read: not ours to remove


def _write_mp4(tags: Any, texts: dict[str, list[str]], picture: Artwork | None) -> None:
    for field, atom in MP4_TEXT_ATOMS.items():
        tags.pop(atom, None)
        if texts[field]:
            tags[atom] = list(texts[field])
    tags.pop("gnre", None)  # the old numeric genre: players would show it beside ours
    for field, name in MP4_FREEFORM.items():
        for key in _freeform_keys(tags, name):
            del tags[key]
        if texts[field]:
            tags[f"{MP4_FREEFORM_PREFIX}{name}"] = [
                MP4FreeForm(value.encode("utf-8"), dataformat=AtomDataType.UTF8) for value in texts[field]
            ]
    tags.pop("tmpo", None)
    if texts["bpm"]:
        # tmpo holds a whole number only; 123.5 is written as 124.
        tags["tmpo"] = [int(Decimal(texts["bpm"][0]).to_integral_value(rounding=ROUND_HALF_UP))]
    for field, atom in (("tracknumber", "trkn"), ("discnumber", "disk")):
        old = tags.pop(atom, None)
        if texts[field]:
            total = old[0][1] if old and len(old[0]) > 1 else 0
            tags[atom] = [(int(texts[field][0]), total)]
    if picture is not None:
        # covr says nothing about front or back; the first image is the cover, so ours replaces them all.
        image_format = MP4Cover.FORMAT_PNG if picture.mime == "image/png" else MP4Cover.FORMAT_JPEG
        tags["covr"] = [MP4Cover(picture.data, imageformat=image_format)]


def _write_into(audio: Any, fmt: str, texts: dict[str, list[str]], picture: Artwork | None, id3_version: int) -> None:
    """Set our fields on a file mutagen opened, and save it."""
    if audio.tags is None:
        audio.add_tags()
    if fmt in ID3_FORMATS:
        _write_id3(audio.tags, texts, picture)
        if id3_version == 3:
            _to_id3v23(audio.tags)
        # v23_sep=None keeps several values apart with NUL in v2.3 too, as in v2.4: "/" would turn "AC/DC" into two.
        audio.save(v2_version=id3_version, v23_sep=None)
    elif fmt in VORBIS_FORMATS:
        _write_vorbis(audio, texts, picture)
        audio.save()
    else:
        _write_mp4(audio.tags, texts, picture)
        audio.save()


# --- Writing: the atomic file dance ---------------------------------------------------------------------------------


def write_tags(
    path: str | os.PathLike[str],
    values: TagValues,
    *,
    artwork: bytes | Artwork | None = None,
    id3_version: int | None = None,
    expected: FileStamp | None = None,
) -> None:
    """Write values into the file's tags, atomically; raise TagWriteError saying why if they cannot be written.

    artwork (bytes are prepared with prepare_artwork) becomes the front cover; None keeps the file's pictures.
    id3_version (3 or 4) overrides settings.TAGS_ID3_VERSION for MP3, AIFF and WAV; v2.3 cannot hold the
    frames only v2.4 has (TMOO, TDRL, ...), so writing v2.3 drops them, except the sort frames. With expected, a file
    whose stamp differs (someone wrote it since it was read) is left alone.

    The tags are written into a hidden copy beside the file (".name.cratedigger-XXXXXXXX.tmp"), which is
    read back, flushed to disk (fsync), given the file's permission bits and renamed over the file; then
    the folder is flushed so the rename itself survives a power cut. Killed at any moment, the write
    leaves the old file or the new one. Any error removes the copy. A copy left behind by a killed
    process is harmless (hidden, never the file itself) and the next write to the same file removes it:
    a live write holds a lock on its copy, so only a dead one's copy is ever removed.
    A symlink is followed: the file it points to gets the tags. A hard link to the file keeps the old
    contents, as with any save-by-rename.
    """
    target = Path(os.path.realpath(path))
    try:
        _write_tags(target, values, artwork, id3_version, expected)
    except TagWriteError as exc:
        if exc.path is None:
            exc.path = str(path)
        raise


def _write_tags(
    target: Path, values: TagValues, artwork: bytes | Artwork | None, id3_version: int | None,
    expected: FileStamp | None,
) -> None:
    version = settings.TAGS_ID3_VERSION if id3_version is None else id3_version
    if version not in (3, 4):
        raise TagWriteError(f"the ID3 version must be 3 or 4, not {version!r}")
    texts = _texts(values)
    picture = _prepared(artwork)
    try:
        status = os.stat(target)
    except FileNotFoundError:
        raise TagWriteError("the file does not exist (moved or deleted since it was found?)") from None
    except OSError as exc:
        raise TagWriteError(_os_reason(exc)) from None
    if not stat.S_ISREG(status.st_mode):
        raise TagWriteError("it is not a regular file")
    stamp = FileStamp(size=status.st_size, mtime_ns=status.st_mtime_ns)
    if expected is not None and stamp != expected:
        raise TagWriteError(_changed_reason(expected, stamp))
    # The write bits, not only os.access: root may write anything, but a read-only file was meant to stay as it is.
    if not status.st_mode & 0o222 or not os.access(target, os.W_OK):
        # Renaming over a read-only file would succeed (the folder is what allows it); the read-only
        # bit says the owner wants the file left alone, so it is honoured.
        raise TagWriteError("the file is read-only (permission denied); make it writable to write its tags")
    try:
        audio = open_audio(target)
        fmt = format_of(audio)
    except AudioError as exc:
        raise TagWriteError(f"{exc}; nothing was written") from None
    length = float(getattr(audio.info, "length", 0) or 0)

    def write(copy: str) -> None:
        _write_copy(copy, type(audio), fmt, texts, picture, version, length)

    try:
        _remove_dead_temporary_files(target)
        _replace_atomically(target, status, stamp, write)
    except TagWriteError:
        raise
    except OSError as exc:
        raise TagWriteError(_os_reason(exc)) from exc
    except mutagen.MutagenError as exc:
        cause = _os_cause(exc)
        if cause is not None:
            raise TagWriteError(_os_reason(cause)) from exc
        raise TagWriteError(f"mutagen could not write the tags ({_short(exc)}); the file was left as it was") from exc
    except (ValueError, struct.error) as exc:
        raise TagWriteError(f"the tags could not be encoded ({_short(exc)}); the file was left as it was") from exc


def _write_copy(
    copy: str, kind: type[mutagen.FileType], fmt: str, texts: dict[str, list[str]], picture: Artwork | None,
    id3_version: int, length: float,
) -> None:
    """Write the tags into the copy and check that it still reads as the same audio."""
    _write_into(kind(copy), fmt, texts, picture, id3_version)
    try:
        written = kind(copy)
    except (mutagen.MutagenError, OSError, ValueError, struct.error) as exc:
        raise TagWriteError(
            f"the written copy did not read back as audio ({_short(exc)}); the file was left as it was"
        ) from None
    new_length = float(getattr(written.info, "length", 0) or 0)
    if new_length <= 0 or abs(new_length - length) > max(0.5, length * 0.01):
        raise TagWriteError(
            f"the written copy reads as {new_length:.2f} s of audio, not {length:.2f} s; the file was left as it was"
        )


def _replace_atomically(target: Path, status: os.stat_result, stamp: FileStamp, write) -> None:
    """Copy target beside itself, let write(copy_path) change the copy, then rename the copy over target."""
    handle, copy = _locked_temporary_file(target)
    replaced = False
    try:
        with open(target, "rb") as source:
            shutil.copyfileobj(source, handle, 1024 * 1024)
        handle.flush()
        _keep_owner(handle.fileno(), status)  # before the mode: a change of owner clears setuid/setgid bits
        os.fchmod(handle.fileno(), stat.S_IMODE(status.st_mode))
        write(copy)
        os.fsync(handle.fileno())  # syncs the file, whichever descriptor wrote it
        now = file_stamp(target)
        if now != stamp:
            raise TagWriteError(_changed_reason(stamp, now, during=True))
        os.replace(copy, target)
        replaced = True
    finally:
        handle.close()  # releases the lock
        if not replaced:
            _unlink_quietly(copy)
    _fsync_directory(target.parent)


def _temporary_prefix(target: Path) -> str:
    name = os.fsdecode(os.fsencode(target.name)[:TEMP_NAME_BYTES])
    return f".{name}{TEMP_MARK}"


def _locked_temporary_file(target: Path) -> tuple[BinaryIO, str]:
    """Return (open file, path) of a new temporary file beside target, locked for as long as it is open."""
    for _attempt in range(3):
        try:
            descriptor, copy = tempfile.mkstemp(prefix=_temporary_prefix(target), suffix=TEMP_SUFFIX, dir=target.parent)
        except PermissionError:
            raise TagWriteError(
                "the folder is read-only (permission denied): the write needs a temporary file beside the file"
            ) from None
        handle = os.fdopen(descriptor, "r+b")
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            # Another write's cleanup may have removed the name between mkstemp and the lock; then start again.
            if os.stat(copy).st_ino == os.fstat(handle.fileno()).st_ino:
                return handle, copy
        except FileNotFoundError:
            pass
        handle.close()
    raise TagWriteError("another write to this file kept removing the temporary copy; try again")


def _remove_dead_temporary_files(target: Path) -> None:
    """Remove temporary copies of target that a killed write left behind (a live write holds a lock on its own)."""
    prefix = _temporary_prefix(target)
    length = len(prefix) + TEMP_RANDOM_CHARS + len(TEMP_SUFFIX)
    try:
        entries = [entry.name for entry in os.scandir(target.parent)]
    except OSError:
        return
    for name in entries:
        if not (name.startswith(prefix) and name.endswith(TEMP_SUFFIX) and len(name) == length):
            continue
        path = target.parent / name
        try:
            with open(path, "rb") as stale:
                fcntl.flock(stale.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                os.unlink(path)
            logger.info("Removed %s, left by a tag write that was killed", path)
        except (BlockingIOError, FileNotFoundError):
            continue  # a write under way holds it, or another cleanup got there first
        except OSError as exc:
            logger.warning("Could not remove the leftover temporary file %s: %s", path, exc)


def _keep_owner(descriptor: int, status: os.stat_result) -> None:
    """Give the copy the file's owner and group where this process may.

    Root may give both; another user may give only a group it belongs to, and the file then
    becomes its own (the renamed copy is a new file, made by this process).
    """
    copy_status = os.fstat(descriptor)
    if (copy_status.st_uid, copy_status.st_gid) == (status.st_uid, status.st_gid):
        return
    try:
        os.fchown(descriptor, status.st_uid, status.st_gid)
        return
    except PermissionError:
        pass
    try:
        os.fchown(descriptor, -1, status.st_gid)
    except PermissionError:
        logger.debug("could not keep the group of a tagged file")


def _fsync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError as exc:  # some file systems cannot sync a folder; the rename has happened either way
        logger.debug("could not fsync %s: %s", directory, exc)
    finally:
        os.close(descriptor)


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        logger.warning("Could not remove the temporary file %s: %s", path, exc)


def _changed_reason(before: FileStamp, after: FileStamp, *, during: bool = False) -> str:
    when = "while its tags were being written" if during else "since it was read"
    what = "size" if before.size != after.size else "modification time"
    return f"the file changed on disk {when} (its {what} differs); nothing was written, read it again and retry"


def _os_cause(exc: BaseException) -> OSError | None:
    """Return the OSError under a mutagen error, if the failure was the operating system's."""
    seen = exc
    while seen is not None:
        if isinstance(seen, OSError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _os_reason(exc: OSError) -> str:
    """Return an OS error as a reason a person can act on."""
    reasons = {
        errno.ENOSPC: "the disk is full; free some space and write the tags again",
        errno.EDQUOT: "the disk quota is used up; free some space and write the tags again",
        errno.EROFS: "the file system is mounted read-only",
        errno.ENOENT: "the file or its folder disappeared during the write",
        errno.EACCES: "permission denied: the file or its folder is not writable by this user",
        errno.EPERM: "permission denied: the file or its folder is not writable by this user",
    }
    return reasons.get(exc.errno) or f"the operating system refused the write ({exc.strerror or _short(exc)})"


def _short(exc: BaseException) -> str:
    return (str(exc).strip() or exc.__class__.__name__)[:200]
