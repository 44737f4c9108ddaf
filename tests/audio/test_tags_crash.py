"""A tag write killed at any moment leaves the old file or the new one, never a broken one.

A writer process rewrites the tags of a FLAC and an MP3 in a loop, with alternating values and
cover art of alternating sizes (so the files change size and mutagen rewrites them whole), and is
killed with SIGKILL after a random delay. After each kill both files must still be readable audio
that decodes to the same sound as before, carrying one of the two titles. A killed write may leave
its hidden temporary copy behind (at most one per file); the next write removes it.

SIGKILL tests what a crash of the process does, not a power cut: the kernel keeps what was
written either way. The fsync of the copy and of its folder is what covers a power cut; it cannot
be tested here.
"""

from __future__ import annotations

import io
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from PIL import Image

from audio.probe import probe
from audio.tags import TagValues, read_tags, write_tags

KILLS = 15  # a fresh seed each run: over runs the kills land everywhere in a write
SECONDS = 20
MAX_DELAY_SECONDS = 0.05
TITLES = ("Alpha", "Beta Gamma Delta")
WRITER = """
import sys

import django

django.setup()

from audio.artwork import prepare_artwork
from audio.tags import TagValues, write_tags

flac, mp3, small_art, large_art = sys.argv[1:5]
# Prepared once, so that the loop spends its time writing files.
artwork = tuple(prepare_artwork(open(path, "rb").read()) for path in (small_art, large_art))
titles = ("Alpha", "Beta Gamma Delta")
turn = 1
while True:
    values = TagValues(title=titles[turn % 2], artists=("Writer",) * (turn % 2 + 1), album="Crash " * (turn % 2 + 1))
    for path in (flac, mp3):
        write_tags(path, values, artwork=artwork[turn % 2])
    if turn == 1:
        # Both files written once: the kill comes after this, so that even on a slow, busy machine
        # (an fsync of megabytes can take longer than the longest delay) it lands among writes.
        print("ready", flush=True)
    turn += 1
"""


def _noise_image(side: int, image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), random.Random(side).randbytes(side * side * 3)).save(buffer, image_format)
    return buffer.getvalue()


def _audio_md5(path: Path) -> str:
    """Return the MD5 of the decoded audio: a torn file that still parses decodes to something else."""
    result = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:a", "-f", "md5", "-"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0 and not result.stderr, f"{path.name} does not decode cleanly: {result.stderr}"
    return result.stdout.strip()


def _temporary_files(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f".{path.name}.cratedigger-*.tmp"))


def _noise(path: Path, codec: list[str]) -> Path:
    """Make SECONDS of stereo noise: megabytes that a tag write in place would have to move, so tearing would show."""
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"anoisesrc=duration={SECONDS}:seed=7", "-ac", "2",
         *codec, "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact", str(path)],
        check=True, capture_output=True,
    )
    return path


def test_a_write_killed_at_any_moment_leaves_a_whole_file(audio_sources, tmp_path):
    # audio_sources is asked for its skip: without ffmpeg there is nothing to test.
    flac = _noise(tmp_path / "noise.flac", ["-c:a", "flac"])
    mp3 = _noise(tmp_path / "noise.mp3", ["-c:a", "libmp3lame", "-b:a", "320k"])
    small_art, large_art = tmp_path / "small.jpg", tmp_path / "large.png"
    # Noise does not compress: the two covers differ by megabytes, more than any padding absorbs, so every
    # write rewrites the whole file (the case where writing in place would tear it).
    small_art.write_bytes(_noise_image(300, "JPEG"))
    large_art.write_bytes(_noise_image(1000, "PNG"))
    for path in (flac, mp3):
        write_tags(path, TagValues(title=TITLES[0]), artwork=small_art.read_bytes())  # the writer starts with the other
    formats = {flac: probe(flac).format, mp3: probe(mp3).format}
    sounds = {flac: _audio_md5(flac), mp3: _audio_md5(mp3)}
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(settings.BASE_DIR),
        "CRATEDIGGER_TESTING": "1",
    }
    seed = random.randrange(1_000_000)
    delays = random.Random(seed).choices(range(int(MAX_DELAY_SECONDS * 1000) + 1), k=KILLS)
    leftovers_seen = 0

    for round_number, delay_ms in enumerate(delays, 1):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(flac), str(mp3), str(small_art), str(large_art)],
            cwd=settings.BASE_DIR, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        try:
            started = writer.stdout.readline()
            assert started.strip() == b"ready", writer.stderr.read().decode()
            time.sleep(delay_ms / 1000)
            assert writer.poll() is None, f"the writer stopped by itself: {writer.stderr.read().decode()}"
            writer.send_signal(signal.SIGKILL)
            writer.wait(timeout=10)
        finally:
            if writer.poll() is None:
                writer.kill()
                writer.wait()
            writer.stdout.close()
            writer.stderr.close()

        context = f"(seed {seed}, round {round_number}, killed after {delay_ms} ms)"
        for path in (flac, mp3):
            info = probe(path)  # raises AudioError if the file is broken
            assert info.format == formats[path], context
            assert abs(info.duration - SECONDS) < 0.1, context
            assert _audio_md5(path) == sounds[path], f"{path.name}'s audio changed {context}"
            title = read_tags(path).full_title
            assert title in TITLES, f"{path.name} has the title {title!r} {context}"
            leftovers = _temporary_files(path)
            assert len(leftovers) <= 1, f"{[leftover.name for leftover in leftovers]} {context}"
            leftovers_seen += len(leftovers)

    # The next write removes the copies killed writes left behind.
    for path in (flac, mp3):
        write_tags(path, TagValues(title="After"))
        assert read_tags(path).title == "After"
        assert _temporary_files(path) == []
    print(f"{KILLS} kills (seed {seed}); temporary copies left by killed writes along the way: {leftovers_seen}")
