"""Benchmark: scanning a music folder of 10,000 small tagged files, cold and then with nothing changed.

    python bench/scan.py [--files 10000] [--folder /tmp/bench-music]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1/bench_scan python bench/scan.py

Makes a few one-second files with ffmpeg (MP3, FLAC, Ogg Vorbis, AAC, Opus), copies them under --files names in
nested folders (artist / album / track, ten tracks an album) and writes distinct tags into each copy with
`audio.tags.write_tags` (title, artists, album, label, ISRC, BPM, key: so the scan has no analysis to do, and
it runs with analysis off besides). The folder is kept under --folder (made once, reused while the count
matches), so runs compare like with like. Then, on a throw-away SQLite database under a temporary folder (or
BENCH_DATABASE_URL; on PostgreSQL use the database bench_scan, made with
`psql -h 127.0.0.1 -U postgres -c "create database bench_scan"`), it scans the folder as `scan_library --sync`
does: a cold scan (every file read, every track and library entry created), then a rescan with nothing changed,
and prints files per second for each. Then it does both again under tracemalloc and prints the peak of Python
memory, and the process's peak resident size. Targets on PostgreSQL: at least 500 files/s cold, 5,000 files/s
unchanged, and a peak that stays flat (chunks of SCAN_CHUNK files: nothing grows with the folder but the
listing's set of paths).
"""

from __future__ import annotations

import argparse
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.django_env import configure  # noqa: E402 - after the repo root is on the path

# format -> (extension, ffmpeg codec options)
FORMATS = {
    "mp3": ("mp3", ["-c:a", "libmp3lame", "-b:a", "128k"]),
    "flac": ("flac", ["-c:a", "flac"]),
    "ogg": ("ogg", ["-c:a", "libvorbis", "-b:a", "96k"]),
    "aac": ("m4a", ["-c:a", "aac", "-b:a", "96k"]),
    "opus": ("opus", ["-c:a", "libopus", "-b:a", "64k"]),
}
TRACKS_PER_ALBUM = 10
ALBUMS_PER_ARTIST = 5
KEYS = ("8A", "9A", "10B", "5A", "11B", "1A", "4B", "7A")


def make_sources(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    sources = []
    for name, (extension, codec) in FORMATS.items():
        target = folder / f"source-{name}.{extension}"
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-ac", "2", *codec,
             "-map_metadata", "-1", str(target)], check=True, capture_output=True,
        )
        sources.append(target)
    return sources


def fill(folder: Path, count: int) -> None:
    """Write count tagged copies under folder (once: a folder with that many files is reused)."""
    from audio.tags import TagValues, write_tags

    marker = folder / ".bench-count"
    if marker.exists() and marker.read_text() == str(count):
        return
    shutil.rmtree(folder, ignore_errors=True)
    sources = make_sources(folder / ".sources")
    started = time.perf_counter()
    for number in range(count):
        artist = number // (TRACKS_PER_ALBUM * ALBUMS_PER_ARTIST)
        album = number // TRACKS_PER_ALBUM % ALBUMS_PER_ARTIST
        source = sources[number % len(sources)]
        target = (folder / f"Artist {artist:04d}" / f"Album {album}"
                  / f"{number % TRACKS_PER_ALBUM + 1:02d} Track {number:05d}{source.suffix}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        write_tags(target, TagValues(
            title=f"Track {number:05d}", version="Extended Mix" if number % 3 else None,
            artists=(f"Artist {artist:04d}",), album=f"Album {artist:04d}-{album}", label=f"Label {number % 50}",
            isrc=f"DEA{number:09d}", bpm=Decimal(110 + number % 40), key=KEYS[number % len(KEYS)],
            track_number=number % TRACKS_PER_ALBUM + 1, date=str(1990 + number % 30),
        ), id3_version=4)
    marker.write_text(str(count))
    print(f"made {count:,} tagged files in {time.perf_counter() - started:.1f} s")


def reset() -> None:
    from audio.models import ScanJob
    from library.models import LibraryTrack
    from tracks.models import Track

    ScanJob.objects.all().delete()
    LibraryTrack.objects.all().delete()
    Track.objects.all().delete()


def run_scan(folder: Path):
    from audio import scanning, selectors
    from audio.models import ScanJob
    from core import jobs

    job = scanning.scan_job_create(root=str(folder), analyse=False, enqueue_now=False, started_by="bench")
    job = jobs.job_run_here(model=ScanJob, job_id=job.pk)
    return job, selectors.scan_summary(job=job, problems_limit=10)


def timed(folder: Path, count: int, label: str) -> None:
    started = time.perf_counter()
    job, summary = run_scan(folder)
    seconds = time.perf_counter() - started
    assert job.status == "completed" and not job.failed, (job.status, job.last_error)
    print(f"{label:<10} {seconds:>8.2f} {count / seconds:>10,.0f}   {summary.counts_text()}")


def traced(folder: Path, label: str) -> None:
    tracemalloc.start()
    run_scan(folder)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label:<10} peak Python memory {peak / 1024 / 1024:6.1f} MB; process peak RSS so far {maxrss:6.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--folder", default=str(Path(tempfile.gettempdir()) / "cratedigger-bench-music"))
    args = parser.parse_args()
    folder = Path(args.folder)
    with tempfile.TemporaryDirectory(prefix="cratedigger-bench-") as workdir:
        # DEBUG off, as in production: Django keeps no log of every query then.
        configure(workdir, DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50))
        from django.db import connection

        fill(folder, args.files)
        reset()
        print(f"database: {connection.vendor}; files: {args.files:,} in {folder}")
        print(f"{'scan':<10} {'seconds':>8} {'files/s':>10}   counts")
        timed(folder, args.files, "cold")
        timed(folder, args.files, "unchanged")
        reset()
        traced(folder, "cold")
        traced(folder, "unchanged")


if __name__ == "__main__":
    main()
