"""Real audio files for tests, made with ffmpeg from a sine tone (with a little noise, see _signal).

Each distinct set of parameters is generated once per machine into a cache directory and copied from
there, so a test suite that needs hundreds of files runs ffmpeg only a handful of times. Files are
written under a temporary name and renamed into place, so parallel test processes never see half a file.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

# Named for how files are made: a change to _encode or _signal gets a fresh cache, never stale files.
CACHE_DIR = Path(tempfile.gettempdir()) / "cratedigger-audio-cache-2"
# Bump when the ffmpeg arguments change, so files made the old way are not reused.
CACHE_VERSION = 1

# format -> (file extension, muxer)
CONTAINERS = {
    "mp3": ("mp3", "mp3"),
    "flac": ("flac", "flac"),
    "wav": ("wav", "wav"),
    "aiff": ("aiff", "aiff"),
    "m4a": ("m4a", "ipod"),
    "alac": ("m4a", "ipod"),
    "ogg": ("ogg", "ogg"),
    "opus": ("opus", "opus"),
}
FORMATS = frozenset(CONTAINERS)
LOSSLESS = frozenset({"flac", "wav", "aiff", "alac"})
# What a lossy format is encoded at when the caller names no bitrate.
DEFAULT_BITRATE_KBPS = {"mp3": 320, "m4a": 256, "ogg": 192, "opus": 160}


def make_audio(
    path: str | os.PathLike[str],
    *,
    format: str,  # noqa: A002 - the name the callers use
    seconds: float = 3.0,
    bitrate_kbps: int | None = None,
    vbr: bool = False,
    frequency: int = 440,
    sample_rate: int = 44100,
    bit_depth: int = 16,
) -> Path:
    """Write a real audio file of the format at path (any name) and return the path.

    mp3 is CBR at bitrate_kbps (320 when none), or LAME V0 when vbr=True; m4a is AAC, alac is Apple
    Lossless in an m4a container, ogg is Vorbis, opus is Opus in Ogg. bit_depth (16 or 24) applies to
    the lossless formats, bitrate_kbps to the lossy ones.
    """
    if format not in FORMATS:
        raise ValueError(f"unknown audio format {format!r}; use one of {', '.join(sorted(FORMATS))}")
    if bit_depth not in (16, 24):
        raise ValueError(f"bit_depth must be 16 or 24, not {bit_depth}")
    if format in LOSSLESS:
        bitrate_kbps, vbr = None, False
    else:
        bit_depth = 16
        if format == "mp3" and vbr:
            bitrate_kbps = None
        elif bitrate_kbps is None:
            bitrate_kbps = DEFAULT_BITRATE_KBPS[format]
    key = (CACHE_VERSION, format, float(seconds), bitrate_kbps, vbr, frequency, sample_rate, bit_depth)
    cached = _cached(key, format, lambda target: _encode(target, *key[1:]))
    return _copy(cached, path)


def make_corrupt(path: str | os.PathLike[str], like: str | os.PathLike[str], *, truncate: bool = False) -> Path:
    """Write a damaged copy of the audio file `like` at path and return the path.

    The default keeps the first half of the real file and fills the rest with random bytes, so the
    header (and the size) still look right but the audio does not decode: a damaged file as a peer
    would share it. truncate=True writes only the first half, as an interrupted copy would leave it.
    """
    data = Path(like).read_bytes()
    half = data[: len(data) // 2]
    if truncate:
        damaged = half
    else:
        # Seeded by the original, so the same file is damaged the same way in every run.
        noise = random.Random(hashlib.sha256(data).digest()).randbytes(len(data) - len(half))
        damaged = half + noise
    return _write_atomically(Path(path), damaged)


def make_mislabelled(
    path: str | os.PathLike[str], *, seconds: float = 3.0, bitrate_kbps: int = 320, frequency: int = 440
) -> Path:
    """Write an MP3's bytes at path, whatever its name says (usually "something.flac"), and return the path."""
    return make_audio(path, format="mp3", seconds=seconds, bitrate_kbps=bitrate_kbps, frequency=frequency)


def extension_for(format: str) -> str:  # noqa: A002
    """Return the usual file name extension, without the dot, for a format make_audio knows."""
    return CONTAINERS[format][0]


def _encode(
    target: Path, format: str, seconds: float, bitrate_kbps: int | None, vbr: bool,  # noqa: A002
    frequency: int, sample_rate: int, bit_depth: int,
) -> None:
    extension, muxer = CONTAINERS[format]
    deep = bit_depth == 24
    codec_args = {
        "mp3": ["-c:a", "libmp3lame", *(["-q:a", "0"] if vbr else ["-b:a", f"{bitrate_kbps}k"])],
        "flac": ["-c:a", "flac",
                 *(["-sample_fmt", "s32", "-bits_per_raw_sample", "24"] if deep else ["-sample_fmt", "s16"])],
        "wav": ["-c:a", "pcm_s24le" if deep else "pcm_s16le"],
        "aiff": ["-c:a", "pcm_s24be" if deep else "pcm_s16be"],
        "m4a": ["-c:a", "aac", "-b:a", f"{bitrate_kbps}k"],
        "alac": ["-c:a", "alac", "-sample_fmt", "s32p" if deep else "s16p"],
        "ogg": ["-c:a", "libvorbis", "-b:a", f"{bitrate_kbps}k"],
        # Opus runs at 48 kHz whatever it is given; ffmpeg resamples.
        "opus": ["-c:a", "libopus", "-b:a", f"{bitrate_kbps}k"],
    }[format]
    command = [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
        "-f", "lavfi", "-i", _signal(frequency, sample_rate, seconds),
        # No tags of ffmpeg's own (an "encoder" tag, a WAV's RIFF INFO chunk that would hide an ID3 chunk).
        *codec_args, "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", muxer, str(target),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"ffmpeg could not make a {format} file ({extension}): {result.stderr.strip()[-500:]}")


def _signal(frequency: int, sample_rate: int, seconds: float) -> str:
    """Return the lavfi graph: the sine tone with a little pink noise, different in each channel.

    A pure tone compresses far better than music: LAME's V0 makes about 107 kbit/s of it and FLAC about
    100 kbit/s, which no real file has and which quality rules reject (V0 must average 215 or more).
    Noise at this level gives V0 about 242 kbit/s and FLAC about 1,390 kbit/s. Fixed seeds keep every
    run's file the same.
    """
    tone = f"sine=frequency={frequency}:sample_rate={sample_rate}:duration={seconds}"
    noise = f"anoisesrc=color=pink:amplitude=0.02:sample_rate={sample_rate}:duration={seconds}"
    return (
        f"{tone},asplit[t1][t2];{noise}:seed=1[n1];{noise}:seed=2[n2];"
        "[t1][n1]amix=inputs=2[left];[t2][n2]amix=inputs=2[right];[left][right]join=inputs=2:channel_layout=stereo"
    )


def _cached(key: tuple, format: str, build) -> Path:  # noqa: A002
    """Return the cache file for key, building it first if no process has yet."""
    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:20]
    cached = CACHE_DIR / f"{digest}.{CONTAINERS[format][0]}"
    if cached.exists() and cached.stat().st_size > 0:
        return cached
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    # ffmpeg picks nothing from the temporary name: the muxer is given with -f.
    descriptor, temporary = tempfile.mkstemp(dir=CACHE_DIR, prefix=f".{digest}-", suffix=".part")
    os.close(descriptor)
    try:
        build(Path(temporary))
        os.replace(temporary, cached)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return cached


def _copy(source: Path, path: str | os.PathLike[str]) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def _write_atomically(target: Path, data: bytes) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:40]}-", suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target
