"""A music folder of real files for the crates' tests: music-like audio made with ffmpeg (a tune of stepping tones,
so Chromaprint hears it as music), tagged, and catalogue and library tracks pointing at them."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from audio.file_matching import track_file_fields
from audio.probe import probe
from library.models import LibraryTrack
from tracks.models import Track

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "djsoftware"
# Two different tunes: pitches stepping at different rates, with a pulsing second voice.
TUNES = {
    "a": "0.4*sin(2*PI*(220+110*floor(mod(t*2\\,8)))*t)"
         "+0.2*sin(2*PI*(330+55*floor(mod(t*3\\,5)))*t)*lt(mod(t\\,0.5)\\,0.25)",
    "b": "0.4*sin(2*PI*(260+90*floor(mod(t*2.5\\,7)))*t)"
         "+0.2*sin(2*PI*(410+40*floor(mod(t*1.5\\,6)))*t)*lt(mod(t\\,0.4)\\,0.2)",
}
CODECS = {
    "flac": ["-c:a", "flac"], "mp3": ["-c:a", "libmp3lame", "-b:a", "128k"],
    "mp3-320": ["-c:a", "libmp3lame", "-b:a", "320k"],
}


@pytest.fixture(scope="session")
def tunes(tmp_path_factory):
    """Return a function making a file of a tune (a or b) in a codec, from a cache made once per session."""
    if shutil.which("ffmpeg") is None or shutil.which("fpcalc") is None:
        pytest.skip("ffmpeg and fpcalc are needed")
    cache = tmp_path_factory.mktemp("tunes")

    def make(target: Path, tune: str = "a", codec: str = "flac", seconds: int = 30) -> Path:
        extension = "mp3" if codec.startswith("mp3") else codec
        source = cache / f"{tune}-{codec}-{seconds}.{extension}"
        if not source.exists():
            subprocess.run(
                ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"aevalsrc={TUNES[tune]}:s=44100:d={seconds}",
                 "-ac", "2", *CODECS[codec], str(source)], check=True, capture_output=True,
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        return target

    return make


@pytest.fixture
def music(settings, tmp_path) -> Path:
    """MUSIC_ROOT, DUPLICATES_DIR and the var folder, all under this test's own folder."""
    root = tmp_path / "music"
    root.mkdir()
    settings.MUSIC_ROOT = str(root)
    settings.DUPLICATES_DIR = str(tmp_path / "duplicates")
    settings.VAR_DIR = tmp_path / "var"
    settings.DJ_MUSIC_ROOT = ""
    settings.MUSIC_RENAME_ON_EDIT = False
    return root


def track_with_file(path: Path, *, library: bool = True, **fields) -> Track:
    """Return a catalogue track whose file is path (its file fields read from it), in the library unless told."""
    info = probe(path)
    status = path.stat()
    values = {"title": path.stem, "credit_name": "Artist", "artists": ["Artist"], **fields}
    track = Track.objects.create(
        **values, **track_file_fields(path=str(path), info=info, size=status.st_size, mtime_ns=status.st_mtime_ns,
                                      read_at=timezone.now()),
    )
    if library:
        LibraryTrack.objects.create(track=track)
    return track


@pytest.fixture
def library_of_files(music, tunes):
    """Three library tracks with files (BPM and key known), and one library track without a file."""
    made = []
    for index, (artist, title, bpm, key) in enumerate((
        ("Bicep", "Glue", Decimal("130.00"), "A minor"),
        ("Ø [Phase]", "Ort & Zeit", Decimal("124.50"), "F# major"),
        ("Charlotte de Witte", "Selected", Decimal("126.00"), "Db minor"),
    )):
        path = tunes(music / artist / f"{artist} - {title}.flac", tune="a" if index % 2 == 0 else "b", codec="flac",
                     seconds=8)
        made.append(track_with_file(path, title=title, credit_name=artist, artists=[artist], bpm=bpm, key=key,
                                    genre="Techno", label="Label"))
    without = Track.objects.create(title="Unreleased", credit_name="Nobody", artists=["Nobody"], bpm=Decimal("125"))
    LibraryTrack.objects.create(track=without)
    return made, without
