"""Real audio files for the tag tests, made with ffmpeg once per session and copied for each test."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from tests.audio_factory import make_audio

# format name (as audio.probe.format_of says it) -> (file name extension, ffmpeg codec options)
FORMATS = {
    "mp3": ("mp3", ["-c:a", "libmp3lame", "-b:a", "320k"]),
    "flac": ("flac", ["-c:a", "flac"]),
    "aac": ("m4a", ["-c:a", "aac"]),
    "alac": ("m4a", ["-c:a", "alac"]),
    "aiff": ("aiff", ["-c:a", "pcm_s16be"]),
    "wav": ("wav", ["-c:a", "pcm_s16le"]),
    "ogg": ("ogg", ["-c:a", "libvorbis"]),
    "opus": ("opus", ["-c:a", "libopus"]),
}
ID3_FORMATS = ("mp3", "aiff", "wav")
VORBIS_FORMATS = ("flac", "ogg", "opus")
MP4_FORMATS = ("aac", "alac")
# tests.audio_factory's name for a format, where it differs from audio.probe's.
FACTORY_FORMATS = {"aac": "m4a"}


@pytest.fixture(scope="session")
def audio_sources(tmp_path_factory) -> dict[str, Path]:
    """Two seconds of a 440 Hz tone in every format, with no tags at all (tests.audio_factory makes them)."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    folder = tmp_path_factory.mktemp("audio-sources")
    return {
        name: make_audio(folder / f"sine-{name}.{extension}", format=FACTORY_FORMATS.get(name, name), seconds=2)
        for name, (extension, _codec) in FORMATS.items()
    }


@pytest.fixture
def audio_copy(audio_sources, tmp_path):
    """Return a function that copies the source file of a format into this test's folder."""

    def copy(name: str, file_name: str | None = None) -> Path:
        extension = FORMATS[name][0]
        target = tmp_path / (file_name or f"track-{name}.{extension}")
        shutil.copyfile(audio_sources[name], target)
        return target

    return copy


def image_bytes(width: int, height: int, image_format: str = "PNG", mode: str = "RGB") -> bytes:
    """Return an image of that size: a gradient, so that it is not a trivially compressible flat colour."""
    gradient = Image.linear_gradient("L").resize((width, height))
    if mode == "RGBA":
        image = Image.merge("RGBA", (gradient, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), gradient, gradient))
    else:
        image = Image.merge("RGB", (gradient, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), gradient))
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    return buffer.getvalue()


@pytest.fixture
def make_image():
    return image_bytes
