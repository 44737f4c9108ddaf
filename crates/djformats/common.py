"""What every DJ-software format shares: the neutral track and playlist they are written from, paths as the DJ's
computer sees them, keys in each program's spelling, and text that XML 1.0 can hold. No Django, no I/O."""

from __future__ import annotations

import datetime
import ntpath
import posixpath
import re
from dataclasses import dataclass
from decimal import Decimal

from tracks import keys

# XML 1.0 allows tab, line feed, carriage return and the characters from U+0020 on (less the surrogates and
# U+FFFE/U+FFFF); anything else makes the whole file unreadable, so it goes (a tag may hold a NUL or a U+0001).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")

# What Rekordbox calls each file format in its Kind column (English names, as its own English exports say).
KINDS = {
    "mp3": "MP3 File", "flac": "FLAC File", "wav": "WAV File", "aiff": "AIFF File", "aac": "M4A File",
    "alac": "M4A File", "m4a": "M4A File", "ogg": "OGG File", "vorbis": "OGG File", "opus": "OPUS File",
}


class FormatError(ValueError):
    """A file that is not the format it claims to be; the message names where and why, for a person."""


@dataclass(frozen=True)
class ExportTrack:
    """One track as the DJ-software formats write it. `path` is the file's path on the DJ's computer."""

    key: str  # unique within one export; playlists refer to tracks by it
    path: str
    title: str = ""  # the title with its version, as DJ software shows it: "Strobe (Club Edit)"
    artist: str = ""
    album: str = ""
    genre: str = ""
    label: str = ""
    remixer: str = ""
    mix: str = ""  # the version alone: "Club Edit"
    comment: str = ""
    year: int | None = None
    release_date: datetime.date | None = None
    bpm: Decimal | None = None
    key_code: str = ""  # Camelot ("8A"); "" when unknown
    duration: float | None = None  # seconds
    file_format: str = ""  # "mp3", "flac"... as the catalogue records it
    bitrate: int | None = None  # kbit/s
    sample_rate: int | None = None  # Hz
    size: int | None = None  # bytes
    rating: int | None = None  # 0-5 stars
    track_number: int | None = None
    disc_number: int | None = None
    date_added: datetime.date | None = None


@dataclass(frozen=True)
class ExportPlaylist:
    """A playlist (a crate): its name, the folders it sits in (outermost first) and its tracks' keys in order."""

    name: str
    keys: tuple[str, ...]
    folders: tuple[str, ...] = ()


def xml_text(value) -> str:
    """Return value as text an XML 1.0 file can hold: characters XML forbids are dropped."""
    return _NOT_XML.sub("", str(value if value is not None else ""))


def one_line(value) -> str:
    """Return text on one line (M3U's #EXTINF and a playlist's entries are lines)."""
    return " ".join(xml_text(value).split())


def is_windows_path(path: str) -> bool:
    """Return whether path is a Windows path with a drive ("D:\\Music\\a.mp3", "D:/Music/a.mp3")."""
    return bool(_WINDOWS_DRIVE.match(path or ""))


def path_for_dj(path: str, *, music_root: str, dj_music_root: str) -> str:
    """Return where the DJ's computer finds the file at path: music_root's files under dj_music_root (say the
    server's /srv/music is the Mac's /Volumes/Music, or D:\\Music on Windows); other paths, and every path when
    dj_music_root is empty, as they are."""
    if not dj_music_root or not music_root:
        return path
    root = posixpath.normpath(music_root)
    normal = posixpath.normpath(path)
    if normal != root and not normal.startswith(root.rstrip("/") + "/"):
        return path
    rest = normal[len(root):].lstrip("/")
    if is_windows_path(dj_music_root) or "\\" in dj_music_root:
        return ntpath.join(dj_music_root, *rest.split("/")) if rest else dj_music_root
    return posixpath.join(dj_music_root, rest) if rest else dj_music_root


def path_from_dj(path: str, *, music_root: str, dj_music_root: str) -> str:
    """Return where this machine finds a file a DJ program names (path_for_dj read backwards); other paths as
    they are. A Windows path is compared without regard to case or slash direction, as Windows does."""
    if not dj_music_root or not music_root:
        return path
    if is_windows_path(dj_music_root) or "\\" in dj_music_root:
        given, root = path.replace("\\", "/"), dj_music_root.replace("\\", "/").rstrip("/")
        if given.lower() == root.lower() or given.lower().startswith(root.lower() + "/"):
            rest = given[len(root):].lstrip("/")
            return posixpath.join(music_root, rest) if rest else music_root
        return path
    root = posixpath.normpath(dj_music_root)
    normal = posixpath.normpath(path)
    if normal == root or normal.startswith(root.rstrip("/") + "/"):
        rest = normal[len(root):].lstrip("/")
        return posixpath.join(music_root, rest) if rest else music_root
    return path


def classic_key(code: str) -> str:
    """Return a Camelot code in the short musical spelling Rekordbox and Traktor write ("8A" -> "Am", "2B" ->
    "F#"); "" for no key."""
    if not code:
        return ""
    name = keys.musical(code)
    return name.replace(" minor", "m").replace(" major", "")


# Traktor numbers keys 0-23: the twelve major keys from C (0) up by semitones, then the twelve minor keys from
# C minor (12). Checked against collections Traktor wrote: 21 is A minor (8A), 12 C minor (5A), 0 C major (8B).
_PITCH_OF = {"C": 0, "C#": 1, "Db": 1, "D": 2, "D#": 3, "Eb": 3, "E": 4, "F": 5, "F#": 6, "Gb": 6, "G": 7,
             "G#": 8, "Ab": 8, "A": 9, "A#": 10, "Bb": 10, "B": 11}


def traktor_key_number(code: str) -> int | None:
    """Return Traktor's MUSICAL_KEY number (0-23) of a Camelot code, or None for no key."""
    if not code:
        return None
    note, mode = keys.musical(code).split(" ")
    return _PITCH_OF[note] + (12 if mode == "minor" else 0)


def key_of_traktor_number(number: int) -> str:
    """Return the Camelot code of Traktor's MUSICAL_KEY number (0-23); raise ValueError outside that range."""
    if not 0 <= number <= 23:
        raise ValueError(f"{number} is not a Traktor key (0 to 23)")
    pitch, minor = number % 12, number >= 12
    names = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
    return keys.camelot(f"{names[pitch]}{'m' if minor else ''}") or ""


def kind_of(file_format: str, path: str = "") -> str:
    """Return Rekordbox's Kind for a file format ("MP3 File"), from the extension when the format is unknown."""
    name = (file_format or "").lower()
    if name in KINDS:
        return KINDS[name]
    extension = posixpath.splitext(path)[1].lstrip(".").lower()
    return KINDS.get(extension, f"{extension.upper()} File" if extension else "")
