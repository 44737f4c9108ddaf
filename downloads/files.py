"""What happens to a downloaded file: check it is what was chosen, then file it in the library or set it aside.

`verify` reads the file with mutagen (`audio.probe`) and refuses it, with a reason a DJ understands, when it is
not readable audio, is another format than the one chosen, is shorter or longer than the track, did not arrive
whole, is below the quality asked for, or does not decode to its full length (`audio.probe.decoded_seconds`,
with ffmpeg when it is installed: mutagen reads only headers, so a file garbled halfway looks whole to it).
`quarantine` moves a refused file out of the way, with its reason.

`library_path` renders DOWNLOAD_PATH_TEMPLATE into a path under MUSIC_ROOT. Every value (artist, album, ...)
comes from providers or peers, so each folder and file name it makes passes through `common.paths.safe_segment`:
an artist "AC/DC" is one folder "AC_DC", and no value can climb out of MUSIC_ROOT. `file_into_library` moves the
file there without ever overwriting one, by the shared base's filing (`common.files.place`): the final name is
taken with `os.link`, which fails if the name exists, so two workers filing at once never share a name, and a move
across filesystems goes through a hidden temporary copy in the destination folder, so the library never holds half
a file.

Template syntax (DOWNLOAD_PATH_TEMPLATE, default "{artist}/{album}/{artist} - {title}{ (version)}.{ext}"):

- "/" (or "\\") in the template separates folders; a "/" inside a value never does.
- "{field}" is replaced by the value. Fields: artist, album, title, version, ext, year, label, genre.
  An empty artist, album or title becomes "Unknown Artist", "Unknown Album", "Unknown Title"; an empty version,
  year, label or genre becomes nothing (a folder left empty by that is dropped).
- "{text field text}" (text around the field name inside the braces) is an optional group: it renders the
  text and the value only when the value is non-empty, and renders nothing otherwise (no fallback).
  "{ (version)}" gives " (Extended Mix)" or nothing; "{album/}" gives an album folder only when there is an
  album, so "{artist}/{album/}{artist} - {title}.{ext}" files singles straight in the artist's folder.
- The file name (after the last "/") must contain "{title}" and end with ".{ext}", so every file keeps its
  extension and has a name. Braces are only for fields; a template that breaks these rules raises ValueError.
- Names that would be hidden (a leading ".", as in "...And You Will Know Us by the Trail of Dead") lose
  their leading dots: a hidden file would be invisible in Finder and to library scans.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from audio.probe import EXTENSIONS, AudioError, AudioInfo, decoded_seconds, probe
from common.files import FilingFailed, Placed, place
from common.paths import MAX_EXTENSION_BYTES, UnsafePath, safe_join, safe_segment
from common.text import length_text, size_text
from downloads.quality import format_of_extension, meets
from matching.weights import DURATION_TOLERANCE, SAME_AUDIO_TOLERANCE

logger = logging.getLogger(__name__)

FIELDS = ("artist", "album", "title", "version", "ext", "year", "label", "genre")
FALLBACKS = {"artist": "Unknown Artist", "album": "Unknown Album", "title": "Unknown Title"}
_TEMPLATE_SEPARATORS = re.compile(r"[\\/]")
_WORD = re.compile(r"[A-Za-z_]+")
_DRIVE = re.compile(r"[A-Za-z]:")
# What a filing's failure tells a person to do once its cause is fixed.
AGAIN = "retry the download"


class VerificationFailed(Exception):
    """A downloaded file that is not what was chosen; the reason says why, in words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- Verification ------------------------------------------------------------------------------------------------


def verify(
    path: str | os.PathLike[str], *, chosen_format: str, quality: str, expected_duration: float | None,
    expected_size: int | None = None, source: str = "", lossless_elsewhere: bool = True,
) -> AudioInfo:
    """Return the file's audio properties; raise VerificationFailed saying why it is not the file chosen."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise VerificationFailed("the file does not exist") from None
    except OSError as exc:
        raise VerificationFailed(f"the file cannot be read ({exc.strerror or exc})") from None
    # Before reading it: a cut-short transfer often still opens, and "damaged" would hide what happened.
    if expected_size is not None and expected_size > 0 and size != expected_size:
        raise VerificationFailed(_size_mismatch(size, expected_size))
    try:
        info = probe(path)
    except AudioError as exc:
        raise VerificationFailed(str(exc)) from None
    accepted = _formats_of_extension(chosen_format)
    if info.format not in accepted:
        chosen = chosen_format.lower().lstrip(".").upper() or "different"
        raise VerificationFailed(f"the file is {info.format.upper()} audio, "
                                 f"but {_article(chosen)} {chosen} file was chosen")
    # Headers can lie: a file garbled half way still says its full length. Decode it to be sure it plays.
    try:
        decoded = decoded_seconds(path)
    except AudioError as exc:
        raise VerificationFailed(f"the file could not be checked: {exc}") from None
    if decoded is not None and decoded < info.duration - max(1.0, 0.02 * info.duration):
        raise VerificationFailed(
            f"the file is damaged: only {length_text(decoded)} of its {length_text(info.duration)} can be played"
        )
    if expected_duration and abs(info.duration - expected_duration) > DURATION_TOLERANCE:
        raise VerificationFailed(
            f"the file is {length_text(info.duration)} long, but the track is {length_text(expected_duration)}"
        )
    ok, why = meets(
        quality, format=info.format, bitrate=info.bitrate, is_vbr=info.is_vbr, source=source,
        lossless_elsewhere=lossless_elsewhere,
    )
    if not ok:
        raise VerificationFailed(why)
    return info


def _formats_of_extension(extension: str) -> frozenset[str]:
    """Return the formats a file chosen under this extension may hold: "m4a" holds AAC or ALAC."""
    extension = extension.lower().lstrip(".")
    named = {fmt for fmt, extensions in EXTENSIONS.items() if extension in extensions}
    return frozenset(named | {format_of_extension(extension)})


def _article(word: str) -> str:
    # Said letter by letter (MP3, M4A, AIFF, OGG) or as a word (FLAC, WAV): "an MP3", "a FLAC".
    return "an" if word[:1] in "AEIOUM" else "a"


def _size_mismatch(size: int, expected: int) -> str:
    have, want = size_text(size), size_text(expected)
    if have == want:
        have, want = f"{size:,} bytes", f"{expected:,} bytes"
    if size < expected:
        return f"only {have} of {want} arrived: the transfer was cut short"
    return f"the file is {have}, but the source listed it as {want}"


def quarantine(path: str | os.PathLike[str], *, reason: str) -> Path | None:
    """Move a refused file into the quarantine folder with its reason beside it; return where it went.

    Return None when the file is already gone, or when it cannot be moved (it then stays where it was, and
    the failure is logged): setting a refused file aside must never stop the download from trying the next one.
    """
    path = Path(path)
    if not path.is_file():
        return None
    quarantine_root = Path(settings.DOWNLOAD_QUARANTINE_DIR)
    music_root = Path(settings.MUSIC_ROOT)
    if Path(os.path.realpath(quarantine_root)).is_relative_to(os.path.realpath(music_root)):
        raise ImproperlyConfigured(
            f"DOWNLOAD_QUARANTINE_DIR={str(quarantine_root)!r} is inside MUSIC_ROOT={str(music_root)!r}: "
            "refused downloads would show up in the library. Point it at a folder outside the music folder."
        )
    folder = quarantine_root / timezone.localdate().isoformat()
    name = safe_segment(path.name, fallback="download")
    try:
        kept = place(path, folder / name, again=AGAIN, what="the refused file").path
    except FilingFailed as exc:
        logger.error("Could not quarantine %s (%s): %s", path, reason, exc.reason)
        return None
    note = kept.with_name(safe_segment(f"{kept.name}.reason.txt"))
    try:
        note.write_text(
            f"{reason}\n\nDownloaded as: {path}\nSet aside: {timezone.now().isoformat(timespec='seconds')}\n",
            encoding="utf-8",
        )
    except OSError as exc:
        logger.warning("Quarantined %s but could not write its reason (%s): %s", kept, exc.strerror or exc, reason)
    return kept


# --- The path template -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Field:
    name: str
    prefix: str = ""
    suffix: str = ""

    @property
    def optional(self) -> bool:
        return bool(self.prefix or self.suffix)


@lru_cache(maxsize=32)
def parse_template(template: str) -> tuple[str | _Field, ...]:
    """Return the template as literal text and fields; raise ValueError naming what is wrong with it."""

    def invalid(problem: str) -> ValueError:
        return ValueError(f"The file path template {template!r} is not valid: {problem}.")

    tokens: list[str | _Field] = []
    position = 0
    while position < len(template):
        opening, closing = template.find("{", position), template.find("}", position)
        if closing != -1 and (opening == -1 or closing < opening):
            raise invalid(f"the '}}' at character {closing + 1} closes no '{{'")
        if opening == -1:
            tokens.append(template[position:])
            break
        if opening > position:
            tokens.append(template[position:opening])
        if closing == -1:
            raise invalid(f"the '{{' at character {opening + 1} is never closed with '}}'")
        body = template[opening + 1:closing]
        if "{" in body:
            raise invalid(f"the '{{' at character {opening + 1} is not closed before the next '{{'")
        tokens.append(_group(body, invalid))
        position = closing + 1
    _check_structure(template, tuple(tokens), invalid)
    return tuple(tokens)


def _group(body: str, invalid: Callable[[str], ValueError]) -> _Field:
    words = list(_WORD.finditer(body))
    fields = [word for word in words if word.group() in FIELDS]
    known = ", ".join(FIELDS)
    if not fields:
        if words:
            raise invalid(f"{{{body}}} names the unknown field {words[0].group()!r}; the fields are {known}")
        raise invalid(f"{{{body}}} names no field; the fields are {known}")
    if len(fields) > 1:
        names = ", ".join(word.group() for word in fields)
        raise invalid(f"{{{body}}} holds more than one field ({names}); give each its own braces")
    field = fields[0]
    return _Field(field.group(), prefix=body[: field.start()], suffix=body[field.end():])


def _check_structure(template: str, tokens: tuple[str | _Field, ...], invalid: Callable[[str], ValueError]) -> None:
    if not template.strip():
        raise invalid("it is empty")
    if _TEMPLATE_SEPARATORS.match(template) or _DRIVE.match(template):
        raise invalid("it must be a path inside MUSIC_ROOT, not start with a drive or a separator")
    # Filled with a sample value, every part must be a real name: no "//", no "." or "..".
    for segment in _render(tokens, dict.fromkeys(FIELDS, "x")):
        if not segment.strip():
            raise invalid("it has an empty folder name (two separators in a row, or one at the end)")
        if segment.strip() in (".", ".."):
            raise invalid(f"it has a folder named {segment.strip()!r}, which would leave the folder it is in")
    ends_with_ext = (
        len(tokens) >= 2 and tokens[-1] == _Field("ext") and isinstance(tokens[-2], str) and tokens[-2].endswith(".")
    )
    if not ends_with_ext:
        raise invalid("it must end with '.{ext}' so every file keeps its extension")
    # A plain {title} in the file name always renders (as "Unknown Title" at worst), so no file is nameless.
    without_title = {**dict.fromkeys(FIELDS, "x"), "title": ""}
    if FALLBACKS["title"] not in _render(tokens, without_title)[-1]:
        raise invalid("the file name (after the last '/') must contain {title}")


def _render(tokens: tuple[str | _Field, ...], values: dict[str, str]) -> list[str]:
    """Return the rendered folder and file names, before they are made safe."""
    segments = [""]

    def literal(text: str) -> None:
        first, *rest = _TEMPLATE_SEPARATORS.split(text)
        segments[-1] += first
        segments.extend(rest)

    for token in tokens:
        if isinstance(token, str):
            literal(token)
            continue
        value = values.get(token.name, "")
        if token.optional:
            if value:
                literal(token.prefix)
                segments[-1] += value  # a value's "/" stays in its name; safe_segment makes it "_"
                literal(token.suffix)
            continue
        segments[-1] += value or FALLBACKS.get(token.name, "")
    return segments


def _value(text: object) -> str:
    """Return a metadata value with its whitespace tidied, or "" when nothing usable is left of it."""
    # Trailing dots go as safe_segment drops them from a folder name, so "R.E.M." is "R.E.M" in every name.
    text = " ".join(str(text or "").split()).rstrip(" .")
    try:
        safe_segment(text)
    except UnsafePath:
        return ""  # "..", "\x00", "   ": nothing a name can show, so the field's fallback applies
    return text


def _extension(ext: str) -> str:
    extension = ext.strip().lstrip(".").lower()
    if not (extension.isascii() and extension.isalnum() and len(extension) <= MAX_EXTENSION_BYTES):
        raise ValueError(f"{ext!r} is not a file extension: use letters and digits only, such as flac or mp3")
    return extension


def _library_name(text: str) -> str | None:
    """Return text as one safe, visible folder or file name, or None when nothing is left of it."""
    try:
        # A second pass: dropping the leading dots of ".CON" leaves a device name to defuse again.
        return safe_segment(safe_segment(text).lstrip(". "))
    except UnsafePath:
        return None


def library_path(
    *, artist: str, album: str, title: str, version: str, ext: str, year: str | int | None = "", label: str = "",
    genre: str = "", template: str | None = None, root: str | os.PathLike[str] | None = None,
) -> Path:
    """Return where a file goes in the library: the template rendered with safe names under root."""
    tokens = parse_template(settings.DOWNLOAD_PATH_TEMPLATE if template is None else template)
    root = Path(settings.MUSIC_ROOT if root is None else root)
    values = {
        "artist": _value(artist), "album": _value(album), "title": _value(title), "version": _value(version),
        "year": _value(year), "label": _value(label), "genre": _value(genre), "ext": _extension(ext),
    }
    names = [name for name in map(_library_name, _render(tokens, values)) if name]
    # safe_join checks the resolved path, so a symbolic link inside root cannot lead the file out of it.
    path = safe_join(root, names)
    if not Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root)):  # pragma: no cover - safe_join's job
        raise UnsafePath(f"{path} is not inside {root}")
    return path


def track_library_path(track, *, ext: str, root: str | os.PathLike[str] | None = None) -> Path:
    """Return where a catalogue track's file belongs under root (MUSIC_ROOT) by DOWNLOAD_PATH_TEMPLATE: the album
    artist's (else the first artist's) folder, as a download is filed."""
    artist = track.album_artist or (track.artists[0] if track.artists else track.credit_name) or ""
    return library_path(
        artist=artist, album=track.album, title=track.title, version=track.version, ext=ext,
        year=str(track.release_date.year) if track.release_date else "", label=track.label, genre=track.genre,
        root=root,
    )


@checks.register()
def check_path_template(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Report a DOWNLOAD_PATH_TEMPLATE that library_path would refuse, at start rather than at the first download."""
    try:
        parse_template(settings.DOWNLOAD_PATH_TEMPLATE)
    except ValueError as exc:
        return [checks.Error(str(exc), hint="Fix DOWNLOAD_PATH_TEMPLATE.", id="downloads.E001")]
    return []


# --- Filing ------------------------------------------------------------------------------------------------------


def file_into_library(source: str | os.PathLike[str], *, destination: Path, info: AudioInfo) -> Placed:
    """Move the verified file to destination, or beside it as "name (2).ext", never overwriting a file.

    When destination (or a numbered name beside it) already holds the same audio (same size, length within
    SAME_AUDIO_TOLERANCE), the download is a duplicate: the source is deleted and the existing file returned.
    Raise FilingFailed, leaving the source in place and no partial file in the library, when it cannot be moved.
    """
    source = Path(source)
    destination = Path(destination)
    try:
        size = source.stat().st_size
    except OSError as exc:
        raise FilingFailed(f"the downloaded file {source} cannot be read ({exc.strerror or exc})") from None

    def is_same(existing: Path) -> bool:
        try:
            if os.path.samefile(existing, source):
                return True
            if existing.stat().st_size != size:
                return False
            return abs(probe(existing).duration - info.duration) <= SAME_AUDIO_TOLERANCE
        except (OSError, AudioError):
            return False

    return place(source, destination, is_same=is_same, again=AGAIN, what="the downloaded file")
