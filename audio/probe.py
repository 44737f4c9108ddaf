"""What an audio file is: its format and stream properties, read with mutagen.

`probe(path)` is the one reader of stream properties: download verification,
the folder scan and the tag writer all use it. It never trusts the file's
extension: the format is what mutagen finds inside the file, so a mislabelled
file ("song.flac" that holds an MP3) is seen for what it is.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import mutagen
from mutagen.aiff import AIFF
from mutagen.flac import FLAC
from mutagen.mp3 import MP3, BitrateMode
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

from common.audio_formats import AUDIO_EXTENSIONS, EXTENSIONS, LOSSLESS_FORMATS  # noqa: F401 - probe's own names


class AudioError(Exception):
    """A file that is not readable audio; the message says why, in words."""


@dataclass(frozen=True)
class AudioInfo:
    format: str  # mp3, flac, wav, aiff, aac, alac, ogg, opus
    duration: float  # seconds
    bitrate: int | None = None  # kbit/s
    sample_rate: int | None = None  # Hz
    bit_depth: int | None = None
    channels: int | None = None
    is_vbr: bool = False
    size: int = 0  # bytes

    @property
    def is_lossless(self) -> bool:
        return self.format in LOSSLESS_FORMATS

    @property
    def extension(self) -> str:
        """The usual file name extension for the format."""
        return EXTENSIONS[self.format][0]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def format_of(audio: mutagen.FileType) -> str:
    """Return the format name for a file mutagen opened."""
    if isinstance(audio, MP3):
        return "mp3"
    if isinstance(audio, FLAC):
        return "flac"
    if isinstance(audio, WAVE):
        return "wav"
    if isinstance(audio, AIFF):
        return "aiff"
    if isinstance(audio, MP4):
        return "alac" if getattr(audio.info, "codec", "") == "alac" else "aac"
    if isinstance(audio, OggOpus):
        return "opus"
    if isinstance(audio, OggVorbis):
        return "ogg"
    raise AudioError(f"{type(audio).__name__} files are not supported")


def open_audio(path: str | os.PathLike[str]) -> mutagen.FileType:
    """Return the file opened by mutagen, or raise AudioError saying why it cannot be read.

    mutagen weighs the file name's extension when it guesses the format; when that guess fails,
    the file is read again by its content alone, so a mislabelled file opens as what it is.
    """
    try:
        return _open(path)
    except AudioError:
        for kind in _kinds_by_content(path):
            try:
                return _open(path, kind)
            except AudioError:
                continue
        raise


KINDS = (MP3, FLAC, WAVE, AIFF, MP4, OggOpus, OggVorbis)


def _kinds_by_content(path: str | os.PathLike[str]) -> list[type[mutagen.FileType]]:
    """Return the formats whose header the file's first bytes carry, best first, ignoring its name."""
    try:
        with open(path, "rb") as stream:
            header = stream.read(128)
    except OSError:
        return []
    scored = [(kind.score("", None, header), kind) for kind in KINDS]
    return [kind for score, kind in sorted(scored, key=lambda pair: -pair[0]) if score > 0]


def _open(path: str | os.PathLike[str], kind: type[mutagen.FileType] | None = None) -> mutagen.FileType:
    try:
        audio = kind(path) if kind is not None else mutagen.File(path)
    except FileNotFoundError:
        raise AudioError("the file does not exist") from None
    except IsADirectoryError:
        raise AudioError("it is a folder, not a file") from None
    except PermissionError:
        raise AudioError("the file cannot be read (permission denied)") from None
    except mutagen.MutagenError as exc:
        cause = exc.__cause__ or exc.__context__ or exc
        if isinstance(cause, PermissionError):
            raise AudioError("the file cannot be read (permission denied)") from None
        raise AudioError(f"the file is damaged or not audio ({_reason(exc)})") from None
    except (OSError, ValueError, EOFError, IndexError, KeyError) as exc:
        raise AudioError(f"the file is damaged or not audio ({_reason(exc)})") from None
    if audio is None:
        raise AudioError("not an audio file (no audio format recognised)")
    return audio


def probe(path: str | os.PathLike[str]) -> AudioInfo:
    """Return the file's format and stream properties; raise AudioError if it is not readable audio."""
    audio = open_audio(path)
    info = audio.info
    duration = float(getattr(info, "length", 0) or 0)
    if duration <= 0:
        raise AudioError("the file holds no audio (zero length)")
    bitrate = getattr(info, "bitrate", None)
    is_vbr = isinstance(audio, MP3) and info.bitrate_mode in (BitrateMode.VBR, BitrateMode.ABR)
    return AudioInfo(
        format=format_of(audio),
        duration=round(duration, 3),
        # mutagen gives bits/s; a lossless file's figure is its average.
        bitrate=round(bitrate / 1000) if bitrate else None,
        sample_rate=getattr(info, "sample_rate", None) or None,
        bit_depth=getattr(info, "bits_per_sample", None) or None,
        channels=getattr(info, "channels", None) or None,
        is_vbr=bool(is_vbr),
        size=Path(path).stat().st_size,
    )


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or exc.__class__.__name__
    return text[:200]


_TIME = re.compile(rb"time=\s*(\d+):(\d\d):(\d\d(?:\.\d+)?)")


def decoded_seconds(path: str | os.PathLike[str], *, timeout: float = 120) -> float | None:
    """Return how many seconds of the file's audio ffmpeg can decode, or None when ffmpeg is not installed.

    mutagen reads only headers: a FLAC or MP3 garbled half way still reports its full length. Decoding
    the whole stream is the one way to see that only part of it plays.
    """
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return None
    try:
        finished = subprocess.run(
            [ffmpeg, "-nostdin", "-v", "error", "-stats", "-i", os.fspath(path), "-map", "0:a:0", "-f", "null", "-"],
            capture_output=True, timeout=timeout, check=False,
        )
    except subprocess.TimeoutExpired:
        raise AudioError(f"decoding the file took longer than {timeout:g} s") from None
    times = _TIME.findall(finished.stderr)
    if not times:
        return 0.0
    hours, minutes, seconds = times[-1]
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
