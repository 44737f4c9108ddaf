"""Benchmark: exporting 10,000 wanted tracks and library tracks in each format, with the time and peak memory.

    python bench/exports.py [--rows 10000]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1/bench_exports python bench/exports.py

Fills a throw-away SQLite database under a temporary folder (or BENCH_DATABASE_URL; on PostgreSQL use the
database bench_exports, made with `psql -h 127.0.0.1 -U postgres -c "create database bench_exports"`) with
--rows want-list entries, each with its library track, its track (ISRC and provider ids) and three purchase
links, then exports them all as CSV, JSON, TXT and XLSX into a file, as export_wantlist does, and the library
the same way, as export_library does, and prints the wall time of an untraced run and the peak of Python memory
(tracemalloc) of a second, traced run, for each list and format. The target:
the peak stays flat (under 20 MB) however many rows, since rows are read 2,000 at a time and written one by one.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.django_env import configure  # noqa: E402 - after the repo root is on the path

GENRES = ["Techno", "House", "Deep House", "Drum & Bass", "Ambient", "Disco", "Electro", "Minimal"]
LABELS = ["Drumcode", "Kompakt", "Ostgut Ton", "Warp", "Hyperdub", "Innervisions", "R&S", "Dekmantel"]
STORES = ["Beatport", "Bandcamp", "Juno Download"]


def fill(count: int) -> None:
    """Create count want-list entries (once: a later run with the same count reuses them)."""
    from decimal import Decimal

    from django.utils import timezone

    from library.models import LibraryTrack, Tracklist
    from tracks.models import Track
    from wantlist.models import WantList

    if WantList.objects.count() == count and Track.objects.count() == count:
        return
    WantList.objects.all().delete()
    LibraryTrack.objects.all().delete()
    Track.objects.all().delete()
    mix, _ = Tracklist.objects.get_or_create(name="Bench mix", defaults={"dj": "Bench"})
    now = timezone.now()
    for start in range(0, count, 5000):
        numbers = range(start, min(start + 5000, count))
        tracks = Track.objects.bulk_create(Track(
            title=f"Track {n:06d} Tool", version="Extended Mix" if n % 3 else "", credit_name=f"Artist {n % 5000}",
            artists=[f"Artist {n % 5000}", f"Guest {n % 97}"], remixers=[f"Remixer {n % 31}"] if n % 3 else [],
            label=LABELS[n % 8], catalog_number=f"CAT{n:05d}", genre=GENRES[n % 8], key="8A",
            bpm=Decimal(110 + n % 40) + Decimal("0.5") * (n % 2), isrc=f"DEA{n:09d}", duration=180 + n % 300,
            musicbrainz_recording_id=f"00000000-0000-4000-8000-{n:012d}", spotify_id=f"sp{n:020d}",
            beatport_id=str(10_000_000 + n),
        ) for n in numbers)
        entries = LibraryTrack.objects.bulk_create(
            LibraryTrack(track=track, discovery_count=1 + n % 5, first_discovered=now, last_seen=now)
            for n, track in zip(numbers, tracks, strict=True)
        )
        WantList.objects.bulk_create(WantList(
            library_track=entry, priority=1 + n % 5, status="wanted", notes=f"Heard at {n % 60} minutes",
            found_in=mix, purchase_links=[
                {"store": store, "url": f"https://{store.split()[0].lower()}.example/track/{n}",
                 "price": f"{1.29 + index + (n % 7) / 10:.2f}", "currency": "EUR"}
                for index, store in enumerate(STORES)
            ],
        ) for n, entry in zip(numbers, entries, strict=True))


def export(what: str, fmt: str, target: Path) -> int:
    from core.exports import write
    from library import exports as library_exports
    from wantlist import exports as wantlist_exports

    queryset = (wantlist_exports.wantlist_queryset() if what == "want list"
                else library_exports.library_queryset())
    exports = wantlist_exports if what == "want list" else library_exports
    with target.open("wb") as out:
        write(rows=exports.rows(queryset), columns=exports.columns(), fmt=fmt, out=out,
              sheet_title=exports.EXPORT_NAME)
    return target.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cratedigger-bench-") as workdir:
        configure(workdir)
        from django.db import connection

        from core.exports import FORMATS

        started = time.perf_counter()
        fill(args.rows)
        print(f"database: {connection.vendor}; want-list rows: {args.rows:,} "
              f"(filled in {time.perf_counter() - started:.1f} s)")
        print(f"{'list':<10} {'format':<7} {'seconds':>8} {'peak MB':>8} {'file MB':>8}")
        for what in ("want list", "library"):
            for fmt in FORMATS:
                target = Path(workdir) / f"{what.replace(' ', '')}.{fmt}"
                started = time.perf_counter()
                size = export(what, fmt, target)
                seconds = time.perf_counter() - started
                tracemalloc.start()
                export(what, fmt, target)
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                print(f"{what:<10} {fmt:<7} {seconds:>8.2f} {peak / 1024 / 1024:>8.1f} {size / 1024 / 1024:>8.1f}")


if __name__ == "__main__":
    main()
