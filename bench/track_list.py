"""Benchmark: the admin's track list over many tracks, as a logged-in person sees it.

    BENCH_DATABASE_URL=postgres://... python bench/track_list.py [--tracks 100000] [--repeat 7]

Fills the database with --tracks tracks (once; a later run with the same count
reuses them), then requests the track list through Django's test client:
unfiltered, sorted by each sortable column, filtered by genre, and searched,
and prints the median time of --repeat requests and the COUNT(*) queries each
page makes. The target is under 150 ms at the median with at most one COUNT(*).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.django_env import configure  # noqa: E402 - after the repo root is on the path

GENRES = ["Techno", "House", "Deep House", "Drum & Bass", "Ambient", "Disco", "Electro", "Minimal"]
LABELS = ["Drumcode", "Kompakt", "Ostgut Ton", "Warp", "Hyperdub", "Innervisions", "R&S", "Dekmantel"]
KEYS = ["8A", "9A", "10B", "A minor", "G major", "11A", "1B", "5A"]


def fill(count: int) -> None:
    from decimal import Decimal

    from tracks.models import Track

    if Track.objects.count() == count:
        return
    Track.objects.all().delete()
    batch = []
    for n in range(count):
        batch.append(Track(
            title=f"Track {n:06d} {GENRES[n % 8]} Tool", credit_name=f"Artist {n % 5000}",
            artists=[f"Artist {n % 5000}"],
            album=f"Album {n % 20000}", label=LABELS[n % 8], genre=GENRES[n % 8], key=KEYS[n % 8],
            bpm=Decimal(110 + n % 40), isrc=f"DEA{n % 100:02d}{n:07d}"[:12], duration=180 + n % 300,
        ))
        if len(batch) == 5000:
            Track.objects.bulk_create(batch)
            batch = []
    Track.objects.bulk_create(batch)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tracks_track")


def tidy() -> None:
    """Vacuum and analyse the table: a migration that rewrote every row leaves the planner's figures stale."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE tracks_track")


def measure(client, url: str, params: dict, repeat: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)  # warm
    times = []
    counts = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        counts = sum("COUNT(" in query["sql"].upper() for query in queries.captured_queries)
    return statistics.median(times), counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cratedigger-bench-") as workdir:
        configure(workdir)
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        fill(args.tracks)
        tidy()
        user, _ = get_user_model().objects.get_or_create(username="bench",
                                                         defaults={"is_staff": True, "is_superuser": True})
        client = Client()
        client.force_login(user)
        url = reverse("admin:tracks_track_changelist")
        cases = [("unfiltered", {})]
        from tracks.admin import TrackAdmin

        for index, column in enumerate(TrackAdmin.list_display, start=1):
            order = column if column in ("genre", "label", "isrc") else getattr(
                getattr(TrackAdmin, column, None), "admin_order_field", None
            )
            if order:
                cases.append((f"sorted by {column} ({order})", {"o": str(index)}))
        cases += [
            ("filtered by genre", {"genre": "Techno"}),
            ("filtered by BPM 120-130", {"bpm_from": "120", "bpm_to": "130"}),
            ("filtered by key 8A and compatible", {"key": "8A+"}),
            ("searched: artist", {"q": "Artist 4321"}),
            ("searched: title words", {"q": "012345"}),
            ("searched: ISRC", {"q": "DEA4500012345"[:12]}),
        ]
        print(f"database: {connection.vendor}; tracks: {args.tracks:,}; median of {args.repeat} requests")
        print(f"{'page':<34} {'median ms':>10} {'COUNT(*)':>9}")
        for name, params in cases:
            median, counts = measure(client, url, params, args.repeat)
            print(f"{name:<34} {median:>10.1f} {counts:>9}")


if __name__ == "__main__":
    main()
