"""Benchmark: discovery statistics of each period and the trends, over a library the size of years of digging.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_stats python bench/discovery_stats.py [--repeat 5]

(Not bench/statistics.py: a file of that name in bench/ would hide the standard library's statistics module from
every bench script, as Python puts the script's folder first on the path.)

Fills the database once (a later run with the same counts reuses the rows) with --tracklists mixes of
--lines lines each (1,000,000 tracklist lines by default) identified over the last two years, pointing at
--tracks library tracks (a few popular ones sighted often, as in real mixes), and --wanted want-list entries.
The rows are written by INSERT ... SELECT over generate_series in the database, which takes seconds where the
ORM would take many minutes. Then it computes each period's statistics and the trends, uncached, and prints
the median time of --repeat runs and the queries each makes. The budget is 5 s each; the aim is 0.3 s.
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

GENRES = ["Techno", "House", "Deep House", "Drum & Bass", "Ambient", "Disco", "Electro", "Minimal", "Trance",
          "Breaks", "Dub Techno", "Garage"]
YEARS = 2


def insert_series(model, count: int, values: dict[str, str]) -> None:
    """Insert count rows of model in one INSERT ... SELECT over generate_series(1, count) AS n.

    values maps field names to SQL expressions of n; every other column gets a random UUID (the key), its field's
    default, NULL, or now().
    """
    from django.db import connection

    columns, expressions, params = [], [], []
    for field in model._meta.concrete_fields:
        columns.append(connection.ops.quote_name(field.column))
        if field.name in values:
            expressions.append(values[field.name].replace("%", "%%"))  # the driver reads % as a placeholder
        elif field.primary_key:
            expressions.append("gen_random_uuid()")  # every model here has a UUID key
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            expressions.append("now()")
        elif field.has_default() or field.empty_strings_allowed:
            expressions.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
        elif field.null:
            expressions.append("NULL")
        else:
            raise ValueError(f"{model.__name__}.{field.name} needs a value")
    sql = (f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(columns)}) "
           f"SELECT {', '.join(expressions)} FROM generate_series(1, {count}) AS n")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def fill(*, tracks: int, tracklists: int, lines: int, wanted: int) -> bool:
    """Fill the tables unless they already hold these counts; return whether it filled them."""
    from django.db import connection, transaction

    from library.models import LibraryTrack, TrackDiscovery, Tracklist
    from tracks.models import Track
    from wantlist.models import WantList

    wanted_counts = {Track: tracks, LibraryTrack: tracks, Tracklist: tracklists, TrackDiscovery: tracklists * lines,
                     WantList: wanted}
    if all(model.objects.count() == count for model, count in wanted_counts.items()):
        return False
    if connection.vendor != "postgresql":
        raise SystemExit("The fill runs in PostgreSQL (generate_series); set BENCH_DATABASE_URL to a postgres:// URL.")
    genres = "ARRAY[" + ", ".join(f"'{genre}'" for genre in GENRES) + "]"
    days = 365 * YEARS
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute("TRUNCATE wantlist_wantlist, library_trackdiscovery, library_librarytrack_discovered_from, "
                       "library_librarytrack, library_tracklist, tracks_track CASCADE")
        # Ids are md5 hashes of a prefix and n, so that the rows below can point at row n without a lookup.
        insert_series(Track, tracks, {
            "id": "md5('track' || n)::uuid", "title": "'Track ' || n",
            "version": "CASE WHEN n % 4 = 0 THEN 'Extended Mix' ELSE '' END",
            "credit_name": "'Artist ' || (n % 20000)", "artists": "jsonb_build_array('Artist ' || (n % 20000))",
            "label": "CASE WHEN n % 10 = 0 THEN '' ELSE 'Label ' || (n % 2000) END",
            "genre": f"({genres})[1 + (n * 7) % {len(GENRES)}]",
        })
        insert_series(LibraryTrack, tracks, {
            "id": "md5('library' || n)::uuid", "track": "md5('track' || n)::uuid", "discovery_count": "1",
            "is_provisional": "n % 12 = 0",
        })
        insert_series(Tracklist, tracklists, {
            "id": "md5('mix' || n)::uuid", "name": "'Mix ' || n", "dj": "'DJ ' || (n % 500)",
            "date": f"(now() - ({days} * n / {tracklists}) * interval '1 day')::date",
            "created_at": f"now() - ({days}.0 * n / {tracklists}) * interval '1 day'",
        })
        # Line n is line (n - 1) % lines + 1 of mix (n - 1) / lines + 1, identified when its mix was added (plus a
        # second per line). Tracks are drawn with a square law so that a few are sighted in many mixes.
        mix = f"((n - 1) / {lines} + 1)"
        pick = f"(1 + floor({tracks} * power(random(), 2))::int)"
        status = ("CASE WHEN n % 100 < 80 THEN 'identified' WHEN n % 100 < 88 THEN 'provisional' "
                  "WHEN n % 100 < 95 THEN 'needs_review' WHEN n % 100 < 98 THEN 'unidentifiable' ELSE 'pending' END")
        insert_series(TrackDiscovery, tracklists * lines, {
            "tracklist": f"md5('mix' || {mix})::uuid", "position": f"(n - 1) % {lines} + 1",
            "raw_text": "'Artist - Track ' || n", "status": status,
            "method": "CASE WHEN n % 100 < 20 THEN 'library' WHEN n % 100 < 80 THEN 'api' ELSE '' END",
            "sources_consulted": ("CASE WHEN n % 100 < 20 THEN '[\"library\"]'::jsonb WHEN n % 3 = 0 "
                                  "THEN '[\"musicbrainz\", \"spotify\"]'::jsonb "
                                  "ELSE '[\"beatport\", \"musicbrainz\"]'::jsonb END"),
            "library_track": f"CASE WHEN n % 100 < 88 THEN md5('library' || {pick})::uuid END",
            "confidence": "CASE WHEN n % 100 < 80 THEN 0.9 END",
            "identified_at": ("CASE WHEN n % 100 < 98 "
                              f"THEN now() - ({days}.0 * {mix} / {tracklists}) * interval '1 day'"
                              " + ((n - 1) % 100) * interval '1 second' END"),
        })
        insert_series(WantList, wanted, {
            "library_track": f"md5('library' || (n * {max(1, tracks // max(1, wanted))}))::uuid",
            "status": "CASE WHEN n % 10 < 6 THEN 'wanted' WHEN n % 10 < 9 THEN 'purchased' ELSE 'unavailable' END",
            "added_at": f"now() - ({days}.0 * n / {wanted}) * interval '1 day'",
            "updated_at": f"now() - ({days}.0 * n / {wanted}) * interval '1 day' + interval '3 days'",
        })
    return True


def tidy() -> None:
    """Vacuum and analyse: fresh rows need the visibility map for index-only scans, and the planner's figures."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("tracks_track", "library_librarytrack", "library_tracklist", "library_trackdiscovery",
                          "wantlist_wantlist"):
                cursor.execute(f"VACUUM ANALYZE {table}")


def measure(compute, repeat: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    compute()  # warm the database's buffers
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            compute()
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured.captured_queries)
    return statistics.median(times), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=int, default=200_000)
    parser.add_argument("--tracklists", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=100, help="Lines per tracklist.")
    parser.add_argument("--wanted", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cratedigger-bench-") as workdir:
        configure(workdir)
        from django.db import connection

        from library import statistics as stats

        started = time.perf_counter()
        filled = fill(tracks=args.tracks, tracklists=args.tracklists, lines=args.lines, wanted=args.wanted)
        if filled:
            print(f"filled in {time.perf_counter() - started:.1f} s")
        tidy()
        lines = args.tracklists * args.lines
        print(f"database: {connection.vendor}; {lines:,} tracklist lines in {args.tracklists:,} mixes over "
              f"{YEARS} years, {args.tracks:,} tracks, {args.wanted:,} wanted; median of {args.repeat}, uncached")
        print(f"{'statistics':<22} {'median ms':>10} {'queries':>8}  figures")
        for period in stats.PERIOD_NAMES:
            median, queries = measure(lambda period=period: stats.statistics_for(period=period, use_cache=False),
                                      args.repeat)
            figures = stats.statistics_for(period=period, use_cache=False)
            print(f"{period:<22} {median:>10.1f} {queries:>8}  {figures['sightings']:,} sightings, "
                  f"{figures['tracks_discovered']:,} tracks, {figures['unique_artists']:,} artists, "
                  f"{figures['tracklists_processed']:,} mixes")
        median, queries = measure(lambda: stats.trends(use_cache=False), args.repeat)
        figures = stats.trends(use_cache=False)
        print(f"{'trends (30 days)':<22} {median:>10.1f} {queries:>8}  "
              f"{sum(n for _, n in figures['discovery_rate']):,} "
              f"sightings in 12 weeks, {figures['success']['lines']:,} lines decided in 30 days")


if __name__ == "__main__":
    main()
