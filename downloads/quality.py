"""The quality preferences and the one rule that says whether a file meets one.

The same rule judges a search result (from what the peer says about the file)
and a finished download (from what mutagen reads in it), so a file is never
chosen under one reading and verified under another.
"""

from __future__ import annotations

from django.db import models

from audio.probe import AUDIO_EXTENSIONS as PROBED_EXTENSIONS
from audio.probe import EXTENSIONS, LOSSLESS_FORMATS

# What can be downloaded is what can be verified: the formats audio.probe reads (WMA, APE and WavPack cannot be).
AUDIO_EXTENSIONS = PROBED_EXTENSIONS | frozenset(EXTENSIONS)
# An MP3 at "320 kbit/s": encoders and readers round, so a little under still counts.
MP3_320 = 315
# LAME's V0 averages 220 to 260 kbit/s; below this a VBR file is a lower setting.
MP3_V0 = 215
# Sources whose files are lossy transcodes of a stream: fine for `any`, never for best or good.
STREAM_SOURCES = frozenset({"ytdlp"})


class Quality(models.TextChoices):
    BEST = "best", "Best (lossless; 320 kbit/s MP3 only when no lossless file exists)"
    GOOD = "good", "Good (320 kbit/s MP3, V0 or lossless)"
    ANY = "any", "Any audio"


def format_of_extension(extension: str) -> str:
    """Return the audio format a file name's extension names ("aif" -> "aiff"), or the extension."""
    extension = extension.lower().lstrip(".")
    return {"wave": "wav", "aif": "aiff", "aifc": "aiff", "oga": "ogg"}.get(extension, extension)


def is_lossless(format_or_extension: str) -> bool:
    return format_of_extension(format_or_extension) in LOSSLESS_FORMATS


def is_mp3_320(format_or_extension: str, bitrate: int | None, is_vbr: bool) -> bool:
    return format_of_extension(format_or_extension) == "mp3" and not is_vbr and (bitrate or 0) >= MP3_320


def is_mp3_v0(format_or_extension: str, bitrate: int | None, is_vbr: bool) -> bool:
    return format_of_extension(format_or_extension) == "mp3" and is_vbr and (bitrate or 0) >= MP3_V0


def describe(format_or_extension: str, bitrate: int | None, is_vbr: bool = False) -> str:
    """Return a file's quality in words: "FLAC", "MP3 320 kbit/s", "MP3 VBR 245 kbit/s"."""
    name = format_of_extension(format_or_extension).upper() or "unknown format"
    if is_lossless(format_or_extension) or not bitrate:
        return name
    return f"{name} {'VBR ' if is_vbr else ''}{bitrate} kbit/s"


def meets(
    quality: str, *, format: str, bitrate: int | None, is_vbr: bool = False, source: str = "",
    lossless_elsewhere: bool = True,
) -> tuple[bool, str]:
    """Return whether a file meets the quality preference, and the reason in words when it does not.

    For `best`, a 320 kbit/s MP3 is enough only when no lossless file exists in the
    search (lossless_elsewhere=False). A stream source's file meets only `any`.
    """
    fmt = format_of_extension(format)
    what = describe(fmt, bitrate, is_vbr)
    if fmt not in AUDIO_EXTENSIONS:
        return False, f"{what} is not an audio format"
    if quality == Quality.ANY:
        return True, ""
    if source in STREAM_SOURCES:
        return False, f"a {source} file ({what}) is a lossy stream copy, never {quality}"
    if quality == Quality.BEST:
        if is_lossless(fmt):
            return True, ""
        if is_mp3_320(fmt, bitrate, is_vbr):
            if lossless_elsewhere:
                return False, f"{what} is not lossless, and a lossless file exists"
            return True, ""
        return False, f"{what} is neither lossless nor a 320 kbit/s MP3"
    if quality == Quality.GOOD:
        if is_lossless(fmt) or is_mp3_320(fmt, bitrate, is_vbr) or is_mp3_v0(fmt, bitrate, is_vbr):
            return True, ""
        return False, f"{what} is below good (320 kbit/s MP3, V0 or lossless)"
    return False, f"unknown quality {quality!r}"
